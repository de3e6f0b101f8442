#include "audit/classify.hpp"

#include <algorithm>
#include <unordered_set>
#include <array>
#include <bitset>
#include <cctype>
#include <string>
#include <string_view>

namespace domoguard::audit {

using namespace std::string_view_literals;   // text == "x"sv compares lengths before bytes

using model::AreaKind;
using model::Device;
using model::DeviceType;
using model::Entity;
using model::Home;
using model::Tier;

namespace {

// ASCII case folding and word characters, as in the "C" locale, without a locale call per byte
// (these run over every device's and entity's texts). Bytes of UTF-8 letters count as letters.
constexpr char fold(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
constexpr bool word_char(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}
bool equal_folded(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return fold(x) == fold(y); });
}

// Calls f(token) for each maximal run of word characters of s, until f returns true.
template <class F>
bool any_token_of(std::string_view s, F&& f) {
  const size_t n = s.size();
  for (size_t i = 0; i < n;) {
    while (i < n && !word_char(static_cast<unsigned char>(s[i]))) ++i;
    size_t j = i;
    while (j < n && word_char(static_cast<unsigned char>(s[j]))) ++j;
    if (j > i && f(s.substr(i, j - i))) return true;
    i = j;
  }
  return false;
}

}  // namespace

bool contains_word(const std::string& haystack, std::string_view needle) {
  if (needle.empty() || haystack.size() < needle.size()) return false;
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                        [](char a, char b) { return fold(a) == fold(b); });
  return it != haystack.end();
}

bool has_token(const std::string& haystack, std::string_view needle) {
  if (needle.empty()) return false;
  return any_token_of(haystack, [&](std::string_view token) { return equal_folded(token, needle); });
}

