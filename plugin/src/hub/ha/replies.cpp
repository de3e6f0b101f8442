// WebSocket replies -> model::Home. The WS API is what a live add-on sees: it never exposes config
// entry settings or other users' MFA, so those parts are reported missing with the reason.
#include <algorithm>
#include <functional>
#include <memory>
#include <set>
#include <unordered_map>

#include "hub/ha/adapter.hpp"
#include "locale/messages.hpp"
#include "hub/ha/build.hpp"
#include "hub/ha/reply_source.hpp"
#include "hub/ha/surface.hpp"
#include "util/text.hpp"

namespace domoguard::hub::ha {

using namespace detail;
using model::Part;

const std::vector<std::string>& audit_commands() {
  static const std::vector<std::string> commands = {
      "get_config",
      "config/auth/list",
      "auth/current_user",
      "config_entries/get",
      "manifest/list",
      "config/area_registry/list",
      "config/device_registry/list",
      "config/entity_registry/list",
      "get_states",
      "homeassistant/expose_entity/list",
      "homeassistant/expose_new_entities/get",
      "analytics",
      "cloud/status",
      "http/config",
      "zwave_js/network_status",
      "automation/config",
      "script/config",
      "auth/refresh_tokens",
      "lovelace/resources",
      "supervisor/api",
      "thread/get_dataset_tlv",
  };
  return commands;
}

std::string reply_file_name(const std::string& command) {
  std::string out;
  for (char c : command) {
    if (c == '/') out += "__";
    else out += c;
  }
  return out + ".json";
}

namespace {

// Absent means something else per source: not saved in a folder, not in the demo home, and from a
// live hub an answer refused (a token without administrator rights) or a command it does not offer.
std::string absent_reason(const model::Home& home, const std::string& command) {
  return locale::later(home.source_kind == model::SourceKind::live   ? "notrun.reply.absent_live"
                       : home.source_kind == model::SourceKind::demo ? "notrun.reply.absent_demo"
                                                                     : "notrun.reply.absent",
                       {{"command", command}});
}

struct Reply {
  std::unique_ptr<json::monotonic_resource> memory;  // declared first: outlives doc
  std::unique_ptr<json::value> doc;   // stable address: `result` points into it
  const json::value* result = nullptr;
};

// Parses the reply for `command`: Error for malformed JSON; nullopt (parts marked missing) when the
// command was not saved or HA answered with an error.
Result<std::optional<Reply>> get(ReplySource& replies, const std::string& origin, const std::string& command,
                                 model::Home& home, std::initializer_list<Part> parts) {
  auto missing = [&](const std::string& why) {
    for (Part p : parts) home.mark_missing(p, why);
    return Result<std::optional<Reply>>(std::optional<Reply>());
  };
  auto text = replies.text(command);
  if (!text) return text.error();
  if (!*text) return missing(absent_reason(home, command));
  // One arena per reply, sized to the text: the parsed tree is built and freed without per-node
  // heap traffic, which dominated the cost of reading a large home.
  Reply r;
  r.memory = std::make_unique<json::monotonic_resource>(std::max<size_t>(4096, (*text)->size() * 2));
  auto parsed = parse_json(**text, origin + "/" + reply_file_name(command), json::storage_ptr(r.memory.get()));
  if (!parsed) return parsed.error();
  r.doc = std::make_unique<json::value>(std::move(*parsed));
  r.result = r.doc.get();
  // The whole {"id","type":"result","success":...,"result":...} message is accepted too.
  if (const auto* o = r.doc->if_object(); o && raw(*o, "type") == "result" && o->contains("success")) {
    if (!boolean(*o, "success").value_or(false)) {
      std::string msg;
      if (const auto* e = obj(*o, "error")) msg = str(*e, "message");
      return missing(msg.empty() ? locale::later("notrun.reply.refused", {{"command", command}})
                         : locale::later("notrun.reply.refused_because", {{"command", command}, {"detail", msg}}));
    }
    r.result = o->if_contains("result");
    if (!r.result) return missing(locale::later("notrun.reply.no_result", {{"command", command}}));
  }
  return std::optional<Reply>(std::move(r));
}

// Reads the list reply for `command` item by item into `visitor` (no tree of the whole reply):
// Error for malformed JSON; nullopt (parts marked missing) as get() says; otherwise whether the
// result was a list.
Result<std::optional<bool>> get_list(ReplySource& replies, const std::string& origin, const std::string& command,
                                     model::Home& home, std::initializer_list<Part> parts, ItemVisitor& visitor) {
  auto missing = [&](const std::string& why) {
    for (Part p : parts) home.mark_missing(p, why);
    return Result<std::optional<bool>>(std::optional<bool>());
  };
  auto text = replies.text(command);
  if (!text) return text.error();
  if (!*text) return missing(absent_reason(home, command));
  auto read = read_list(**text, origin + "/" + reply_file_name(command), visitor);
  if (!read) return read.error();
  if (read->refused)
    return missing(read->detail.empty() ? locale::later("notrun.reply.refused", {{"command", command}})
                                        : locale::later("notrun.reply.refused_because", {{"command", command}, {"detail", read->detail}}));
  if (read->no_result) return missing(locale::later("notrun.reply.no_result", {{"command", command}}));
  return std::optional<bool>(read->is_array);
}

}  // namespace

// A registry list as the cache holds it: the model it became, and the size and hash of its text.
template <class T>
struct CachedList {
  bool held = false;
  std::size_t size = 0, hash = 0;
  std::vector<T> list;
};

class ListCache {
 public:
  CachedList<model::Device> devices;
  CachedList<model::Entity> entities;
};

std::shared_ptr<ListCache> make_list_cache() { return std::make_shared<ListCache>(); }

namespace {

// get_list() through a cache slot: a text of the same size and hash as the one the slot holds the
// list of gives a copy of that list (a list read before: nothing marked missing); otherwise the text
// is read, and a list read whole is kept in the slot for next time.
template <class T>
Result<std::optional<bool>> get_list_cached(ReplySource& replies, const std::string& origin, const std::string& command,
                                            model::Home& home, std::initializer_list<Part> parts, std::vector<T>& out,
                                            ItemVisitor& visitor, CachedList<T>* slot) {
  if (!slot) return get_list(replies, origin, command, home, parts, visitor);
  auto text = replies.text(command);
  if (!text) return text.error();
  if (!*text) {
    slot->held = false;
    return get_list(replies, origin, command, home, parts, visitor);
  }
  const std::size_t size = (*text)->size(), hash = std::hash<std::string_view>{}(**text);
  if (slot->held && slot->size == size && slot->hash == hash) {
    out = slot->list;
    return std::optional<bool>(true);
  }
  slot->held = false;
  slot->list.clear();
  auto r = get_list(replies, origin, command, home, parts, visitor);
  if (r && *r && **r) {
    slot->list = out;
    slot->size = size;
    slot->hash = hash;
    slot->held = true;
  }
  return r;
}

template <class F>
void each_object(const json::value* v, F&& f) {
  const auto* a = as_array(v);
  if (!a) return;
  std::size_t n = 0;
  for (const auto& x : *a) {
    if (++n > max_items) break;
    if (const auto* o = x.if_object()) f(*o);
  }
}

}  // namespace

namespace {

class MapSource final : public ReplySource {
 public:
  explicit MapSource(const Replies& replies) : replies_(replies) {}
  bool has(const std::string& command) const override { return replies_.count(command) > 0; }
  Result<std::optional<std::string_view>> text(const std::string& command) override {
    auto it = replies_.find(command);
    if (it == replies_.end()) return std::optional<std::string_view>();
    return std::optional<std::string_view>(it->second);
  }

