#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <fstream>
#include <set>
#include <sstream>

#include "home_builder.hpp"

using namespace dgtest;
using audit::Remediation;
using audit::Severity;

namespace {

bool has_action(const audit::Finding& f, const std::string& kind, const std::string& target, const std::string& after) {
  for (const auto& a : f.remediation.actions)
    if (model::to_string(a.kind) == kind && a.target == target && a.after == after) return true;
  return false;
}

}  // namespace

TEST_CASE("DG-PRV-001 flags analytics sharing with one action per shared part", "[rules][privacy]") {
  HomeBuilder b;
  b.h.hub.analytics_base = true;
  b.h.hub.analytics_usage = true;
  b.h.hub.analytics_statistics = false;
  b.h.hub.analytics_diagnostics = true;
  auto f = run("DG-PRV-001", b.build());
  REQUIRE(f.size() == 1);
  CHECK(f[0].severity == Severity::medium);
  CHECK(f[0].subject.kind == "hub");
  REQUIRE(f[0].remediation.actions.size() == 2);
  CHECK(has_action(f[0], "set_analytics", "usage", "false"));
  CHECK(has_action(f[0], "set_analytics", "diagnostics", "false"));

  HomeBuilder base;
  base.h.hub.analytics_base = true;
  auto g = run("DG-PRV-001", base.build());
  REQUIRE(g.size() == 1);
  CHECK(g[0].severity == Severity::low);
  CHECK(has_action(g[0], "set_analytics", "base", "false"));
}

TEST_CASE("DG-PRV-001 is quiet when nothing is shared, not run without analytics data", "[rules][privacy]") {
  HomeBuilder b;
  b.h.hub.analytics_base = false;
  b.h.hub.analytics_usage = false;
  CHECK(run("DG-PRV-001", b.build()).empty());
  HomeBuilder b2;
  b2.h.hub.analytics_usage = true;
  b2.without(model::Part::analytics);
  bool ran = true;
  run("DG-PRV-001", b2.build(), &ran);
  CHECK_FALSE(ran);
}

TEST_CASE("DG-PRV-002 reports each tracking device, with disable actions for app location sensors", "[rules][privacy]") {
  HomeBuilder b;
  b.integration("ma", "mobile_app");
  b.device("ph1", "Pixel 9", "ma");
  b.entity("device_tracker.pixel_9", "ph1", "home").platform = "mobile_app";
  b.entity("sensor.pixel_9_geocoded_location", "ph1", "Main St").platform = "mobile_app";
  b.entity("sensor.pixel_9_battery_level", "ph1", "80", "battery").platform = "mobile_app";
  b.integration("l360", "life360", model::IotClass::cloud_polling);
  b.device("tr1", "Car tracker", "l360");
  b.entity("device_tracker.car", "tr1", "not_home").platform = "life360";
  b.entity("person.anna", "", "home");
  auto f = run("DG-PRV-002", b.build());
  REQUIRE(f.size() == 2);
  CHECK(f[0].device_id == "ph1");
  REQUIRE(f[0].remediation.kind == Remediation::Kind::action);
  CHECK(f[0].remediation.actions.size() == 1);
  CHECK(has_action(f[0], "disable_entity", "sensor.pixel_9_geocoded_location", "true"));
  CHECK(f[1].device_id == "tr1");
  CHECK(f[1].remediation.kind == Remediation::Kind::guidance);
}

TEST_CASE("DG-PRV-002 is quiet for disabled trackers, not run without entities", "[rules][privacy]") {
  HomeBuilder b;
  b.device("ph1", "Phone");
  b.entity("device_tracker.phone", "ph1", "home").disabled = true;
  b.entity("sensor.phone_battery_level", "ph1", "80", "battery");
  CHECK(run("DG-PRV-002", b.build()).empty());
  b.without(model::Part::entities);
  bool ran = true;
  run("DG-PRV-002", b.build(), &ran);
  CHECK_FALSE(ran);
}

TEST_CASE("DG-PRV-003 flags microphones and trackers sending data to a cloud", "[rules][privacy]") {
  HomeBuilder b;
  b.integration("l360", "life360", model::IotClass::cloud_polling);
  b.integration("ax", "alexa_devices", model::IotClass::cloud_polling);
  b.integration("esp", "esphome", model::IotClass::local_push);
  b.device("tr1", "Car tracker", "l360");
  b.entity("device_tracker.car", "tr1", "not_home");
  b.device("echo1", "Echo", "ax");
  b.entity("assist_satellite.echo", "echo1", "idle");
  b.device("sat1", "Satellite", "esp");
  b.entity("assist_satellite.sat", "sat1", "idle");
  b.device("bulb", "Cloud bulb", "ax");
  b.entity("light.bulb", "bulb", "on");
  auto f = run("DG-PRV-003", b.build());
  REQUIRE(f.size() == 2);
  CHECK(f[0].device_id == "tr1");
  CHECK(has_evidence(f[0], "senses", "location"));
  CHECK(f[1].device_id == "echo1");
  CHECK(has_evidence(f[1], "senses", "audio"));
}