namespace {

// One pass over the tokens of s for all the words (not one pass per word).
bool any_token(const std::string& s, std::initializer_list<std::string_view> words) {
  return any_token_of(s, [&](std::string_view token) {
    return std::any_of(words.begin(), words.end(), [&](std::string_view w) { return equal_folded(token, w); });
  });
}

bool any_of_words(const std::string& s, std::initializer_list<std::string_view> words) {
  return std::any_of(words.begin(), words.end(), [&](std::string_view w) { return contains_word(s, w); });
}

// The entity's identifying texts, lower-cased once (ASCII), for the word lists below (all lower case),
// with a sketch of the pairs of adjacent bytes in them: a word with
// a pair the sketch lacks is not in the text, so most of the many words asked for are ruled out by a
// lookup or two instead of a scan of the text (a pair that shares a slot with another only costs the
// scan).
struct EntityText {
  std::string lower;
  std::bitset<2048> pairs;
  static std::size_t slot(char a, char b) {
    return (static_cast<unsigned char>(a) * 67u + static_cast<unsigned char>(b)) & 2047u;
  }
  bool may_hold(std::string_view w) const {
    for (std::size_t i = 0; i + 1 < w.size(); ++i)
      if (!pairs.test(slot(w[i], w[i + 1]))) return false;
    return true;
  }
};

EntityText entity_text(const Entity& e) {
  EntityText t;
  std::string& s = t.lower;
  s.reserve(e.translation_key.size() + e.unique_id.size() + e.entity_id.size() + e.original_name.size() + e.name.size() + 5);
  for (const std::string* part : {&e.translation_key, &e.unique_id, &e.entity_id, &e.original_name, &e.name}) {
    s += *part;
    s += ' ';
  }
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  for (std::size_t i = 0; i + 1 < s.size(); ++i) t.pairs.set(EntityText::slot(s[i], s[i + 1]));
  return t;
}

bool any_sub(const std::string& lower, std::initializer_list<std::string_view> words) {
  return std::any_of(words.begin(), words.end(), [&](std::string_view w) { return lower.find(w) != std::string::npos; });
}

bool any_sub(const EntityText& t, std::initializer_list<std::string_view> words) {
  return std::any_of(words.begin(), words.end(),
                     [&](std::string_view w) { return t.may_hold(w) && t.lower.find(w) != std::string::npos; });
}

std::string device_text(const Device& d) { return d.name + " " + d.model + " " + d.model_id + " " + d.manufacturer; }

enum Trait : uint8_t {
  kChildLock = 1, kPrivacySwitch = 2, kMicrophone = 4, kLocation = 8, kCritical = 16, kContentFilter = 32,
};

bool detect_child_lock(const Entity& e, const EntityText& t) {
  if (e.domain != "switch"sv && e.domain != "lock"sv && e.domain != "select"sv && e.domain != "binary_sensor"sv) return false;
  return any_sub(t, {"child_lock", "child lock", "childlock", "kinderslot", "kindersicherung", "sécurité enfant",
                     "securite_enfant", "bloqueo infantil", "button_lock", "key_lock", "keypad_lock"});
}

bool detect_privacy_switch(const Entity& e, const EntityText& t) {
  if (e.domain != "switch"sv) return false;
  return any_sub(t, {"privacy", "privacy_mode", "lens_mask", "camera_off", "mic_mute", "microphone_mute", "mute_mic",
                     "do_not_disturb_camera"});
}

bool detect_microphone(const Entity& e, const EntityText& t) {
  if (e.domain == "assist_satellite"sv || e.domain == "stt"sv || e.domain == "wake_word"sv) return true;
  if (e.domain != "switch"sv && e.domain != "binary_sensor"sv && e.domain != "sensor"sv) return false;
  if (any_sub(t, {"record_audio", "audio_recording"})) return true;
  // Whole tokens only: "mic" must not match "microwave" or "ceramic". The text is lower case;
  // tokens split on anything not a letter or digit (bytes of UTF-8 letters count as letters).
  if (!t.may_hold("mi") || t.lower.find("mi") == std::string::npos) return false;
  static constexpr std::string_view words[] = {"mic", "microphone", "microphones", "mikrofon", "micrófono", "microfoon"};
  return any_token_of(t.lower, [](std::string_view token) {
    return std::find(std::begin(words), std::end(words), token) != std::end(words);
  });
}

bool detect_location(const Entity& e, const EntityText& t) {
  if (e.domain == "device_tracker"sv || e.domain == "person"sv) return true;
  // A phone app's "location permission" sensor says whether the app may read the location, not where anyone is.
  if (e.domain == "sensor"sv || e.domain == "binary_sensor"sv)
    return !any_sub(t, {"permission"}) &&
           any_sub(t, {"geocoded_location", "location", "gps", "wifi_bssid", "bssid", "detected_activity"});
  return false;
}

bool detect_critical(const Entity& e, bool child_lock) {
  if (e.domain == "lock"sv && !child_lock) return true;
  if (e.domain == "alarm_control_panel"sv || e.domain == "valve"sv || e.domain == "siren"sv) return true;
  if (e.domain == "cover"sv) return e.device_class == "garage"sv || e.device_class == "gate"sv || e.device_class == "door"sv;
  return false;
}

bool detect_content_filter(const Entity& e, const EntityText& t) {
  if (e.domain != "switch"sv) return false;
  // Pi-hole's switches pause or resume blocking for the whole home.
  if (e.platform == "pi_hole"sv || e.platform == "pihole"sv) return true;
  if (e.platform == "adguard"sv)
    return any_sub(t, {"parental", "safe_search", "safesearch", "safe search", "safe_browsing", "safebrowsing",
                       "safe browsing", "filtering", "protection"});
  return any_sub(t, {"parental_control", "parental control", "safe_search", "safesearch", "safe search",
                     "jugendschutz", "contrôle parental", "control parental", "ouderlijk toezicht"});
}

uint8_t detect_traits(const Entity& e) {
  // Only these domains are recognised by their texts; the rest by domain and device class alone,
  // which spares building the text for most entities of a large home.
  const bool by_text = e.domain == "switch"sv || e.domain == "lock"sv || e.domain == "select"sv ||
                       e.domain == "binary_sensor"sv || e.domain == "sensor"sv;
  const auto t = by_text ? entity_text(e) : EntityText();
  const bool child = detect_child_lock(e, t);
  uint8_t bits = 0;
  if (child) bits |= kChildLock;
  if (detect_privacy_switch(e, t)) bits |= kPrivacySwitch;
  if (detect_microphone(e, t)) bits |= kMicrophone;
  if (detect_location(e, t)) bits |= kLocation;
  if (detect_critical(e, child)) bits |= kCritical;
  if (detect_content_filter(e, t)) bits |= kContentFilter;
  return bits;
}

// Classified entities answer from their cached traits; others (built by hand) are examined now.
bool has_trait(const Entity& e, Trait t) { return ((e.traits_known ? e.traits : detect_traits(e)) & t) != 0; }

}  // namespace

