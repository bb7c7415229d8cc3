// Self-signed certificate generation (OpenSSL 3 EVP API).
#pragma once

#include <string>
#include <vector>

namespace element_sim {

struct CertKeyPem {
  std::string cert_pem;
  std::string key_pem;
};

// Validity window, in seconds from now. The default (from an hour ago for ten years) is what the server
// generates; tests pick others (an expired or not yet valid certificate).
struct CertValidity {
  long not_before_s = -3600;
  long not_after_s = 10L * 365 * 24 * 3600;
};

// EC P-256 key and a SHA-256 self-signed X.509v3 certificate valid for `validity`, with
// CN=<first name> and subjectAltName covering every entry of `names` (IP addresses as IP SANs,
// anything else as DNS). Throws std::runtime_error on failure.
CertKeyPem generate_self_signed(const std::vector<std::string>& names, unsigned long long serial,
                                const CertValidity& validity = {});

}  // namespace element_sim
