// The cryptographic primitives behind signed installer profiles and the tamper-evident event log,
// all through OpenSSL 3's EVP interfaces (EVP_MAC for HMAC, EVP_PKEY for Ed25519): SHA-256,
// HMAC-SHA256, Ed25519 keys and signatures, hex and base64, random bytes. Bytes are std::string.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "util/result.hpp"

typedef struct evp_pkey_st EVP_PKEY;

namespace domoguard::crypto {

std::string to_hex(std::string_view bytes);
// False on odd length or a non-hex digit.
bool from_hex(std::string_view hex, std::string& out);
std::string base64_encode(std::string_view bytes);
// Strict: standard alphabet with padding, no whitespace; false on anything else.
bool base64_decode(std::string_view text, std::string& out);

std::string sha256(std::string_view bytes);                                  // 32 raw bytes
Result<std::string> hmac_sha256(std::string_view key, std::string_view data); // 32 raw bytes
Result<std::string> random_bytes(size_t n);
// Constant-time comparison for MACs.
bool equal_ct(std::string_view a, std::string_view b);

// An Ed25519 key pair or public key.
class Ed25519Key {
 public:
  static Result<Ed25519Key> generate();
  // RFC 8032 raw forms: the 32-byte secret seed, or the 32-byte public key.
  static Result<Ed25519Key> from_raw_private(std::string_view seed);
  static Result<Ed25519Key> from_raw_public(std::string_view pub);
  // PEM: "PRIVATE KEY" (PKCS#8) or "PUBLIC KEY" (SubjectPublicKeyInfo).
  static Result<Ed25519Key> from_pem(std::string_view pem, const std::string& file = "");

  bool has_private() const { return has_private_; }
  std::string raw_public() const;          // 32 bytes
  // The key's name in signatures and the trust store: SHA-256 of the raw public key, hex, first 16.
  std::string key_id() const;
  Result<std::string> private_pem() const;
  Result<std::string> public_pem() const;
  Result<std::string> sign(std::string_view message) const;      // 64 bytes
  bool verify(std::string_view message, std::string_view signature) const;

 private:
  std::shared_ptr<EVP_PKEY> key_;
  bool has_private_ = false;
};

}  // namespace domoguard::crypto
