// Thread networks from HA's `thread` integration: .storage/thread.datasets (components/thread/
// dataset_store.py, version 1.1-1.4: {"preferred_dataset": id | null, "datasets": [{"created", "id",
// "preferred_border_agent_id", "preferred_extended_address", "source", "tlv"}]}). `tlv` is the
// active operational dataset as hex MeshCoP TLVs (type, length, value; Thread 1.3 section 8.10).
//
// The network key and the PSKc are compared here with values published as defaults and dropped:
// only "is it a published default" reaches the model. The published values:
//  - network key 00112233445566778899aabbccddeeff: OpenThread's built-in key before it generated
//    one per network (openthread/openthread src/core/thread/thread_netif.cpp, kThreadMasterKey) and
//    the OpenThread Border Router web page's "Form" default (openthread/ot-br-posix @474d15c2adb4,
//    src/web/web-service/frontend/res/js/app.js: networkName OpenThreadDemo, extPanId
//    1111111122222222, panId 0x1234, passphrase j01Nme, channel 15);
//  - PSKc 445f2b5ca6f2a93a55ce570a70efeecb: that page's passphrase, name and extended PAN id run
//    through the Thread PSKc derivation (PBKDF2 with AES-CMAC-PRF-128, 16384 rounds, salt "Thread" +
//    extended PAN id + network name; checked against the specification's test vector);
//  - PSKc c23a76e98f1a6483639b1ac1271e2e27: the dataset OpenThread's own tests form with the default
//    key (openthread/openthread tests/unit/test_routing_manager.cpp);
//  - network name "OpenThread" with extended PAN id dead00beef00cafe (src/core/mac/mac.cpp,
//    sNetworkNameInit / sExtendedPanidInit) and "OpenThreadDemo" with 1111111122222222 (the web page).
#include <array>
#include <cctype>

#include "hub/ha/surface.hpp"
#include "util/text.hpp"

namespace domoguard::hub::ha::detail {

namespace {

constexpr std::string_view kDefaultKeys[] = {"00112233445566778899aabbccddeeff"};
constexpr std::string_view kDefaultPskcs[] = {"445f2b5ca6f2a93a55ce570a70efeecb", "c23a76e98f1a6483639b1ac1271e2e27"};
struct DefaultIds {
  std::string_view name;
  std::string_view ext_pan_id;
};
constexpr DefaultIds kDefaultIds[] = {{"OpenThread", "dead00beef00cafe"}, {"OpenThreadDemo", "1111111122222222"}};

// MeshCoP TLV types (Thread specification, table 8-2).
constexpr int kPanId = 1, kExtPanId = 2, kNetworkName = 3, kPskc = 4, kNetworkKey = 5;

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// A dataset is at most 254 bytes (Thread 1.3 section 8.10.1.1); anything longer or not hex is refused.
std::optional<std::string> bytes_of(std::string_view hex) {
  if (hex.size() % 2 != 0 || hex.size() > 2 * 254) return std::nullopt;
  std::string out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = hex_digit(hex[i]), lo = hex_digit(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

std::string hex_of(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

template <std::size_t N>
bool listed(const std::string_view (&list)[N], const std::string& value) {
  for (auto v : list)
    if (v == value) return true;
  return false;
}

}  // namespace

std::optional<model::ThreadNetwork> parse_thread_dataset(const json::object& o, std::string_view preferred_id) {
  model::ThreadNetwork n;
  n.id = str(o, "id");
  n.source = str(o, "source");
  n.preferred = !n.id.empty() && n.id == preferred_id;
  const auto tlv = bytes_of(raw(o, "tlv"));
  if (!tlv) return std::nullopt;
  std::string key, pskc;   // compared below, never kept
  for (std::size_t i = 0; i + 2 <= tlv->size();) {
    const int type = static_cast<unsigned char>((*tlv)[i]);
    const std::size_t len = static_cast<unsigned char>((*tlv)[i + 1]);
    if (i + 2 + len > tlv->size()) return std::nullopt;   // truncated
    const std::string_view value(tlv->data() + i + 2, len);
    if (type == kPanId && len == 2) n.pan_id = hex_of(value);
    else if (type == kExtPanId && len == 8) n.ext_pan_id = hex_of(value);
    else if (type == kNetworkName && len <= 16) n.network_name = util::clean_text(value, 16);
    else if (type == kPskc && len == 16) pskc = hex_of(value);
    else if (type == kNetworkKey && len == 16) key = hex_of(value);
    i += 2 + len;
  }
  if (n.ext_pan_id.empty()) return std::nullopt;   // HA drops such datasets too
  n.default_key = listed(kDefaultKeys, key);
  n.default_pskc = listed(kDefaultPskcs, pskc);
  for (const auto& d : kDefaultIds)
    if (d.name == n.network_name && d.ext_pan_id == n.ext_pan_id) n.default_ids = true;
  return n;
}

}  // namespace domoguard::hub::ha::detail