bool is_child_lock(const Entity& e) { return has_trait(e, kChildLock); }
bool is_privacy_switch(const Entity& e) { return has_trait(e, kPrivacySwitch); }
bool is_microphone(const Entity& e) { return has_trait(e, kMicrophone); }
bool is_location(const Entity& e) { return has_trait(e, kLocation); }
bool is_critical_entity(const Entity& e) { return has_trait(e, kCritical); }
bool is_content_filter(const Entity& e) { return has_trait(e, kContentFilter); }

void compute_traits(Entity& e) {
  e.traits = detect_traits(e);
  e.traits_known = true;
}


AreaKind area_kind_from_name(const std::string& name) {
  // Kids first: "kids' bathroom" and "chambre d'enfant" are children's rooms before anything else.
  if (any_of_words(name, {"kid", "child", "nursery", "baby", "playroom", "kinder", "enfant", "niño", "niña", "nino",
                          "infantil", "bebé", "bébé", "children", "speelkamer", "salle de jeux", "cuarto de juegos",
                          "peuter", "jongenskamer", "meisjeskamer"}))
    return AreaKind::kids;
  if (any_of_words(name, {"bath", "shower", "toilet", "restroom", "lavatory", "badezimmer", "duschbad", "dusche",
                          "salle de bain", "salle d'eau", "douche", "baño", "bano", "aseo", "ducha", "badkamer"}) ||
      any_token(name, {"wc", "bad", "loo"}))
    return AreaKind::bathroom;
  if (any_of_words(name, {"bedroom", "bed room", "schlafzimmer", "schlafraum", "gästezimmer", "chambre", "dormitorio",
                          "habitación", "habitacion", "recámara", "slaapkamer", "logeerkamer", "guest room",
                          "guestroom"}))
    return AreaKind::bedroom;
  return AreaKind::normal;
}

AreaKind area_kind_of(const Home& home, const std::string& area_id) {
  if (area_id.empty()) return AreaKind::normal;
  const auto* a = home.area(area_id);
  return a ? a->kind : AreaKind::normal;
}

std::string area_name_of(const Home& home, const std::string& area_id) {
  const auto* a = area_id.empty() ? nullptr : home.area(area_id);
  return a ? (a->name.empty() ? a->id : a->name) : std::string();
}

bool is_indoor(const Home& home, const Device& d) {
  const auto* a = d.area_id.empty() ? nullptr : home.area(d.area_id);
  if (!a || !a->indoor) return false;
  return !any_of_words(a->name + " " + a->id,
                       {"garden", "outdoor", "outside", "yard", "driveway", "porch", "patio", "terrace", "balcony",
                        "garten", "einfahrt", "terrasse", "balkon", "jardin", "jardín", "extérieur", "exterior",
                        "terraza", "tuin", "oprit", "buiten"});
}

const model::Integration* cloud_integration_of(const Home& home, const Device& d) {
  for (const auto& id : d.config_entry_ids)
    if (const auto* in = home.integration(id); in && model::is_cloud(in->iot_class)) return in;
  if (d.config_entry_ids.empty() && !d.primary_domain.empty())
    if (const auto* in = home.integration_by_domain(d.primary_domain); in && model::is_cloud(in->iot_class)) return in;
  return nullptr;
}

const std::string& shown_name(const Device& d) { return d.label.empty() ? d.name : d.label; }

std::string label_of(const Entity& e) {
  if (!e.name.empty()) return e.name;
  if (!e.original_name.empty()) return e.original_name;
  return e.entity_id;
}

namespace {

std::optional<double> parse_percent(const std::string& s) {
  if (s.empty()) return std::nullopt;
  try {
    size_t used = 0;
    double v = std::stod(s, &used);
    if (used == 0 || v < 0 || v > 100) return std::nullopt;
    return v;
  } catch (...) {  // std::stod throws on text such as "unavailable"
    return std::nullopt;
  }
}

bool battery_entity(const Entity& e) {
  return (e.domain == "sensor"sv || e.domain == "binary_sensor"sv) && e.device_class == "battery"sv;
}

}  // namespace

