// Fuzzes the .storage parser: one file (chosen by the first byte) with arbitrary content, next to a
// valid auth file so user/MFA code paths are reached as well.
#include "fuzz_common.hpp"
#include "hub/ha/adapter.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const auto& paths = dgfuzz::storage_paths();
  domoguard::hub::ha::ConfigFiles files;
  files[".HA_VERSION"] = "2026.11.1";
  files[paths[data[0] % paths.size()]] = std::string(reinterpret_cast<const char*>(data + 1), size - 1);
  auto r = domoguard::hub::ha::from_config_files(files, "fuzz");
  if (r) {
    volatile std::size_t n = r->devices.size() + r->entities.size() + r->users.size();
    (void)n;
  }
  return 0;
}
