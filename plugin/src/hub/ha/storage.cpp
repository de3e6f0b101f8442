// HA config folder (.storage files) -> model::Home. The registry files are what HA itself restores
// from, so they are the most complete offline picture (deleted devices, every user's MFA, secrets
// in config entries, which we inspect but never copy).
#include <memory>
#include <set>

#include "hub/ha/adapter.hpp"
#include "locale/messages.hpp"
#include "hub/ha/build.hpp"
#include "hub/ha/surface.hpp"
#include "hub/ha/config_yaml.hpp"
#include "util/text.hpp"

namespace domoguard::hub::ha {

using namespace detail;
using model::Part;

namespace {

struct Store {
  std::unique_ptr<json::value> doc;   // stable address: `data` points into it
  const json::object* data = nullptr;
  std::int64_t major = 0;
  std::int64_t minor = 0;
};

// Reads one .storage file. Error for malformed JSON; nullopt (part marked missing) for a missing
// file, an unknown major version or an unexpected envelope.
Result<std::optional<Store>> read_store(const ConfigFiles& files, const std::string& origin, const std::string& key,
                                        std::initializer_list<std::int64_t> majors, model::Home& home,
                                        std::initializer_list<Part> parts) {
  auto missing = [&](const std::string& why) {
    for (Part p : parts) home.mark_missing(p, why);
    return Result<std::optional<Store>>(std::optional<Store>());
  };
  auto it = files.find(".storage/" + key);
  if (it == files.end())
    return missing(locale::later(home.source_kind == model::SourceKind::backup ? "notrun.storage.absent_backup"
                                                                               : "notrun.storage.absent",
                                 {{"file", ".storage/" + key}}));
  auto parsed = parse_json(it->second, origin + "/.storage/" + key);
  if (!parsed) return parsed.error();
  Store s;
  s.doc = std::make_unique<json::value>(std::move(*parsed));
  const auto* top = s.doc->if_object();
  if (!top) return missing(locale::later("notrun.storage.not_storage", {{"file", ".storage/" + key}}));
  s.major = integer(*top, "version").value_or(-1);
  s.minor = integer(*top, "minor_version").value_or(1);
  s.data = obj(*top, "data");
  if (!s.data) return missing(locale::later("notrun.storage.no_data", {{"file", ".storage/" + key}}));
  bool known = false;
  for (auto m : majors) known = known || m == s.major;
  if (!known)
    return missing(locale::later("notrun.storage.version",
                                 {{"file", ".storage/" + key}, {"version", std::to_string(s.major)}}));
  return std::optional<Store>(std::move(s));
}

std::string trim_copy(std::string_view s) {
  std::string t(s);
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r' || t.back() == ' ')) t.pop_back();
  return util::clean_text(t, 64);
}

}  // namespace

Result<model::Home> from_config_files(const ConfigFiles& files, const std::string& origin) {
  model::Home home;
  home.source = util::clean_text(origin, 1024);
  // load() marks what it read from a backup archive with the backup's date.
  home.source_kind = files.count("backup.date") ? model::SourceKind::backup : model::SourceKind::config_folder;

  if (auto it = files.find(".HA_VERSION"); it != files.end()) home.hub.version = trim_copy(it->second);
  // Without .HA_VERSION nothing in .storage names the release: the checks that compare it with
  // HA's releases and advisories say so instead of passing in silence.
  if (!home.hub.version.empty()) home.mark_present(Part::hub_version);
  else
    home.mark_missing(Part::hub_version, locale::later(home.source_kind == model::SourceKind::backup
                                                           ? "notrun.storage.absent_backup"
                                                           : "notrun.storage.absent",
                                                       {{"file", ".HA_VERSION"}}));
  if (auto r = read_store(files, origin, "core.uuid", {1}, home, {}); !r) return r.error();
  else if (*r) home.hub.id = str(*(*r)->data, "uuid");

  // Device registry: major 1 (config_entries lists, up to 1.12) and major 3 (one config entry, 3.1-3.4).
  {
    auto r = read_store(files, origin, "core.device_registry", {1, 3}, home, {Part::devices, Part::deleted_devices});
    if (!r) return r.error();
    if (*r) {
      const auto& d = *(*r)->data;
      for (const char* list : {"devices", "child_devices"})
        if (const auto* a = arr(d, list))
          for (const auto& v : *a)
            if (const auto* o = v.if_object(); o && home.devices.size() < max_items)
              home.devices.push_back(parse_device(*o, std::string_view(list) == "child_devices"));
      if (const auto* a = arr(d, "deleted_devices"))
        for (const auto& v : *a)
          if (const auto* o = v.if_object(); o && home.deleted_devices.size() < max_items)
            home.deleted_devices.push_back(parse_deleted_device(*o));
      home.mark_present(Part::devices);
      home.mark_present(Part::deleted_devices);
    }
  }

  {
    auto r = read_store(files, origin, "core.entity_registry", {1}, home, {Part::entities, Part::exposure});
    if (!r) return r.error();
    if (*r) {
      if (const auto* a = arr(*(*r)->data, "entities"))
        for (const auto& v : *a)
          if (const auto* o = v.if_object(); o && home.entities.size() < max_items) home.entities.push_back(parse_entity(*o));
      home.mark_present(Part::entities);
    }
  }

  {
    auto r = read_store(files, origin, "core.area_registry", {1}, home, {Part::areas});
    if (!r) return r.error();
    if (*r) {
      if (const auto* a = arr(*(*r)->data, "areas"))
        for (const auto& v : *a)
          if (const auto* o = v.if_object(); o && home.areas.size() < max_items) home.areas.push_back(parse_area(*o));
      home.mark_present(Part::areas);
    }
  }

  {
    auto r = read_store(files, origin, "core.config_entries", {1}, home, {Part::integrations});
    if (!r) return r.error();
    if (*r) {
      if (const auto* a = arr(*(*r)->data, "entries"))
        for (const auto& v : *a) {
          const auto* o = v.if_object();
          if (!o || home.integrations.size() >= max_items) continue;
          model::Integration in;
          in.entry_id = str(*o, "entry_id");
          in.domain = str(*o, "domain");
          in.title = str(*o, "title");
          in.disabled = is_set(*o, "disabled_by");
          derive_connection_facts(obj(*o, "data"), obj(*o, "options"), in);
          home.integrations.push_back(std::move(in));
        }
      home.mark_present(Part::integrations);
    }
  }

  // Custom integrations live in custom_components/<domain>/; anything else is shipped with HA.
  {
    std::set<std::string> custom;
    std::map<std::string, std::pair<std::string, std::string>> manifest;   // domain -> (version, iot_class)
    bool have_config_root = files.count(".HA_VERSION") || files.count("configuration.yaml");
    for (const auto& [path, content] : files) {
      const std::string prefix = "custom_components/";
      if (path.rfind(prefix, 0) != 0) continue;
      auto slash = path.find('/', prefix.size());
      if (slash == std::string::npos || path.substr(slash) != "/manifest.json") continue;
      std::string domain = util::clean_text(path.substr(prefix.size(), slash - prefix.size()), max_text_chars);
      custom.insert(domain);
      auto m = parse_json(content, origin + "/" + path);
      if (!m) return m.error();
      if (const auto* mo = m->if_object()) manifest[domain] = {str(*mo, "version"), str(*mo, "iot_class")};
    }
    if (have_config_root)
      for (auto& in : home.integrations) {
        in.custom = custom.count(in.domain) > 0;
        if (auto it = manifest.find(in.domain); it != manifest.end()) {
          in.version = it->second.first;
          in.iot_class = parse_iot_class(it->second.second);
        }
      }
    home.mark_missing(Part::manifests, "notrun.config.manifests");
  }

  {
    auto r = read_store(files, origin, "auth", {1}, home, {Part::users, Part::mfa, Part::tokens, Part::sign_ins});
    if (!r) return r.error();
    if (*r) {
      const auto& d = *(*r)->data;
      std::map<std::string, std::string> usernames;
      if (const auto* creds = arr(d, "credentials"))
        for (const auto& v : *creds)
          if (const auto* c = v.if_object(); c && raw(*c, "auth_provider_type") == "homeassistant")
            if (const auto* cd = obj(*c, "data")) usernames.emplace(str(*c, "user_id"), str(*cd, "username"));
      if (const auto* a = arr(d, "users"))
        for (const auto& v : *a) {
          const auto* o = v.if_object();
          if (!o || home.users.size() >= max_items) continue;
          model::User u;
          u.id = str(*o, "id");
          u.name = str(*o, "name");
          if (auto it = usernames.find(u.id); it != usernames.end()) u.username = it->second;
          u.owner = boolean(*o, "is_owner").value_or(false);
          u.active = boolean(*o, "is_active").value_or(true);
          u.system_generated = boolean(*o, "system_generated").value_or(false);
          u.local_only = boolean(*o, "local_only").value_or(false);
          if (const auto* g = arr(*o, "group_ids"))
            for (const auto& gid : *g)
              if (gid.is_string() && gid.get_string() == "system-admin") u.admin = true;
          home.users.push_back(std::move(u));
        }
      home.mark_present(Part::users);

      // Sign-ins: every user's refresh tokens, read for their facts (type, client, dates) only.
      if (const auto* rts = arr(d, "refresh_tokens")) {
        for (const auto& v : *rts)
          if (const auto* o = v.if_object(); o && home.tokens.size() < max_items)
            if (auto t = parse_token(*o)) home.tokens.push_back(std::move(*t));
        home.mark_present(Part::tokens);
        home.mark_present(Part::sign_ins);
      } else {
        home.mark_missing(Part::tokens, locale::later("notrun.storage.no_field", {{"file", ".storage/auth"}, {"field", "refresh_tokens"}}));
        home.mark_missing(Part::sign_ins, locale::later("notrun.storage.no_field", {{"file", ".storage/auth"}, {"field", "refresh_tokens"}}));
      }

      // MFA: HA keeps one store per module, listing the users that set it up (secrets are not read).
      std::set<std::string> with_mfa;
      bool mfa_readable = true;
      for (const char* module : {"auth_module.totp", "auth_module.notify"}) {
        auto it = files.find(std::string(".storage/") + module);
        if (it == files.end()) continue;   // HA writes the file only once a user sets the module up
        auto m = read_store(files, origin, module, {1}, home, {});
        if (!m) return m.error();
        if (!*m) {
          mfa_readable = false;
          continue;
        }
        const auto* users = (*m)->data->if_contains("users");
        if (users && users->is_object())
          for (const auto& kv : users->get_object()) with_mfa.insert(std::string(kv.key()));
        else if (users && users->is_array())
          for (const auto& uv : users->get_array())
            if (const auto* uo = uv.if_object()) with_mfa.insert(std::string(raw(*uo, "user_id")));
      }
      if (mfa_readable) {
        for (auto& u : home.users)
          if (!u.system_generated) u.mfa = with_mfa.count(u.id) > 0;
        home.mark_present(Part::mfa);
      } else {
        home.mark_missing(Part::mfa, "notrun.storage.mfa_version");
      }
    }
  }

  {
    auto r = read_store(files, origin, "homeassistant.exposed_entities", {1}, home, {});
    if (!r) return r.error();
    if (*r) {
      const auto& d = *(*r)->data;
      if (const auto* as = obj(d, "assistants"))
        for (const auto& kv : *as)
          if (const auto* p = kv.value().if_object())
            if (auto b = boolean(*p, "expose_new"); b && home.hub.expose_new.size() < 32)
              home.hub.expose_new[util::clean_text(std::string_view(kv.key().data(), kv.key().size()), 64)] = *b;
      // Entities without a unique id keep their exposure here, not in the registry.
      if (const auto* ex = obj(d, "exposed_entities")) {
        std::map<std::string, std::size_t> ix;
        for (std::size_t i = 0; i < home.entities.size(); ++i) ix.emplace(home.entities[i].entity_id, i);
        for (const auto& kv : *ex) {
          std::string id = util::clean_text(std::string_view(kv.key().data(), kv.key().size()), max_text_chars);
          const auto* eo = kv.value().if_object();
          const json::object* as = eo ? obj(*eo, "assistants") : nullptr;
          if (!as || id.find('.') == std::string::npos) continue;
          auto found = ix.find(id);
          if (found == ix.end()) {
            if (home.entities.size() >= max_items) continue;
            model::Entity ne;
            ne.entity_id = id;
            ne.domain = id.substr(0, id.find('.'));
            ne.in_registry = false;
            found = ix.emplace(id, home.entities.size()).first;
            home.entities.push_back(std::move(ne));
          }
          model::Entity* e = &home.entities[found->second];
          auto get = [&](std::string_view a) -> model::Flag {
            if (const auto* o = obj(*as, a)) return boolean(*o, "should_expose");
            return std::nullopt;
          };
          if (auto f = get("conversation")) e->exposure.conversation = f;
          if (auto f = get("cloud.alexa")) e->exposure.alexa = f;
          if (auto f = get("cloud.google_assistant")) e->exposure.google = f;
        }
      }
    }
    if (home.has(Part::entities)) {
      home.hub.has_exposure_data = true;
      home.mark_present(Part::exposure);
    }
  }

  {
    auto r = read_store(files, origin, "core.config", {1}, home, {Part::hub_config});
    if (!r) return r.error();
    if (*r) {
      const auto& d = *(*r)->data;
      home.hub.name = str(d, "location_name");
      home.hub.external_url = str(d, "external_url");
      home.hub.internal_url = str(d, "internal_url");
      home.mark_present(Part::hub_config);
    }
  }

  {
    auto r = read_store(files, origin, "core.analytics", {1}, home, {Part::analytics});
    if (!r) return r.error();
    if (*r) {
      const auto* p = obj(*(*r)->data, "preferences");
      json::object empty;
      const auto& prefs = p ? *p : empty;
      // HA treats a preference that is not stored as off.
      home.hub.analytics_base = boolean(prefs, "base").value_or(false);
      home.hub.analytics_usage = boolean(prefs, "usage").value_or(false);
      home.hub.analytics_statistics = boolean(prefs, "statistics").value_or(false);
      home.hub.analytics_diagnostics = boolean(prefs, "diagnostics").value_or(false);
      home.hub.has_analytics_data = true;
      home.mark_present(Part::analytics);
    }
  }

  {
    auto r = read_store(files, origin, "cloud", {1}, home, {Part::cloud});
    if (!r) return r.error();
    if (*r) {
      const auto& d = *(*r)->data;
      home.hub.alexa_enabled = boolean(d, "alexa_enabled");
      home.hub.google_enabled = boolean(d, "google_enabled");
      home.hub.remote_ui = boolean(d, "remote_enabled");
      if (const auto* pin = d.if_contains("google_secure_devices_pin"))
        home.hub.google_secure_pin = pin->is_string() && !pin->get_string().empty();
      if (files.count(".HA_VERSION")) home.hub.cloud_logged_in = files.count(".cloud/production_auth.json") > 0;
      home.hub.has_cloud_data = true;
      home.mark_present(Part::cloud);
    }
  }

  // Dashboard resources (storage-mode dashboards); in YAML mode they live in configuration.yaml.
  if (files.count(".storage/lovelace_resources")) {
    auto r = read_store(files, origin, "lovelace_resources", {1}, home, {Part::dashboard_resources});
    if (!r) return r.error();
    if (*r) {
      if (const auto* a = arr(*(*r)->data, "items"))
        for (const auto& v : *a)
          if (const auto* o = v.if_object(); o && home.dashboard_resources.size() < 1000)
            if (auto res = parse_resource(*o)) home.dashboard_resources.push_back(std::move(*res));
      home.mark_present(Part::dashboard_resources);
    }
  } else if (files.count(".HA_VERSION") || files.count(".storage/core.config")) {
    // HA writes the file when the first resource is added: no file, no resources (unless YAML mode).
    home.mark_present(Part::dashboard_resources);
  } else {
    home.mark_missing(Part::dashboard_resources,
                      locale::later(home.source_kind == model::SourceKind::backup ? "notrun.storage.absent_backup"
                                                                                  : "notrun.storage.absent",
                                    {{"file", ".storage/lovelace_resources"}}));
  }

  // Thread networks (components/thread/dataset_store.py, 1.1-1.4). HA writes the file when the first
  // dataset arrives: no file in a config folder means no Thread network.
  if (files.count(".storage/thread.datasets")) {
    auto r = read_store(files, origin, "thread.datasets", {1}, home, {Part::thread});
    if (!r) return r.error();
    if (*r) {
      const auto& d = *(*r)->data;
      const std::string preferred(raw(d, "preferred_dataset"));
      if (const auto* a = arr(d, "datasets"))
        for (const auto& v : *a)
          if (const auto* o = v.if_object(); o && home.thread_networks.size() < 100)
            if (auto n = parse_thread_dataset(*o, preferred)) home.thread_networks.push_back(std::move(*n));
      home.mark_present(Part::thread);
    }
  } else if (files.count(".HA_VERSION") || files.count(".storage/core.config")) {
    home.mark_present(Part::thread);
  } else {
    home.mark_missing(Part::thread, locale::later("notrun.storage.absent", {{"file", ".storage/thread.datasets"}}));
  }

  // Apps: a backup carries each app's metadata (apps/<slug>/addon.json, gathered by load()); a
  // config folder carries none.
  {
    bool from_backup = files.count("backup.date") > 0;
    for (const auto& [path, content] : files) {
      if (path.rfind("apps/", 0) != 0 || home.apps.size() >= 1000) continue;
      auto slash = path.find('/', 5);
      if (slash == std::string::npos || path.substr(slash) != "/addon.json") continue;
      auto m = parse_json(content, origin + ":" + path);
      if (!m) return m.error();
      if (const auto* o = m->if_object())
        if (auto app = parse_app_backup(*o, path.substr(5, slash - 5))) home.apps.push_back(std::move(*app));
    }
    if (!home.apps.empty()) home.mark_present(Part::apps);
    else if (from_backup) home.mark_missing(Part::apps, "notrun.backup.no_apps");
    else home.mark_missing(Part::apps, "notrun.config.apps");
  }

  home.mark_missing(Part::states, "notrun.config.states");
  // .storage/http: version 1 (every HA up to 2026.7) is the flat configuration the server last
  // started with. Version 2 keeps a confirmed "stable" slot and an unconfirmed "pending" one; HA
  // starts with pending whenever one is set and has not failed a trial (no "error" recorded on it),
  // else with stable (homeassistant/components/http/config.py, async_activate_config).
  bool http_from_store = false;   // .storage/http is what HA runs, whatever the YAML says
  if (files.count(".storage/http")) {
    auto r = read_store(files, origin, "http", {1, 2}, home, {Part::http});
    if (!r) return r.error();
    if (*r) {
      const auto& d = *(*r)->data;
      http_from_store = (*r)->major >= 2 && boolean(d, "yaml_migration_done").value_or(false);
      if ((*r)->major == 1) {
        apply_http_settings(d, "storage", home);
      } else if (const auto* pending = obj(d, "pending"); pending && !is_set(*pending, "error")) {
        apply_http_settings(*pending, "storage_pending", home);
      } else if (const auto* st = obj(d, "stable")) {
        apply_http_settings(*st, "storage", home);
      } else {
        home.mark_missing(Part::http, "notrun.storage.http_unstable");
      }
    }
  } else {
    home.mark_missing(Part::http, home.source_kind == model::SourceKind::backup ? "notrun.config.http_yaml_backup"
                                                                                : "notrun.config.http_yaml");
  }
  if (auto y = apply_yaml_config(files, origin, http_from_store, home); !y) return y.error();
  if (has_zwave_devices(home))
    home.mark_missing(Part::radio_security, "notrun.config.zwave");
  else if (home.has(Part::devices))
    home.mark_present(Part::radio_security);


  if (home.has(Part::exposure)) apply_exposure_defaults(home);
  // A backup names the moment it was taken; one whose backup.json carries no readable date is dated
  // like a folder, by the newest activity it records (time-based checks would not run otherwise).
  if (auto it = files.find("backup.date"); it != files.end() && !it->second.empty() && it->second != "unknown")
    home.taken_at = it->second;
  else home.taken_at = newest_activity(home);
  fold_same_devices(home);
  home.index();
  return home;
}

}  // namespace domoguard::hub::ha