std::optional<double> battery_percent(const Home& home, const Device& d) {
  std::optional<double> low;
  auto take = [&](double v) {
    if (!low || v < *low) low = v;
  };
  for (size_t ix : d.entities) {
    const Entity& e = home.entities[ix];
    if (e.disabled) continue;
    if (battery_entity(e) && e.state) {
      if (e.domain == "binary_sensor"sv) {
        if (*e.state == "on"sv) take(5);  // on = battery low
      } else if (auto v = parse_percent(*e.state)) {
        take(*v);
      }
    }
    for (const char* k : {"battery_level", "battery"})
      if (auto it = e.attributes.find(k); it != e.attributes.end())
        if (auto v = parse_percent(it->second)) take(*v);
  }
  return low;
}

bool reports_battery(const Home& home, const Device& d) {
  for (size_t ix : d.entities) {
    const Entity& e = home.entities[ix];
    if (battery_entity(e) || e.attributes.count("battery_level") || e.attributes.count("battery")) return true;
  }
  return false;
}

Tier tier_of(DeviceType t) {
  switch (t) {
    case DeviceType::lock:
    case DeviceType::alarm:
    case DeviceType::garage:
    case DeviceType::valve:
    case DeviceType::safety_sensor:
      return Tier::critical;
    case DeviceType::camera:
    case DeviceType::doorbell:
    case DeviceType::voice_assistant:
    case DeviceType::presence:
      return Tier::sensitive;
    default:
      return Tier::normal;
  }
}

