// Builds small hub-neutral homes for rule tests. Every data part counts as read unless a test
// says otherwise, so a rule's "not run" path is tested on purpose, not by accident.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "audit/classify.hpp"
#include "audit/engine.hpp"
#include "model/home.hpp"

namespace dgtest {

using namespace domoguard;

struct HomeBuilder {
  model::Home h;

  HomeBuilder() {
    using P = model::Part;
    for (auto p : {P::devices, P::entities, P::areas, P::states, P::integrations, P::manifests, P::users, P::mfa,
                   P::exposure, P::hub_config, P::analytics, P::cloud, P::http, P::automations, P::deleted_devices,
                   P::radio_security, P::auth_providers, P::recorder, P::apps, P::tokens, P::sign_ins,
                   P::dashboard_resources, P::thread, P::scripts, P::hub_version})
      h.mark_present(p);
    h.hub.id = "hub1";
    h.hub.name = "Test home";
    h.hub.version = "2026.11.1";
    h.hub.has_exposure_data = h.hub.has_cloud_data = h.hub.has_analytics_data = h.hub.has_http_data = true;
    model::AuthProvider own;
    own.type = "homeassistant";   // the hub's default: its own user accounts only
    h.hub.auth_providers = std::vector<model::AuthProvider>{own};
    h.taken_at = "2026-11-20T18:00:00Z";
  }

  HomeBuilder& without(model::Part p) {
    h.present.erase(std::remove(h.present.begin(), h.present.end(), p), h.present.end());
    h.mark_missing(p, "");
    return *this;
  }

  model::Integration& integration(std::string entry_id, std::string domain,
                                  model::IotClass iot = model::IotClass::local_push, bool custom = false) {
    model::Integration i;
    i.entry_id = std::move(entry_id);
    i.domain = std::move(domain);
    i.title = i.domain;
    i.iot_class = iot;
    i.custom = custom;
    i.state = "loaded";
    h.integrations.push_back(std::move(i));
    return h.integrations.back();
  }

  model::Area& area(std::string id, std::string name) {
    h.areas.push_back({std::move(id), std::move(name)});
    return h.areas.back();
  }

  model::Device& device(std::string id, std::string name, std::string entry_id = "", std::string area_id = "") {
    model::Device d;
    d.id = std::move(id);
    d.name = std::move(name);
    d.manufacturer = "Acme";
    d.model = "Model 1";
    d.sw_version = "1.0";
    d.area_id = std::move(area_id);
    if (!entry_id.empty()) d.config_entry_ids.push_back(std::move(entry_id));
    h.devices.push_back(std::move(d));
    return h.devices.back();
  }

  // entity_id "domain.object"; state empty = no state read for it.
  model::Entity& entity(std::string entity_id, std::string device_id = "", std::string state = "",
                        std::string device_class = "") {
    model::Entity e;
    e.entity_id = std::move(entity_id);
    e.domain = e.entity_id.substr(0, e.entity_id.find('.'));
    e.unique_id = "uid-" + e.entity_id;
    e.device_id = std::move(device_id);
    e.device_class = std::move(device_class);
    e.original_name = e.entity_id;
    if (!state.empty()) e.state = std::move(state);
    h.entities.push_back(std::move(e));
    return h.entities.back();
  }

  model::User& user(std::string id, std::string name, bool admin = false, bool owner = false) {
    model::User u;
    u.id = std::move(id);
    u.name = std::move(name);
    u.username = u.name;
    u.admin = admin;
    u.owner = owner;
    u.mfa = false;
    h.users.push_back(std::move(u));
    return h.users.back();
  }

  // Indexes and classifies; call after all parts are added.
  model::Home& build() {
    audit::classify(h);
    return h;
  }
};

// The value of an evidence item, "" when absent.
inline std::string ev(const audit::Finding& f, const std::string& key) {
  for (const auto& [k, v] : f.evidence)
    if (k == key) return v;
  return "";
}

inline bool has_evidence(const audit::Finding& f, const std::string& key, const std::string& value) {
  for (const auto& [k, v] : f.evidence)
    if (k == key && v == value) return true;
  return false;
}

// Runs one rule over a built home; fails the test if the rule does not exist.
inline std::vector<audit::Finding> run(std::string_view rule_id, model::Home& home, bool* ran = nullptr) {
  std::vector<audit::Finding> out;
  const auto* r = audit::find_rule(rule_id);
  if (!r) throw std::runtime_error("no such rule: " + std::string(rule_id));
  bool ok = audit::run_rule(*r, home, out);
  if (ran) *ran = ok;
  return out;
}

}  // namespace dgtest