TEST_CASE("DG-PRV-003 is not run without integrations", "[rules][privacy]") {
  HomeBuilder b;
  b.without(model::Part::integrations);
  bool ran = true;
  run("DG-PRV-003", b.build(), &ran);
  CHECK_FALSE(ran);
}

TEST_CASE("DG-PRV-004 flags alarm panels that work without a code", "[rules][privacy]") {
  struct Case {
    std::map<std::string, std::string> attrs;
    bool flagged;
    Severity sev;
  };
  auto c = GENERATE(Case{{}, true, Severity::high}, Case{{{"code_format", "null"}}, true, Severity::high},
                    Case{{{"code_format", "number"}, {"code_arm_required", "false"}}, true, Severity::low},
                    Case{{{"code_format", "number"}, {"code_arm_required", "true"}}, false, Severity::info});
  HomeBuilder b;
  b.device("al", "House alarm");
  auto& panel = b.entity("alarm_control_panel.house", "al", "armed_away");
  for (const auto& [k, v] : c.attrs) panel.attributes[k] = v;
  auto f = run("DG-PRV-004", b.build());
  REQUIRE(f.size() == (c.flagged ? 1u : 0u));
  if (c.flagged) {
    CHECK(f[0].severity == c.sev);
    CHECK(f[0].device_id == "al");
    // The evidence says what is missing, never a code.
    for (const auto& [k, v] : f[0].evidence) CHECK(k.find("code") == std::string::npos);
  }
}

TEST_CASE("DG-PRV-004 is not run without states", "[rules][privacy]") {
  HomeBuilder b;
  b.entity("alarm_control_panel.house", "", "disarmed");
  b.without(model::Part::states);
  bool ran = true;
  run("DG-PRV-004", b.build(), &ran);
  CHECK_FALSE(ran);
}

TEST_CASE("DG-PRV-005 flags locks and alarms with a stored default code", "[rules][privacy]") {
  HomeBuilder b;
  b.device("lock1", "Front door");
  b.entity("lock.front_door", "lock1", "locked").has_default_code = true;
  b.device("lock2", "Back door");
  b.entity("lock.back_door", "lock2", "locked");
  auto f = run("DG-PRV-005", b.build());
  REQUIRE(f.size() == 1);
  CHECK(f[0].device_id == "lock1");
  CHECK(f[0].severity == Severity::high);
  CHECK(has_evidence(f[0], "has_default_code", "true"));  // survives redaction: a fact, not a secret
  CHECK(f[0].remediation.kind == Remediation::Kind::guidance);
}

TEST_CASE("DG-PRV-005 is quiet without stored codes, not run without entities", "[rules][privacy]") {
  HomeBuilder b;
  b.entity("lock.front_door", "", "locked");
  CHECK(run("DG-PRV-005", b.build()).empty());
  b.without(model::Part::entities);
  bool ran = true;
  run("DG-PRV-005", b.build(), &ran);
  CHECK_FALSE(ran);
}

TEST_CASE("DG-PRV-006 flags personal names shared with cloud assistants", "[rules][privacy]") {
  struct Case {
    const char* entity_id;
    const char* name;
    bool alexa;
    bool flagged;
  };
  auto c = GENERATE(Case{"light.lamp_1", "Anna's room lamp", true, true},
                    Case{"light.lamp_2", "Anna\xE2\x80\x99s lamp", true, true},
                    Case{"sensor.annas_iphone_battery", "", true, true},
                    Case{"sensor.annas_iphone_battery", "", false, false},  // local assistant only
                    Case{"light.kitchen", "Kitchen", true, false},
                    Case{"sensor.devices_iphone_count", "", true, false},
                    Case{"sensor.living_room_phone", "", true, false});
  HomeBuilder b;
  auto& e = b.entity(c.entity_id, "", "on");
  e.name = c.name;
  if (c.alexa) e.exposure.alexa = true;
  else e.exposure.conversation = true;
  auto f = run("DG-PRV-006", b.build());
  INFO(c.entity_id << " / " << c.name);
  CHECK(f.size() == (c.flagged ? 1u : 0u));
}

TEST_CASE("DG-PRV-006 is not run without exposure data", "[rules][privacy]") {
  HomeBuilder b;
  b.entity("light.lamp", "", "on").name = "Anna's lamp";
  b.without(model::Part::exposure);
  bool ran = true;
  run("DG-PRV-006", b.build(), &ran);
  CHECK_FALSE(ran);
}