namespace {

bool stationary_client(const Entity& e) {
  static constexpr std::string_view routers[] = {"asuswrt", "fritz", "unifi", "nmap_tracker", "ping", "netgear",
                                                 "mikrotik", "tplink_omada", "luci", "ubus", "keenetic_ndms2",
                                                 "huawei_lte", "ruckus_unleashed", "synology_srm", "tomato", "ddwrt",
                                                 "vodafone_station", "sfr_box", "freebox", "bbox", "upc_connect"};
  if (std::find(std::begin(routers), std::end(routers), e.platform) == std::end(routers)) return false;
  const EntityText t = entity_text(e);
  // Substrings only where no first name hides them ("nest" is in "Ernest", "nas" in "Anastasia").
  return any_sub(t, {"desktop", "printer", "chromecast", "google_nest", "nest_mini", "nest_hub", "nest_audio",
                     "echo_dot", "echo_show", "homeassistant", "home_assistant", "raspberry", "esp32", "esp8266",
                     "esp_", "wlan", "camera", "plug", "bulb", "bridge", "router", "server", "ioeboard", "tasmota",
                     "shelly", "sonoff", "roku", "firetv", "fire_tv", "appletv", "apple_tv", "xbox", "playstation",
                     "sonos", "doorbell", "vacuum", "roborock", "dishwasher", "washer", "dryer", "fridge",
                     "thermostat", "ecobee", "smart_tv", "lgwebos", "bravia", "speaker", "tuya", "broadlink"}) ||
         any_token(t.lower, {"pc", "tv", "ap", "hub", "cam", "nvr", "dvr", "ps4", "ps5", "nas", "nest", "echo", "esp",
                       "hue", "switch"});
}

// A router integration attaches its presence entity to any device that shares a MAC connection
// (an IR remote, a dishwasher, a PC). That entity says the device is on the network, not what it
// is: a tracker makes a device a tracker only when the device's own (primary) integration provides
// it — a phone app, a GPS unit, or a phone that the router integration itself created.
bool has_own_tracker(const Home& home, const Device& d) {
  if (d.primary_domain.empty() || d.primary_domain == "mobile_app"sv) return true;
  return std::any_of(d.entities.begin(), d.entities.end(), [&](size_t ix) {
    const Entity& e = home.entities[ix];
    return e.domain == "device_tracker"sv && (e.platform.empty() || e.platform == d.primary_domain);
  });
}

// A device the hub has no name for (some integrations register none, and nobody gave one) is shown
// by maker and model, else by its integration and the id it has there ("OwnTracks (phone_anna)"),
// else by its first entity's name, rather than by a registry id nobody has seen.
std::string device_label(const Home& home, const Device& d) {
  if (!d.name.empty()) return d.name;
  if (!d.model.empty()) return d.manufacturer.empty() ? d.model : d.manufacturer + " " + d.model;
  std::string owner;
  if (!d.config_entry_ids.empty())
    if (const auto* i = home.integration(d.config_entry_ids.front())) owner = i->title.empty() ? i->domain : i->title;
  for (const auto& [domain, id] : d.identifiers)
    if (!id.empty()) return (owner.empty() ? domain : owner) + " (" + id + ")";
  for (size_t ix : d.entities)
    if (const Entity& e = home.entities[ix]; !e.name.empty() || !e.original_name.empty()) return label_of(e);
  return owner.empty() ? d.id : owner;
}

// has_children: some other device is connected through this one (a bridge or coordinator). Some
// integrations name a device as its own via device (Alexa Media Player does for every Echo, Fire TV
// and speaker group; ZHA for its coordinator): that is no child.
void classify_with(const Home& home, Device& d, bool has_children) {
  d.label = device_label(home, d);
  // Count what the device's entities are; the strongest signal wins, in the order of the table.
  bool camera = false, lock = false, alarm = false, garage = false, valve = false, mic = false, safety = false,
       climate = false, media = false, light = false, plug = false, tracker = false, sensor = false,
       occupancy = false;
  const bool own_tracker = has_own_tracker(home, d);
  for (size_t ix : d.entities) {
    const Entity& e = home.entities[ix];
    if (e.domain == "camera"sv) camera = true;
    else if (e.domain == "lock"sv && !is_child_lock(e)) lock = true;
    else if (e.domain == "alarm_control_panel"sv || e.domain == "siren"sv) alarm = true;
    else if (e.domain == "cover"sv && (e.device_class == "garage"sv || e.device_class == "gate"sv)) garage = true;
    else if (e.domain == "valve"sv) valve = true;
    else if (e.domain == "assist_satellite"sv) mic = true;
    else if (e.domain == "binary_sensor"sv &&
             (e.device_class == "smoke"sv || e.device_class == "carbon_monoxide"sv || e.device_class == "gas"sv ||
              e.device_class == "moisture"sv || e.device_class == "safety"sv))
      safety = true;
    else if (e.domain == "climate"sv || e.domain == "water_heater"sv || e.domain == "humidifier"sv) climate = true;
    else if (e.domain == "media_player"sv || e.domain == "remote"sv) media = true;
    else if (e.domain == "light"sv) light = true;
    else if (e.domain == "switch"sv && !is_child_lock(e) && e.entity_category.empty()) plug = true;
    else if (e.domain == "device_tracker"sv) tracker = tracker || own_tracker;
    else if (e.domain == "sensor"sv || e.domain == "binary_sensor"sv) {
      sensor = true;
      if (e.domain == "binary_sensor"sv &&
          (e.device_class == "occupancy"sv || e.device_class == "motion"sv || e.device_class == "presence"sv))
        occupancy = true;
    }
  }
  auto text = device_text(d);
  for (auto& c : text)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  // Whole tokens for short words ("hob" is not "hobby", "range" is not "orange"); substrings for
  // compounds ("Backofen", "Waschmaschine", "lave-vaisselle").
  const bool appliance_words =
      any_token(text, {"oven", "ovens", "hob", "cooker", "stove", "four", "horno", "fornuis", "herd"}) ||
      any_sub(text, {"cooktop", "washer", "washing", "dishwasher", "dryer", "microwave", "fridge", "refrigerator",
                          "coffee", "kettle", "backofen", "kochfeld", "waschmaschine", "geschirrspüler", "trockner",
                          "lave-linge", "lave-vaisselle", "sèche-linge", "plaque de cuisson", "lavadora", "lavavajillas",
                          "secadora", "vitrocerámica", "wasmachine", "vaatwasser", "droger", "kookplaat"});
  const bool gateway_words = any_sub(text, {"bridge", "coordinator", "gateway", "hub", "router", "controller", "dongle",
                                                 "access point", "nvr"});
  // Smart displays listen too: a Google Nest Hub is a speaker with a screen and microphones, not a bridge.
  const bool voice_words = any_sub(text, {"echo", "nest mini", "nest audio", "home mini", "homepod", "voice", "satellite",
                                               "smart speaker", "alexa", "nest hub", "google home", "home max"});

  DeviceType t = DeviceType::other;
  if (d.service) t = DeviceType::hub;
  else if (lock) t = DeviceType::lock;
  else if (alarm) t = DeviceType::alarm;
  else if (garage) t = DeviceType::garage;
  else if (valve) t = DeviceType::valve;
  else if (camera && any_sub(text, {"doorbell", "door bell", "türklingel", "sonnette"})) t = DeviceType::doorbell;
  else if (camera) t = DeviceType::camera;
  else if (safety) t = DeviceType::safety_sensor;
  else if (mic || (media && voice_words)) t = DeviceType::voice_assistant;
  else if (appliance_words) t = DeviceType::appliance;
  else if (climate) t = DeviceType::climate;
  else if (has_children || (gateway_words && !light && !plug)) t = DeviceType::gateway;
  else if (tracker || d.primary_domain == "mobile_app"sv) t = DeviceType::presence;
  else if (media) t = DeviceType::media;
  else if (light) t = DeviceType::lighting;
  // A motion or presence detector's switch turns its detection (or a radar module) on and off; it
  // switches no load. Plugs and relays report no occupancy.
  else if (plug && !occupancy) t = DeviceType::plug;
  else if (sensor) t = DeviceType::sensor;
  d.type = t;
  d.tier = tier_of(t);
  // Devices in a child's room hold children's data: at least sensitive (7.1.6).
  if (d.tier == Tier::normal && (t == DeviceType::sensor || t == DeviceType::media))
    if (auto* a = home.area(d.area_id); a && a->kind == AreaKind::kids) d.tier = Tier::sensitive;
}
}  // namespace

