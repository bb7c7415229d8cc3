#include "tls_cert.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <arpa/inet.h>

#include <memory>
#include <stdexcept>

namespace element_sim {

namespace {

template <class T, void (*F)(T*)>
struct Free {
  void operator()(T* p) const noexcept { F(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Free<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Free<X509, X509_free>>;
using BioPtr = std::unique_ptr<BIO, Free<BIO, BIO_free_all>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Free<X509_EXTENSION, X509_EXTENSION_free>>;

[[noreturn]] void ossl_fail(const char* what) {
  unsigned long e = ERR_get_error();
  char buf[256] = {0};
  if (e != 0) ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  throw std::runtime_error(std::string("TLS certificate generation failed: ") + what + (e ? ": " : "") + buf);
}

bool is_ip(const std::string& s) {
  unsigned char b[16];
  return inet_pton(AF_INET, s.c_str(), b) == 1 || inet_pton(AF_INET6, s.c_str(), b) == 1;
}

std::string bio_string(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(len));
}

void add_ext(X509* cert, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) ossl_fail("add extension");
}

}  // namespace

CertKeyPem generate_self_signed(const std::vector<std::string>& names, unsigned long long serial,
                                const CertValidity& validity) {
  if (names.empty()) throw std::runtime_error("generate_self_signed: no names");
  PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) ossl_fail("EC P-256 key generation");

  X509Ptr cert(X509_new());
  if (!cert) ossl_fail("X509_new");
  if (X509_set_version(cert.get(), 2) != 1) ossl_fail("set version");
  if (ASN1_INTEGER_set_uint64(X509_get_serialNumber(cert.get()), serial == 0 ? 1 : serial) != 1)
    ossl_fail("set serial");
  if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()), validity.not_before_s)) ossl_fail("notBefore");
  if (!X509_gmtime_adj(X509_getm_notAfter(cert.get()), validity.not_after_s)) ossl_fail("notAfter");
  if (X509_set_pubkey(cert.get(), key.get()) != 1) ossl_fail("set pubkey");

  X509_NAME* subject = X509_get_subject_name(cert.get());
  auto add_name = [&](const char* field, const std::string& v) {
    if (X509_NAME_add_entry_by_txt(subject, field, MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(v.c_str()),
                                   -1, -1, 0) != 1)
      ossl_fail("subject");
  };
  add_name("O", "element-sim");
  add_name("CN", names.front());
  if (X509_set_issuer_name(cert.get(), subject) != 1) ossl_fail("issuer");

  std::string san;
  for (const auto& n : names) {
    if (!san.empty()) san += ",";
    san += (is_ip(n) ? "IP:" : "DNS:") + n;
  }
  add_ext(cert.get(), NID_subject_alt_name, san);
  add_ext(cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_ext(cert.get(), NID_key_usage, "critical,digitalSignature,keyCertSign");
  add_ext(cert.get(), NID_ext_key_usage, "serverAuth");
  add_ext(cert.get(), NID_subject_key_identifier, "hash");

  if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0) ossl_fail("sign");

  CertKeyPem out;
  BioPtr cbio(BIO_new(BIO_s_mem()));
  if (!cbio || PEM_write_bio_X509(cbio.get(), cert.get()) != 1) ossl_fail("write certificate");
  out.cert_pem = bio_string(cbio.get());
  BioPtr kbio(BIO_new(BIO_s_mem()));
  if (!kbio || PEM_write_bio_PrivateKey(kbio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
    ossl_fail("write key");
  out.key_pem = bio_string(kbio.get());
  return out;
}

}  // namespace element_sim
