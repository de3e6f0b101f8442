// Facts from HA's YAML configuration: automations and scripts (automations.yaml, scripts.yaml,
// packages, blueprints), the http: block, homeassistant: auth_providers and recorder:. What HA applies when a block is absent
// is HA's default, recorded as such (Hub::defaults_applied).
#include "hub/ha/config_yaml.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "hub/ha/build.hpp"
#include "hub/ha/yaml.hpp"
#include "locale/messages.hpp"
#include "util/text.hpp"

namespace domoguard::hub::ha::detail {

using model::Part;

namespace {

[[maybe_unused]] std::vector<std::string> strings(const json::value* v) {
  std::vector<std::string> out;
  if (!v) return out;
  if (v->is_string()) out.push_back(text(*v));
  else if (const auto* a = v->if_array())
    for (const auto& e : *a)
      if (e.is_string() && out.size() < 256) out.push_back(text(e));
  return out;
}

// homeassistant: packages: each package's domains merge into the main configuration, lists
// appended and mappings joined (homeassistant/config.py, merge_packages_config).
[[maybe_unused]] void merge_packages(json::object& conf) {
  const auto* ha = conf.if_contains("homeassistant");
  const json::object* packages = nullptr;
  if (ha && ha->is_object()) packages = obj(ha->get_object(), "packages");
  if (!packages) return;
  json::object pk = *packages;   // copied: conf is changed below
  for (const auto& p : pk) {
    const auto* body = p.value().if_object();
    if (!body) continue;
    for (const auto& kv : *body) {
      if (kv.key() == "homeassistant") continue;
      auto* mine = conf.if_contains(kv.key());
      if (!mine || mine->is_null()) {
        conf[kv.key()] = kv.value();
      } else if (mine->is_array() && kv.value().is_array()) {
        for (const auto& e : kv.value().get_array()) mine->get_array().push_back(e);
      } else if (mine->is_object() && kv.value().is_object()) {
        for (const auto& e : kv.value().get_object())
          if (!mine->get_object().contains(e.key())) mine->get_object()[e.key()] = e.value();
      } else if (mine->is_array() && kv.value().is_object()) {
        mine->get_array().push_back(kv.value());
      } else if (mine->is_object() && kv.value().is_array()) {
        json::array joined{*mine};
        for (const auto& e : kv.value().get_array()) joined.push_back(e);
        *mine = std::move(joined);
      }
    }
  }
}

[[maybe_unused]] void collect_automations(const json::value& v, std::vector<json::object>& out) {
  if (const auto* a = v.if_array()) {
    for (const auto& e : *a)
      if (const auto* o = e.if_object(); o && out.size() < max_items) out.push_back(*o);
  } else if (const auto* o = v.if_object()) {
    if (o->contains("use_blueprint") || o->contains("trigger") || o->contains("triggers")) out.push_back(*o);
  }
}

// The entity id HA derives from an alias (homeassistant/util/__init__.py slugify, ASCII part).
[[maybe_unused]] std::string slug(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c)) out += static_cast<char>(std::tolower(c));
    else if (!out.empty() && out.back() != '_') out += '_';
    if (out.size() >= 64) break;
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out.empty() ? "unknown" : out;
}

}  // namespace

