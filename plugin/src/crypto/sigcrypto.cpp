#include "crypto/sigcrypto.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

namespace domoguard::crypto {

namespace {

Error crypto_error(const std::string& what) {
  std::string detail;
  if (unsigned long e = ERR_get_error(); e != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    detail = std::string(": ") + buf;
  }
  ERR_clear_error();
  return Error{ErrorCode::internal, "error.crypto.failed", what + detail, "", ""};
}

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

std::shared_ptr<EVP_PKEY> own(EVP_PKEY* k) { return std::shared_ptr<EVP_PKEY>(k, EVP_PKEY_free); }

std::string bio_text(BIO* b) {
  char* data = nullptr;
  long n = BIO_get_mem_data(b, &data);
  return n > 0 ? std::string(data, static_cast<size_t>(n)) : std::string();
}

}  // namespace

std::string to_hex(std::string_view bytes) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += hex[c >> 4];
    out += hex[c & 0xF];
  }
  return out;
}

bool from_hex(std::string_view hex, std::string& out) {
  if (hex.size() % 2) return false;
  auto nib = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  out.clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = nib(hex[i]), lo = nib(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out += static_cast<char>(hi * 16 + lo);
  }
  return true;
}

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return out;
}

bool base64_decode(std::string_view text, std::string& out) {
  if (text.size() % 4) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' ||
              (c == '=' && i + 2 >= text.size());
    if (!ok) return false;
  }
  if (text.size() >= 2 && text[text.size() - 2] == '=' && text.back() != '=') return false;
  out.assign(3 * (text.size() / 4), '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return false;
  size_t pad = 0;
  if (!text.empty() && text.back() == '=') ++pad;
  if (text.size() >= 2 && text[text.size() - 2] == '=') ++pad;
  out.resize(static_cast<size_t>(n) - pad);  // EVP_DecodeBlock counts padding as zero bytes
  return true;
}

std::string sha256(std::string_view bytes) {
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), d, &n, EVP_sha256(), nullptr) != 1) return {};
  return std::string(reinterpret_cast<char*>(d), n);
}

Result<std::string> hmac_sha256(std::string_view key, std::string_view data) {
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (!mac) return crypto_error("HMAC is not available");
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
  EVP_MAC_free(mac);
  if (!ctx) return crypto_error("Cannot create an HMAC context");
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_construct_end()};
  unsigned char out[EVP_MAX_MD_SIZE];
  size_t n = 0;
  const bool ok = EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(key.data()), key.size(), params) == 1 &&
                  EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1 &&
                  EVP_MAC_final(ctx, out, &n, sizeof out) == 1;
  EVP_MAC_CTX_free(ctx);
  if (!ok) return crypto_error("HMAC-SHA256 failed");
  return std::string(reinterpret_cast<char*>(out), n);
}

Result<std::string> random_bytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
    return crypto_error("The random number generator failed");
  return out;
}

bool equal_ct(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// ---- Ed25519 ----

Result<Ed25519Key> Ed25519Key::generate() {
  EVP_PKEY* k = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (!k) return crypto_error("Cannot generate an Ed25519 key");
  Ed25519Key key;
  key.key_ = own(k);
  key.has_private_ = true;
  return key;
}

Result<Ed25519Key> Ed25519Key::from_raw_private(std::string_view seed) {
  if (seed.size() != 32) return Error{ErrorCode::bad_input, "error.crypto.bad_key", "An Ed25519 secret key is 32 bytes", "", ""};
  EVP_PKEY* k = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                             reinterpret_cast<const unsigned char*>(seed.data()), seed.size());
  if (!k) return crypto_error("Cannot load the Ed25519 secret key");
  Ed25519Key key;
  key.key_ = own(k);
  key.has_private_ = true;
  return key;
}

Result<Ed25519Key> Ed25519Key::from_raw_public(std::string_view pub) {
  if (pub.size() != 32) return Error{ErrorCode::bad_input, "error.crypto.bad_key", "An Ed25519 public key is 32 bytes", "", ""};
  EVP_PKEY* k = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                            reinterpret_cast<const unsigned char*>(pub.data()), pub.size());
  if (!k) return crypto_error("Cannot load the Ed25519 public key");
  Ed25519Key key;
  key.key_ = own(k);
  return key;
}

Result<Ed25519Key> Ed25519Key::from_pem(std::string_view pem, const std::string& file) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return crypto_error("Cannot read the key");
  Ed25519Key key;
  EVP_PKEY* k = nullptr;
  if (pem.find("PRIVATE KEY-----") != std::string_view::npos) {
    k = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
    key.has_private_ = k != nullptr;
  } else {
    k = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
  }
  ERR_clear_error();
  if (!k || EVP_PKEY_get_id(k) != EVP_PKEY_ED25519) {
    if (k) EVP_PKEY_free(k);
    return Error{ErrorCode::bad_input, "error.crypto.bad_key", "Not an Ed25519 key in PEM form", file, ""};
  }
  key.key_ = own(k);
  return key;
}

std::string Ed25519Key::raw_public() const {
  if (!key_) return {};
  unsigned char buf[32];
  size_t n = sizeof buf;
  if (EVP_PKEY_get_raw_public_key(key_.get(), buf, &n) != 1) return {};
  return std::string(reinterpret_cast<char*>(buf), n);
}

std::string Ed25519Key::key_id() const { return to_hex(sha256(raw_public())).substr(0, 16); }

Result<std::string> Ed25519Key::private_pem() const {
  if (!key_ || !has_private_) return Error{ErrorCode::bad_input, "error.crypto.no_private", "This is a public key only", "", ""};
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
    return crypto_error("Cannot write the private key");
  return bio_text(bio.get());
}

Result<std::string> Ed25519Key::public_pem() const {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  if (!key_ || !bio || PEM_write_bio_PUBKEY(bio.get(), key_.get()) != 1) return crypto_error("Cannot write the public key");
  return bio_text(bio.get());
}

// Ed25519 is a one-shot scheme: no separate digest (NULL md), the whole message in one call.
Result<std::string> Ed25519Key::sign(std::string_view message) const {
  if (!key_ || !has_private_) return Error{ErrorCode::bad_input, "error.crypto.no_private", "Signing needs the private key", "", ""};
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  unsigned char sig[64];
  size_t n = sizeof sig;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), sig, &n, reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1)
    return crypto_error("Ed25519 signing failed");
  return std::string(reinterpret_cast<char*>(sig), n);
}

bool Ed25519Key::verify(std::string_view message, std::string_view signature) const {
  if (!key_ || signature.size() != 64) return false;
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  const bool ok = ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) == 1 &&
                  EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                                   reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  ERR_clear_error();
  return ok;
}

}  // namespace domoguard::crypto