 private:
  const Replies& replies_;
};

}  // namespace

Result<model::Home> from_replies(const Replies& replies, const std::string& origin, model::SourceKind kind) {
  MapSource source(replies);
  return detail::from_source(source, origin, kind);
}

Result<model::Home> from_replies(const Replies& replies, const std::string& origin, model::SourceKind kind,
                                 ListCache& cache) {
  MapSource source(replies);
  return detail::from_source(source, origin, kind, &cache);
}

Result<model::Home> detail::from_source(ReplySource& replies, const std::string& origin, model::SourceKind kind,
                                        ListCache* cache) {
  model::Home home;
  home.source = util::clean_text(origin, 1024);
  home.source_kind = kind;
#define DG_GET(var, cmd, ...)                                  \
  auto var##_r = get(replies, origin, cmd, home, __VA_ARGS__); \
  if (!var##_r) return var##_r.error();                        \
  auto& var = *var##_r;

  {
    DG_GET(r, "get_config", {Part::hub_config});
    if (r && r->result->is_object()) {
      const auto& o = r->result->get_object();
      home.hub.version = str(o, "version");
      home.hub.name = str(o, "location_name");
      home.hub.external_url = str(o, "external_url");
      home.hub.internal_url = str(o, "internal_url");
      home.mark_present(Part::hub_config);
      if (!home.hub.version.empty()) home.mark_present(Part::hub_version);
      else home.mark_missing(Part::hub_version, "notrun.missing.hub_version");
    } else if (r) {
      home.mark_missing(Part::hub_config, locale::later("notrun.reply.not_object", {{"command", "get_config"}}));
      home.mark_missing(Part::hub_version, locale::later("notrun.reply.not_object", {{"command", "get_config"}}));
    }
  }

  {
    DG_GET(r, "config/auth/list", {Part::users});
    if (r) {
      each_object(r->result, [&](const json::object& o) {
        model::User u;
        u.id = str(o, "id");
        u.name = str(o, "name");
        u.username = str(o, "username");
        u.owner = boolean(o, "is_owner").value_or(false);
        u.active = boolean(o, "is_active").value_or(true);
        u.system_generated = boolean(o, "system_generated").value_or(false);
        u.local_only = boolean(o, "local_only").value_or(false);
        if (const auto* g = arr(o, "group_ids"))
          for (const auto& gid : *g)
            if (gid.is_string() && gid.get_string() == "system-admin") u.admin = true;
        home.users.push_back(std::move(u));
      });
      home.mark_present(Part::users);
    }
  }
  std::string current_user;
  {
    // Only the connected user's MFA modules are visible over the WebSocket API: that user's status is
    // known (the two-factor rules check it), every other user's stays unknown and is not judged.
    DG_GET(r, "auth/current_user", {});
    bool known = false;
    if (r && r->result->is_object()) {
      const auto& o = r->result->get_object();
      std::string id = str(o, "id");
      current_user = id;
      bool mfa = false;
      const auto* mods = arr(o, "mfa_modules");
      if (mods)
        for (const auto& m : *mods)
          if (const auto* mo = m.if_object(); mo && boolean(*mo, "enabled").value_or(false)) mfa = true;
      for (auto& u : home.users)
        if (u.id == id && mods && !u.system_generated) {
          u.mfa = mfa;
          known = true;
        }
    }
    if (known) home.mark_present(Part::mfa);
    else home.mark_missing(Part::mfa, "notrun.ws.mfa");
  }

  {
    DG_GET(r, "config_entries/get", {Part::integrations});
    if (r) {
      each_object(r->result, [&](const json::object& o) {
        model::Integration in;
        in.entry_id = str(o, "entry_id");
        in.domain = str(o, "domain");
        in.title = str(o, "title");
        in.state = str(o, "state");
        in.disabled = is_set(o, "disabled_by");
        home.integrations.push_back(std::move(in));
      });
      home.mark_present(Part::integrations);
    }
  }
  {
    DG_GET(r, "manifest/list", {Part::manifests});
    if (r) {
      std::unordered_map<std::string, const json::object*> by_domain;
      each_object(r->result, [&](const json::object& o) { by_domain.emplace(std::string(raw(o, "domain")), &o); });
      for (auto& in : home.integrations)
        if (auto it = by_domain.find(in.domain); it != by_domain.end()) {
          const auto& m = *it->second;
          in.iot_class = parse_iot_class(raw(m, "iot_class"));
          if (auto b = boolean(m, "is_built_in")) in.custom = !*b;
          in.version = str(m, "version");
        }
      home.mark_present(Part::manifests);
    }
  }

  {
    DG_GET(r, "config/area_registry/list", {Part::areas});
    if (r) {
      each_object(r->result, [&](const json::object& o) { home.areas.push_back(parse_area(o)); });
      home.mark_present(Part::areas);
    }
  }
  // The three large lists are read item by item, straight into the model.
#define DG_LIST(var, cmd, parts, visitor)                                 \
  auto var##_r = get_list(replies, origin, cmd, home, parts, visitor); \
  if (!var##_r) return var##_r.error();                                \
  auto& var = *var##_r;
#define DG_LIST_CACHED(var, cmd, parts, out, visitor, slot)                                 \
  auto var##_r = get_list_cached(replies, origin, cmd, home, parts, out, visitor, slot); \
  if (!var##_r) return var##_r.error();                                                  \
  auto& var = *var##_r;
  {
    std::vector<model::Device> devices;
    auto visitor = device_reader(devices);
    DG_LIST_CACHED(r, "config/device_registry/list", {Part::devices}, devices, *visitor, cache ? &cache->devices : nullptr);
    if (r) {
      if (*r) home.devices = std::move(devices);
      home.mark_present(Part::devices);
    }
    home.mark_missing(Part::deleted_devices, home.source_kind == model::SourceKind::demo ? "notrun.ws.deleted_devices_demo"
                                                                                      : "notrun.ws.deleted_devices");
  }
  {
    std::vector<model::Entity> entities;
    if (auto text = replies.text("config/entity_registry/list"); text && *text)
      entities.reserve(std::min(max_items, (*text)->size() / 256));   // HA writes 300+ bytes an entry
    auto visitor = entity_reader(entities);
    DG_LIST_CACHED(r, "config/entity_registry/list", {Part::entities}, entities, *visitor, cache ? &cache->entities : nullptr);
    if (r) {
      if (*r) home.entities = std::move(entities);
      home.mark_present(Part::entities);
    }
  }
  {
    std::vector<StateRecord> states;
    if (auto text = replies.text("get_states"); text && *text)
      states.reserve(std::min(max_items, (*text)->size() / 200));   // a state as HA writes it: 200+ bytes
    auto visitor = state_reader(states);
    DG_LIST(r, "get_states", {Part::states}, *visitor);
    if (r && *r) {
      merge_state_records(states, home);
      home.mark_present(Part::states);
    } else if (r) {
      home.mark_missing(Part::states, locale::later("notrun.reply.not_list", {{"command", "get_states"}}));
    }
  }
#undef DG_LIST
#undef DG_LIST_CACHED

  {
    DG_GET(r, "homeassistant/expose_new_entities/get", {});
    if (r && r->result->is_object()) {
      const auto& o = r->result->get_object();
      if (auto b = boolean(o, "expose_new")) {
        home.hub.expose_new["conversation"] = *b;
      } else {
        for (const auto& kv : o) {
          if (home.hub.expose_new.size() >= 32) break;
          std::string a = util::clean_text(std::string_view(kv.key().data(), kv.key().size()), 64);
          if (kv.value().is_bool()) home.hub.expose_new[a] = kv.value().get_bool();
          else if (const auto* p = kv.value().if_object())
            if (auto b2 = boolean(*p, "expose_new")) home.hub.expose_new[a] = *b2;
        }
      }
    }
  }
  {
    DG_GET(r, "homeassistant/expose_entity/list", {Part::exposure});
    if (r) {
      const auto* ex = as_object(find(r->result, "exposed_entities"));
      if (ex) {
        std::unordered_map<std::string_view, std::size_t> ix;
        ix.reserve(home.entities.size());
        for (std::size_t i = 0; i < home.entities.size(); ++i) ix.emplace(home.entities[i].entity_id, i);
        for (const auto& kv : *ex) {
          auto it = ix.find(std::string_view(kv.key().data(), kv.key().size()));
          const auto* s = kv.value().if_object();
          if (it == ix.end() || !s) continue;
          auto& e = home.entities[it->second];
          if (auto b = boolean(*s, "conversation")) e.exposure.conversation = b;
          if (auto b = boolean(*s, "cloud.alexa")) e.exposure.alexa = b;
          if (auto b = boolean(*s, "cloud.google_assistant")) e.exposure.google = b;
        }
        home.hub.has_exposure_data = true;
        home.mark_present(Part::exposure);
      } else {
        home.mark_missing(Part::exposure, locale::later("notrun.reply.no_field", {{"command", "homeassistant/expose_entity/list"},
                                                                               {"field", "exposed_entities"}}));
      }
    }
  }

  {
    DG_GET(r, "analytics", {Part::analytics});
    if (r && r->result->is_object()) {
      json::object empty;
      const auto* p = obj(r->result->get_object(), "preferences");
      const auto& prefs = p ? *p : empty;
      home.hub.analytics_base = boolean(prefs, "base").value_or(false);
      home.hub.analytics_usage = boolean(prefs, "usage").value_or(false);
      home.hub.analytics_statistics = boolean(prefs, "statistics").value_or(false);
      home.hub.analytics_diagnostics = boolean(prefs, "diagnostics").value_or(false);
      home.hub.has_analytics_data = true;
      home.mark_present(Part::analytics);
    } else if (r) {
      home.mark_missing(Part::analytics, locale::later("notrun.reply.not_object", {{"command", "analytics"}}));
    }
  }
  {
    DG_GET(r, "cloud/status", {Part::cloud});
    if (r && r->result->is_object()) {
      const auto& o = r->result->get_object();
      bool logged_in = boolean(o, "logged_in").value_or(false);
      home.hub.cloud_logged_in = logged_in;
      home.hub.remote_connected = boolean(o, "remote_connected").value_or(false);
      json::object empty;
      const auto* p = obj(o, "prefs");
      const auto& prefs = p ? *p : empty;
      home.hub.remote_ui = boolean(prefs, "remote_enabled").value_or(false);
      home.hub.alexa_enabled = boolean(prefs, "alexa_enabled").value_or(false);
      home.hub.google_enabled = boolean(prefs, "google_enabled").value_or(false);
      if (const auto* pin = prefs.if_contains("google_secure_devices_pin"))
        home.hub.google_secure_pin = pin->is_string() && !pin->get_string().empty();
      home.hub.has_cloud_data = true;
      home.mark_present(Part::cloud);
    } else if (r) {
      home.mark_missing(Part::cloud, locale::later("notrun.reply.not_object", {{"command", "cloud/status"}}));
    }
  }

  {
    DG_GET(r, "zwave_js/network_status", {});
    if (r) {
      merge_zwave(*r->result, home);
      home.mark_present(Part::radio_security);
    } else if (!has_zwave_devices(home) && home.has(Part::devices)) {
      home.mark_present(Part::radio_security);   // no Z-Wave devices: nothing to check
    } else {
      home.mark_missing(Part::radio_security, locale::later("notrun.reply.absent", {{"command", "zwave_js/network_status"}}));
    }
  }

  {
    DG_GET(r, "automation/config", {Part::automations});
    if (r) {
      // Enabled or not is a state of the automation entity, matched through its "id" attribute.
      std::unordered_map<std::string, const model::Entity*> by_id;
      for (const auto& e : home.entities)
        if (e.domain == "automation")
          if (auto it = e.attributes.find("id"); it != e.attributes.end()) by_id.emplace(it->second, &e);
      auto add = [&](const json::object& o) {
        const json::object* cfg = obj(o, "config");
        auto a = parse_automation(cfg ? *cfg : o);
        if (auto it = by_id.find(a.id); it != by_id.end()) {
          a.entity_id = it->second->entity_id;
          if (it->second->state) a.enabled = *it->second->state != "off" && *it->second->state != "unavailable";
          if (a.alias.empty()) a.alias = it->second->name;
        }
        home.automations.push_back(std::move(a));
      };
      if (r->result->is_object()) add(r->result->get_object());
      else each_object(r->result, add);
      home.mark_present(Part::automations);
    }
  }
  {
    DG_GET(r, "script/config", {Part::scripts});
    if (r) {
      each_object(r->result, [&](const json::object& o) {
        const json::object* cfg = obj(o, "config");
        std::string key = str(o, "entity_id");
        if (key.rfind("script.", 0) == 0) key.erase(0, 7);
        if (home.scripts.size() < max_items) home.scripts.push_back(parse_script(key, cfg ? *cfg : o));
      });
      home.mark_present(Part::scripts);
    }
  }
  {
    // The connected user's own tokens only: HA shows nobody else's sign-ins over the WebSocket API.
    DG_GET(r, "auth/refresh_tokens", {Part::tokens});
    if (r && r->result->is_array() && !current_user.empty()) {
      each_object(r->result, [&](const json::object& o) {
        if (auto t = parse_token(o, current_user)) home.tokens.push_back(std::move(*t));
      });
      home.mark_present(Part::tokens);
    } else if (r) {
      home.mark_missing(Part::tokens, locale::later("notrun.reply.absent", {{"command", "auth/current_user"}}));
    }
    home.mark_missing(Part::sign_ins, home.source_kind == model::SourceKind::demo ? "notrun.ws.sign_ins_demo"
                                                                               : "notrun.ws.sign_ins");
  }
  {
    DG_GET(r, "lovelace/resources", {Part::dashboard_resources});
    if (r) {
      each_object(r->result, [&](const json::object& o) {
        if (home.dashboard_resources.size() < 1000)
          if (auto res = parse_resource(o)) home.dashboard_resources.push_back(std::move(*res));
      });
      home.mark_present(Part::dashboard_resources);
    }
  }
  {
    // DomoGuard's convention: "thread/get_dataset_tlv" holds an array of {"id", "source", "preferred",
    // "tlv"}, one per dataset of thread/list_datasets. A home without the thread integration has none.
    const bool has_thread = std::any_of(home.integrations.begin(), home.integrations.end(),
                                        [](const model::Integration& i) { return i.domain == "thread"; });
    if (!replies.has("thread/get_dataset_tlv") && home.has(Part::integrations) && !has_thread) {
      home.mark_present(Part::thread);
    } else {
      DG_GET(r, "thread/get_dataset_tlv", {Part::thread});
      if (r && r->result->is_array()) {
        each_object(r->result, [&](const json::object& o) {
          const auto preferred = boolean(o, "preferred").value_or(false) ? raw(o, "id") : std::string_view();
          if (home.thread_networks.size() < 100)
            if (auto n = parse_thread_dataset(o, preferred)) home.thread_networks.push_back(std::move(*n));
        });
        home.mark_present(Part::thread);
      } else if (r) {
        home.mark_missing(Part::thread, locale::later("notrun.reply.not_list", {{"command", "thread/get_dataset_tlv"}}));
      }
    }
  }
  {
    // DomoGuard's convention: "supervisor/api" holds the array of /addons/<slug>/info results
    // (one supervisor/api call per app); {"addons": [...]} from /addons alone lacks the security facts.
    const bool supervised = std::any_of(home.integrations.begin(), home.integrations.end(),
                                        [](const model::Integration& i) { return i.domain == "hassio"; });
    if (!replies.has("supervisor/api") && home.has(Part::integrations) && !supervised) {
      home.mark_missing(Part::apps, "notrun.apps.no_supervisor");
    } else if (!replies.has("supervisor/api") && home.source_kind == model::SourceKind::live) {
      home.mark_missing(Part::apps, "notrun.apps.live_refused");
    } else {
      DG_GET(r, "supervisor/api", {Part::apps});
      if (r && r->result->is_array()) {
        each_object(r->result, [&](const json::object& o) {
          if (home.apps.size() < 1000)
            if (auto a = parse_app_info(o)) home.apps.push_back(std::move(*a));
        });
        home.mark_present(Part::apps);
      } else if (r) {
        home.mark_missing(Part::apps, locale::later("notrun.reply.not_list", {{"command", "supervisor/api"}}));
      }
    }
  }

  {
    // http/config (HA 2026.8+, admin only): the slot the running server started with is the one in force.
    DG_GET(r, "http/config", {Part::http});
    if (r && r->result->is_object()) {
      const auto& o = r->result->get_object();
      const std::string_view active = raw(o, "active_config_type");
      const json::object* conf = obj(o, active == "pending" ? "pending" : active.rfind("default", 0) == 0 ? "default" : "stable");
      if (conf) apply_http_settings(*conf, "live", home);
    }
    home.mark_missing(Part::http, "notrun.ws.http");
  }
#undef DG_GET

  home.taken_at = newest_activity(home);
  if (home.has(Part::exposure)) apply_exposure_defaults(home);
  fold_same_devices(home);
  home.index();
  return home;
}

Result<std::optional<std::vector<std::string>>> apply_states(model::Home& home, const std::vector<std::string>& states,
                                                             const std::string& origin) {
  using Out = std::optional<std::vector<std::string>>;
  if (states.size() > max_items) return Out{};
  // Everything is parsed and matched first: a change that cannot be applied leaves the home as it was.
  std::vector<json::value> parsed;
  std::vector<std::size_t> at;
  parsed.reserve(states.size());
  at.reserve(states.size());
  for (const auto& text : states) {
    auto v = parse_json(text, origin + "/state_changed");
    if (!v) return v.error();
    const auto* o = v->if_object();
    if (!o) return Out{};
    const auto* e = home.entity(std::string(raw(*o, "entity_id")));
    // Only registered entities: a state-only entity's name and device class come from its state.
    if (!e || !e->in_registry) return Out{};
    at.push_back(static_cast<std::size_t>(e - home.entities.data()));
    parsed.push_back(std::move(*v));
  }
  std::set<std::string> devices;
  for (std::size_t i = 0; i < parsed.size(); ++i) {
    auto& e = home.entities[at[i]];
    e.attributes.clear();
    merge_state(parsed[i].get_object(), e);
    e.traits_known = false;
    if (!e.device_id.empty()) devices.insert(e.device_id);
    if (e.domain == "automation")
      for (auto& a : home.automations)
        if (a.entity_id == e.entity_id && e.state)
          a.enabled = *e.state != "off" && *e.state != "unavailable";
  }
  return Out{std::vector<std::string>(devices.begin(), devices.end())};
}

}  // namespace domoguard::hub::ha