Result<bool> apply_yaml_config(const ConfigFiles& files, const std::string& origin, bool http_from_store,
                               model::Home& home, const YamlLimits& limits) {
#if !DOMOGUARD_HAVE_YAML
  (void)files;
  (void)origin;
  (void)http_from_store;
  (void)limits;
  for (Part p : {Part::automations, Part::scripts, Part::auth_providers, Part::recorder})
    home.mark_missing(p, "notrun.config.yaml_unsupported");
  if (!home.has(Part::http)) home.mark_missing(Part::http, "notrun.config.yaml_unsupported");
  return false;
#else
  const bool has_conf = files.count("configuration.yaml") > 0;
  const bool has_automations_file = files.count("automations.yaml") > 0;
  json::value root;
  if (has_conf) {
    auto r = load_yaml(files, origin, "configuration.yaml", limits);
    if (!r) return r.error();
    root = std::move(*r);
  }
  json::object empty;
  json::object& conf = root.is_object() ? root.get_object() : empty;
  merge_packages(conf);

  // Automations: every "automation" and "automation <label>" key; without a configuration.yaml,
  // the automations.yaml that HA's editor writes (HA's default configuration includes it).
  std::vector<json::object> configs;
  for (const auto& kv : conf) {
    std::string_view key(kv.key().data(), kv.key().size());
    if (key == "automation" || key.rfind("automation ", 0) == 0) collect_automations(kv.value(), configs);
  }
  if (!has_conf && has_automations_file) {
    auto r = load_yaml(files, origin, "automations.yaml", limits);
    if (!r) return r.error();
    collect_automations(*r, configs);
  }
  // An automation or script made from a blueprint: the blueprint's body with the given inputs,
  // read from blueprints/<domain>/<path>; `where` becomes that path.
  auto from_blueprint = [&](const json::object& c, const char* domain, std::string& where) -> Result<json::object> {
    json::object body = c;
    const auto* ub = obj(c, "use_blueprint");
    if (!ub) return body;
    const std::string path = str(*ub, "path");
    where = std::string("blueprints/") + domain + "/" + path;
    json::object given;
    if (const auto* in = obj(*ub, "input")) given = *in;
    if (path.empty() || path.find("..") != std::string::npos) return body;
    auto bp = load_yaml(files, origin, where, limits);
    if (!bp) return bp.error();
    if (const auto* bo = bp->if_object()) {
      json::object declared;
      if (const auto* meta = obj(*bo, "blueprint"))
        if (const auto* in = obj(*meta, "input")) declared = *in;
      json::object plain = *bo;
      plain.erase("blueprint");
      auto inst = instantiate_blueprint(plain, given, declared);
      if (auto* io = inst.if_object()) {
        for (const auto& kv : c)
          if (kv.key() != "use_blueprint") (*io)[kv.key()] = kv.value();
        body = std::move(*io);
      }
    }
    return body;
  };

  if (has_conf || has_automations_file) {
    for (auto& c : configs) {
      std::string where = has_conf ? "configuration.yaml" : "automations.yaml";
      auto body = from_blueprint(c, "automation", where);
      if (!body) return body.error();
      auto a = parse_automation(*body);
      a.origin = util::clean_text(where, max_text_chars);
      if (a.entity_id.empty() && !a.alias.empty()) a.entity_id = "automation." + slug(a.alias);
      home.automations.push_back(std::move(a));
    }
    home.mark_present(Part::automations);
  } else {
    home.mark_missing(Part::automations, home.source_kind == model::SourceKind::backup
                                             ? "notrun.config.automations_absent_backup"
                                             : "notrun.config.automations_absent");
  }

  // Scripts: every "script" and "script <label>" key (a mapping of key -> script), or without a
  // configuration.yaml the scripts.yaml that HA's script editor writes.
  const bool has_scripts_file = files.count("scripts.yaml") > 0;
  std::vector<std::pair<std::string, json::object>> scripts;
  auto collect_scripts = [&](const json::value& v) {
    if (const auto* o = v.if_object())
      for (const auto& kv : *o)
        if (const auto* body = kv.value().if_object(); body && scripts.size() < max_items)
          scripts.emplace_back(std::string(kv.key()), *body);
  };
  for (const auto& kv : conf) {
    std::string_view key(kv.key().data(), kv.key().size());
    if (key == "script" || key.rfind("script ", 0) == 0) collect_scripts(kv.value());
  }
  if (!has_conf && has_scripts_file) {
    auto r = load_yaml(files, origin, "scripts.yaml", limits);
    if (!r) return r.error();
    collect_scripts(*r);
  }
  if (has_conf || has_scripts_file) {
    // A script HA has not registered (no unique id yet) is still an entity HA may expose: HA judges
    // it by its domain's default (the legacy path of exposed_entities.py), applied with the others.
    std::set<std::string> known;
    for (const auto& e : home.entities) known.insert(e.entity_id);
    for (const auto& [key, c] : scripts) {
      std::string where = has_conf ? "configuration.yaml" : "scripts.yaml";
      auto body = from_blueprint(c, "script", where);
      if (!body) return body.error();
      auto sc = parse_script(key, *body);
      sc.origin = util::clean_text(where, max_text_chars);
      if (!sc.entity_id.empty() && known.insert(sc.entity_id).second && home.entities.size() < max_items) {
        model::Entity e;
        e.entity_id = sc.entity_id;
        e.domain = "script";
        e.in_registry = false;
        e.name = sc.alias;
        home.entities.push_back(std::move(e));
      }
      home.scripts.push_back(std::move(sc));
    }
    home.mark_present(Part::scripts);
  } else {
    home.mark_missing(Part::scripts, "notrun.config.scripts_absent");
  }

  // http: HA up to 2026.7 reads it from YAML at every start; 2026.8+ migrates it into
  // .storage/http once (as a pending configuration) and ignores it afterwards.
  if (!http_from_store && has_conf) {
    if (const auto* http = obj(conf, "http")) {
      apply_http_settings(*http, "yaml", home);
    } else if (!home.has(Part::http)) {
      apply_http_settings(empty, "default", home);
      home.hub.defaults_applied.push_back("http");
    }
  }

  if (has_conf) {
    // Without auth_providers HA offers its own user accounts only.
    std::vector<model::AuthProvider> providers;
    const json::object* ha = obj(conf, "homeassistant");
    const json::array* list = ha ? arr(*ha, "auth_providers") : nullptr;
    if (list) {
      for (const auto& v : *list) {
        const auto* p = v.if_object();
        if (!p || providers.size() >= 32) continue;
        model::AuthProvider ap;
        ap.type = str(*p, "type");
        ap.id = str(*p, "id");
        if (ap.type == "trusted_networks") {
          ap.allow_bypass_login = boolean(*p, "allow_bypass_login").value_or(false);   // HA's default
          ap.trusted_networks = strings(p->if_contains("trusted_networks"));
          ap.trusted_users_set = p->contains("trusted_users");
        }
        providers.push_back(std::move(ap));
      }
    } else {
      model::AuthProvider own;
      own.type = "homeassistant";
      providers.push_back(std::move(own));
      home.hub.defaults_applied.push_back("auth_providers");
    }
    home.hub.auth_providers = std::move(providers);
    home.mark_present(Part::auth_providers);

    // recorder: keeps 10 days and purges nightly unless told otherwise (components/recorder/const.py).
    auto& rec = home.hub.recorder;
    const json::object* r = obj(conf, "recorder");
    json::object none;
    const json::object& rc = r ? *r : none;
    if (auto d = integer(rc, "purge_keep_days")) rec.purge_keep_days = static_cast<int>(*d);
    else rec.purge_keep_days = 10, rec.keep_days_default = true, home.hub.defaults_applied.push_back("recorder.purge_keep_days");
    rec.auto_purge = boolean(rc, "auto_purge").value_or(true);
    auto filter = [&](const char* part, const char* key) -> std::optional<std::vector<std::string>> {
      const auto* f = obj(rc, part);
      return f ? std::optional(strings(f->if_contains(key))) : std::optional(std::vector<std::string>{});
    };
    rec.exclude_domains = filter("exclude", "domains");
    rec.exclude_entities = filter("exclude", "entities");
    rec.exclude_entity_globs = filter("exclude", "entity_globs");
    rec.include_domains = filter("include", "domains");
    rec.include_entities = filter("include", "entities");
    rec.include_entity_globs = filter("include", "entity_globs");
    home.hub.recorder_keep_days = rec.purge_keep_days;
    home.mark_present(Part::recorder);
  } else {
    const char* why = home.source_kind == model::SourceKind::backup ? "notrun.config.no_configuration_yaml_backup"
                                                                    : "notrun.config.no_configuration_yaml";
    home.mark_missing(Part::auth_providers, why);
    home.mark_missing(Part::recorder, why);
  }
  return true;
#endif
}

// Built with or without yaml-cpp: the folder and backup readers use them to pick files.
bool is_yaml_name(const std::string& rel) {
  auto slash = rel.rfind('/');
  std::string name = slash == std::string::npos ? rel : rel.substr(slash + 1);
  if (name.empty() || name.front() == '.' || name == "secrets.yaml") return false;
  return name.size() > 5 && name.compare(name.size() - 5, 5, ".yaml") == 0;
}

bool wanted_yaml(const std::string& rel) {
  if (!is_yaml_name(rel)) return false;
  static const std::set<std::string> skip = {".storage", "custom_components", "www", "deps", "tts", "backups",
                                             "node_modules", ".git", ".cloud", "media", "image", "esphome"};
  auto slash = rel.find('/');
  if (slash != std::string::npos && skip.count(rel.substr(0, slash))) return false;
  return std::count(rel.begin(), rel.end(), '/') <= 8;
}

}  // namespace domoguard::hub::ha::detail