// ---------------------------------------------------------------------------------------------
// Catalogue texts for the privacy and principles families (voice, camera, children, failsafe,
// privacy, automation): every rule has a title and a why, and every remediation key a finding can
// carry exists.

namespace {

boost::json::object load_en() {
  std::ifstream in(DG_SOURCE_DIR "/locales/en.json");
  REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  boost::system::error_code ec;
  auto v = boost::json::parse(ss.str(), ec);
  REQUIRE_FALSE(ec);
  REQUIRE(v.is_object());
  return v.as_object();
}

bool ours(std::string_view id) {
  for (std::string_view p : {"DG-VOI-", "DG-CAM-", "DG-CHI-", "DG-FS-", "DG-PRV-", "DG-AUT-"})
    if (id.substr(0, p.size()) == p) return true;
  return false;
}

// A home that trips as many of these rules as possible, to collect the keys findings use.
model::Home& troubled_home(HomeBuilder& b) {
  b.h.hub.expose_new = {{"conversation", true}};
  b.h.hub.google_enabled = true;
  b.h.hub.google_secure_pin = false;
  b.h.hub.analytics_base = true;
  b.h.hub.analytics_usage = true;
  b.integration("cl", "tuya", model::IotClass::cloud_polling);
  b.integration("ma", "mobile_app");
  b.area("kids", "Kids room");
  b.area("bath", "Bathroom");
  b.area("liv", "Living room");
  b.device("lock1", "Front door", "cl");
  auto& lock = b.entity("lock.front_door", "lock1", "jammed");
  lock.exposure.google = true;
  lock.exposure.conversation = true;
  lock.has_default_code = true;
  b.entity("sensor.front_door_battery", "lock1", "5", "battery");
  b.device("cam1", "Bath camera", "cl", "bath");
  b.entity("camera.bath", "cam1", "idle").exposure.alexa = true;
  b.device("cam2", "Living camera", "cl", "liv");
  b.entity("camera.living", "cam2", "idle");
  b.entity("switch.living_camera_privacy", "cam2", "off");
  b.device("sat1", "Satellite", "cl", "kids");
  b.entity("assist_satellite.kids", "sat1", "idle");
  b.device("oven", "Oven", "cl");
  b.entity("switch.oven_child_lock", "oven", "off");
  b.device("plug", "Plug");
  b.entity("select.plug_child_lock", "plug", "UNLOCK");
  b.device("heat", "Space heater");
  b.entity("climate.heater", "heat", "heat");
  b.device("smoke", "Smoke alarm");
  b.entity("binary_sensor.smoke", "smoke", "unavailable", "smoke");
  b.device("ph", "Phone", "ma");
  b.entity("sensor.phone_geocoded_location", "ph", "x").platform = "mobile_app";
  b.entity("device_tracker.car", "", "home");
  b.entity("alarm_control_panel.house", "", "disarmed");
  b.entity("switch.adguard_parental_control", "", "off").platform = "adguard";
  b.entity("light.anna_lamp", "", "on").name = "Anna's lamp";
  b.h.entities.back().exposure.google = true;
  model::Automation a;
  a.id = "a1";
  a.alias = "Open up";
  a.trigger_kinds = {"webhook"};
  a.action_services = {"lock.unlock"};
  b.h.automations.push_back(a);
  a.id = "a2";
  a.trigger_kinds = {"zone"};
  b.h.automations.push_back(a);
  return b.build();
}

}  // namespace

TEST_CASE("Every privacy/principles rule has English title and why texts", "[rules][catalog-priv]") {
  const auto en = load_en();
  size_t n = 0;
  for (const auto& r : audit::all_rules()) {
    if (!ours(r.id)) continue;
    ++n;
    const std::string base = "rule." + std::string(r.id);
    INFO(base);
    CHECK(en.contains(base + ".title"));
    CHECK(en.contains(base + ".why"));
    CHECK_FALSE(r.clauses.empty());
  }
  CHECK(n >= 24);

  // Every remediation key a finding of these families can carry is in the catalogue too.
  HomeBuilder b;
  auto& home = troubled_home(b);
  std::set<std::string> fired;
  for (const auto& r : audit::all_rules()) {
    if (!ours(r.id)) continue;
    std::vector<audit::Finding> out;
    REQUIRE(audit::run_rule(r, home, out));
    for (const auto& f : out) {
      fired.insert(f.rule);
      INFO(f.rule << " " << f.remediation.message_key);
      CHECK(en.contains(f.remediation.message_key));
      CHECK(en.contains(f.message_key));
    }
  }
  CHECK(fired.size() >= 24);
}