void classify_device(const Home& home, Device& d) {
  const bool has_children = std::any_of(home.devices.begin(), home.devices.end(), [&](const Device& o) {
    return !o.via_device_id.empty() && o.via_device_id == d.id && o.id != d.id;
  });
  classify_with(home, d, has_children);
}

namespace {

// What classify() does to an entity after its device was classified: a router's tracker on a
// stationary device, or without a device on a stationary client, says where no one is.
void untrack_stationary(const Home& home, Entity& e) {
  if (e.domain != "device_tracker"sv) return;
  if (e.device_id.empty()) {
    if (stationary_client(e)) e.traits &= static_cast<uint8_t>(~kLocation);
  } else if (const auto* d = home.device(e.device_id); d && d->type != DeviceType::presence) {
    e.traits &= static_cast<uint8_t>(~kLocation);
  }
}

}  // namespace

void reclassify(Home& home, const std::vector<std::string>& device_ids) {
  std::vector<size_t> redone;
  for (size_t i = 0; i < home.entities.size(); ++i)
    if (!home.entities[i].traits_known) {
      compute_traits(home.entities[i]);
      redone.push_back(i);
    }
  for (const auto& id : device_ids) {
    const auto* found = home.device(id);
    if (!found) continue;
    auto& d = home.devices[static_cast<size_t>(found - home.devices.data())];
    classify_device(home, d);
    for (size_t ix : d.entities) {
      auto& e = home.entities[ix];
      if (!e.traits_known) continue;
      if (e.domain == "device_tracker"sv) compute_traits(e);
      untrack_stationary(home, e);
    }
  }
  for (size_t i : redone)
    if (home.entities[i].device_id.empty()) untrack_stationary(home, home.entities[i]);
}

void classify(Home& home) {
  if (!home.index_current()) home.index();
  for (auto& e : home.entities) compute_traits(e);
  for (auto& a : home.areas)
    if (a.kind == AreaKind::normal) a.kind = area_kind_from_name(a.name + " " + a.id);
  std::unordered_set<std::string> parents;
  for (const auto& d : home.devices)
    if (!d.via_device_id.empty() && d.via_device_id != d.id) parents.insert(d.via_device_id);
  for (auto& d : home.devices) classify_with(home, d, parents.count(d.id) > 0);
  // "Tracks where someone is" belongs to trackers that travel with a person (phone apps, watches,
  // tags, GPS units, and a router's view of a phone). A router's tracker on a stationary device
  // only says the device is switched on.
  for (const auto& d : home.devices) {
    if (d.type == DeviceType::presence) continue;
    for (size_t ix : d.entities)
      if (auto& e = home.entities[ix]; e.domain == "device_tracker"sv) e.traits &= static_cast<uint8_t>(~kLocation);
  }
  // A router's client without a device of its own is known only by its network name: a desktop,
  // a speaker or the hub itself says where no one is; anything else (a phone, a name) may.
  for (auto& e : home.entities)
    if (e.domain == "device_tracker"sv && e.device_id.empty() && stationary_client(e))
      e.traits &= static_cast<uint8_t>(~kLocation);
}

}  // namespace domoguard::audit
