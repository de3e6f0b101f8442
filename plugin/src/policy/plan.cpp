#include "policy/plan.hpp"

#include <openssl/evp.h>

#include <array>
#include <memory>

namespace domoguard::policy {

namespace {

// Length-prefixed fields, so ("ab","c") and ("a","bc") never hash alike.
void feed(EVP_MD_CTX* ctx, const std::string& s) {
  const auto n = static_cast<uint64_t>(s.size());
  std::array<unsigned char, 8> len{};
  for (size_t i = 0; i < len.size(); ++i) len[i] = static_cast<unsigned char>(n >> (8 * i));
  EVP_DigestUpdate(ctx, len.data(), len.size());
  EVP_DigestUpdate(ctx, s.data(), s.size());
}

}  // namespace

// The id covers what the plan changes (kind, selector, each action's kind, target, param and
// after), not what the home showed when it was made (before, texts): the same changes get the same
// id, so re-planning an applied plan is recognised as the same plan.
std::string plan_id(const Plan& plan) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) return {};
  feed(ctx.get(), "domoguard.plan.v1");
  feed(ctx.get(), plan.kind);
  feed(ctx.get(), plan.selector);
  feed(ctx.get(), std::to_string(plan.actions.size()));
  for (const auto& a : plan.actions) {
    feed(ctx.get(), a.kind);
    feed(ctx.get(), a.target);
    feed(ctx.get(), a.param);
    feed(ctx.get(), a.after);
  }
  if (EVP_DigestFinal_ex(ctx.get(), digest, &len) != 1) return {};
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0xF];
  }
  return out;
}

}  // namespace domoguard::policy
