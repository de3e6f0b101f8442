// Fuzzes the backup reader: gzip detection, the outer and inner tar walk, SecureTar detection.
#include "hub/ha/adapter.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto r = domoguard::hub::ha::from_backup_bytes(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
  (void)r;
  return 0;
}
