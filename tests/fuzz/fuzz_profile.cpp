// Fuzzes what an installer hands over: a preset profile, parsed as plain JSON and checked as a
// signed bundle against an empty trust store (the signature, the key id and every field are hostile).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "policy/profile.hpp"
#include "store/trust.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static std::unique_ptr<domoguard::store::TrustStore> trust = [] {
    auto t = domoguard::store::TrustStore::open(":memory:");
    if (!t) __builtin_trap();
    return std::move(*t);
  }();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = domoguard::policy::parse_profile_text(text, "fuzz");
  (void)parsed;
  auto verified = domoguard::policy::verify_signed(text, *trust, "fuzz");
  if (verified) __builtin_trap();  // nothing can be trusted without a trusted key
  return 0;
}
