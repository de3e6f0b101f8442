// A small home for the plan-compiler tests: one of each thing a plan may touch, and things it must not.
#pragma once

#include <algorithm>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "home_builder.hpp"
#include "policy/compile.hpp"

namespace dgtest {

struct PolicyHome {
  HomeBuilder b;
  model::Home* home = nullptr;
  std::vector<audit::Finding> findings;

  PolicyHome() {
    b.integration("e1", "mqtt");
    b.integration("e3", "adguard");
    b.integration("e4", "mobile_app", model::IotClass::cloud_push);
    b.area("hall", "Hall");
    b.area("living", "Living room");
    b.area("kids", "Kids room");
    b.area("garden", "Garden");
    b.h.hub.expose_new = {{"conversation", true}, {"cloud.alexa", false}};
    b.h.hub.analytics_base = true;
    b.h.hub.analytics_usage = true;
    b.h.hub.analytics_diagnostics = false;

    b.device("d_lock", "Front door", "e1", "hall");
    {
      auto& e = b.entity("lock.front_door", "d_lock", "locked");
      e.name = "Front door lock";
      e.exposure.conversation = true;
      e.exposure.alexa = true;
    }
    b.device("d_alarm", "Alarm", "e1", "hall");
    b.entity("alarm_control_panel.home", "d_alarm", "disarmed").exposure.alexa = true;

    b.device("d_cam", "Living camera", "e1", "living");
    b.entity("camera.living", "d_cam", "idle").exposure.google = true;
    b.entity("switch.living_camera_privacy_mode", "d_cam", "off");
    b.device("d_kcam", "Kids camera", "e1", "kids");
    b.entity("camera.kids", "d_kcam", "idle");
    b.entity("switch.kids_camera_privacy", "d_kcam", "off");
    b.device("d_gcam", "Garden camera", "e1", "garden");
    b.entity("camera.garden", "d_gcam", "idle");
    b.entity("switch.garden_camera_privacy", "d_gcam", "on");

    b.device("d_oven", "Kitchen oven", "e1");
    b.entity("switch.oven_child_lock", "d_oven", "off");
    b.entity("switch.oven_power", "d_oven", "off").exposure.conversation = true;
    b.device("d_heat", "Panel heater", "e1");
    b.entity("climate.panel_heater", "d_heat", "heat").exposure.conversation = true;

    b.device("d_plug", "Desk plug", "e1", "living");
    b.entity("switch.desk_plug", "d_plug", "on").exposure.conversation = true;
    b.entity("lock.desk_plug_child_lock", "d_plug", "unlocked");

    b.device("d_sat", "Kids voice satellite", "e1", "kids");
    b.entity("assist_satellite.kids", "d_sat", "idle");
    b.entity("switch.kids_satellite_mic_mute", "d_sat", "off");

    b.device("d_ag", "AdGuard Home", "e3");
    b.entity("switch.adguard_parental_control", "d_ag", "off").platform = "adguard";

    b.device("d_phone", "Anna phone", "e4");
    b.entity("device_tracker.anna_phone", "d_phone", "home").platform = "mobile_app";
    b.entity("sensor.anna_phone_geocoded_location", "d_phone", "Main St").platform = "mobile_app";
    b.entity("person.anna", "", "home").attributes["source"] = "device_tracker.anna_phone";

    b.user("u1", "Parent", true, true).mfa = true;
    b.user("u2", "Kid", true).child = true;
  }

  // Classifies and audits; call after any test-specific additions.
  PolicyHome& ready() {
    home = &b.build();
    findings = audit::run_audit(*home).findings;
    return *this;
  }
};

using Change = std::tuple<std::string, std::string, std::string, std::string, std::string>;

inline std::set<Change> changes(const policy::Plan& p) {
  std::set<Change> s;
  for (const auto& a : p.actions) s.insert({a.kind, a.target, a.param, a.before, a.after});
  return s;
}

inline bool has_guidance(const policy::Plan& p, const std::string& key) {
  return std::any_of(p.guidance.begin(), p.guidance.end(), [&](const auto& g) { return g.message_key == key; });
}

}  // namespace dgtest
