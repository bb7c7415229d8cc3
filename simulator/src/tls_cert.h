// Self-signed certificate generation (OpenSSL 3 EVP API).
#pragma once

#include <string>
#include <vector>

namespace element_sim {

struct CertKeyPem {
  std::string cert_pem;
  std::string key_pem;
};

// EC P-256 key and a SHA-256 self-signed X.509v3 certificate valid for 10 years, with
// CN=<first name> and subjectAltName covering every entry of `names` (IP addresses as IP SANs,
// anything else as DNS). Throws std::runtime_error on failure.
CertKeyPem generate_self_signed(const std::vector<std::string>& names, unsigned long long serial);

}  // namespace element_sim
