#include <catch2/catch.hpp>

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

// A front-door lock on Z-Wave plus a light, with exposure set by the caller.
HomeBuilder lock_home() {
  HomeBuilder b;
  b.integration("zw", "zwave_js");
  b.area("hall", "Hallway");
  b.device("lock1", "Front door", "zw", "hall");
  b.entity("lock.front_door", "lock1", "locked");
  b.device("light1", "Hall light", "zw", "hall");
  b.entity("light.hall", "light1", "on").exposure.conversation = true;
  return b;
}

}  // namespace

TEST_CASE("DG-VOI-001 flags critical entities exposed to voice, critical through a cloud assistant", "[rules][voice]") {
  struct Case {
    bool conversation, alexa, google;
    Severity want;
  };
  auto c = GENERATE(Case{true, false, false, Severity::high}, Case{false, true, false, Severity::critical},
                    Case{false, false, true, Severity::critical}, Case{true, false, true, Severity::critical});
  auto b = lock_home();
  auto& lock = b.h.entities[0];
  lock.exposure.conversation = c.conversation;
  lock.exposure.alexa = c.alexa;
  lock.exposure.google = c.google;
  auto f = run("DG-VOI-001", b.build());
  REQUIRE(f.size() == 1);
  CHECK(f[0].severity == c.want);
  CHECK(f[0].subject.kind == "device");
  CHECK(f[0].device_id == "lock1");
  CHECK(has_evidence(f[0], "entity", "lock.front_door"));
  REQUIRE(f[0].remediation.kind == Remediation::Kind::action);
  CHECK(has_action(f[0], "set_exposure", "lock.front_door", "false"));
  CHECK(f[0].remediation.actions.size() == 1);  // the exposed light is not touched
}

TEST_CASE("DG-VOI-001 covers alarm panels, garage covers, valves and sirens but not child locks", "[rules][voice]") {
  HomeBuilder b;
  b.device("d1", "Things");
  for (auto [id, dc] : std::vector<std::pair<std::string, std::string>>{{"alarm_control_panel.house", ""},
                                                                        {"cover.garage", "garage"},
                                                                        {"valve.water_main", ""},
                                                                        {"siren.hall", ""}})
    b.entity(id, "", "off", dc).exposure.conversation = true;
  auto& blind = b.entity("cover.living_blind", "", "open", "blind");
  blind.exposure.conversation = true;
  auto& child = b.entity("lock.oven_child_lock", "d1", "unlocked");
  child.translation_key = "child_lock";
  child.exposure.alexa = true;
  auto f = run("DG-VOI-001", b.build());
  CHECK(f.size() == 4);
  for (const auto& x : f) {
    CHECK(x.subject.kind == "entity");  // device-less entities are their own subject
    CHECK(x.subject.id != "cover.living_blind");
    CHECK(x.subject.id != "d1");
  }
}

TEST_CASE("DG-VOI-001 is quiet when nothing critical is exposed, and not run without exposure data", "[rules][voice]") {
  auto b = lock_home();
  CHECK(run("DG-VOI-001", b.build()).empty());

  auto b2 = lock_home();
  b2.h.entities[0].exposure.alexa = true;
  b2.without(model::Part::exposure);
  bool ran = true;
  CHECK(run("DG-VOI-001", b2.build(), &ran).empty());
  CHECK_FALSE(ran);
}

TEST_CASE("DG-VOI-002 flags cameras and microphones reachable by voice", "[rules][voice]") {
  HomeBuilder b;
  b.integration("e1", "onvif");
  b.area("bed", "Bedroom");
  b.device("cam1", "Living camera", "e1");
  b.entity("camera.living", "cam1", "idle").exposure.conversation = true;
  b.device("cam2", "Bedroom camera", "e1", "bed");
  b.entity("camera.bedroom", "cam2", "idle").exposure.conversation = true;
  b.device("sat1", "Kitchen satellite", "e1");
  b.entity("assist_satellite.kitchen", "sat1", "idle").exposure.google = true;
  auto f = run("DG-VOI-002", b.build());
  REQUIRE(f.size() == 3);
  auto sev_of = [&](const std::string& dev) {
    for (auto& x : f)
      if (x.device_id == dev) return x.severity;
    FAIL("no finding for " << dev);
    return Severity::info;
  };
  CHECK(sev_of("cam1") == Severity::medium);
  CHECK(sev_of("cam2") == Severity::high);  // private room
  CHECK(sev_of("sat1") == Severity::high);  // cloud assistant
  CHECK(has_action(f[0], "set_exposure", "camera.living", "false"));
}

TEST_CASE("DG-VOI-002: read-only microphone sensors and speech engines are not reached by voice", "[rules][voice]") {
  // Shapes seen in a real home: the companion app's "mic muted" sensor, the Assist Microphone
  // app's memory sensor and its mute switch, speech-to-text and wake-word engines, all exposed.
  HomeBuilder b;
  b.integration("e1", "mobile_app");
  b.integration("e2", "hassio");
  b.integration("e3", "wyoming");
  b.device("phone", "Robert's phone", "e1");
  b.entity("binary_sensor.roberts_phone_mic_muted", "phone", "off").exposure.google = true;
  b.device("app", "Assist Microphone", "e2");
  b.entity("sensor.assist_microphone_memory_percent", "app", "3.1").exposure.google = true;
  b.device("mute", "Assist satellite mute", "e3");
  b.entity("switch.assist_microphone_mute", "mute", "off").exposure.conversation = true;
  b.device("engines", "Speech engines", "e3");
  b.entity("stt.faster_whisper", "engines", "unknown").exposure.google = true;
  b.entity("wake_word.openwakeword", "engines", "unknown").exposure.google = true;
  auto f = run("DG-VOI-002", b.build());
  REQUIRE(f.size() == 1);
  CHECK(f[0].device_id == "mute");   // the switch that can turn a microphone back on
}

TEST_CASE("DG-VOI-002 ignores unexposed cameras and microwave sensors", "[rules][voice]") {
  HomeBuilder b;
  b.device("cam1", "Camera");
  b.entity("camera.living", "cam1", "idle");
  b.device("mw", "Microwave");
  b.entity("sensor.kitchen_microwave_power", "mw", "3").exposure.alexa = true;
  CHECK(run("DG-VOI-002", b.build()).empty());
}

TEST_CASE("DG-VOI-003 flags assistants that get new entities by default", "[rules][voice]") {
  HomeBuilder b;
  b.h.hub.expose_new = {{"conversation", true}, {"cloud.alexa", false}, {"cloud.google_assistant", true}};
  auto f = run("DG-VOI-003", b.build());
  REQUIRE(f.size() == 1);
  CHECK(f[0].severity == Severity::high);  // a cloud assistant is among them
  CHECK(f[0].subject.kind == "hub");
  CHECK(f[0].device_id.empty());
  CHECK(has_action(f[0], "set_expose_new", "conversation", "false"));
  CHECK(has_action(f[0], "set_expose_new", "cloud.google_assistant", "false"));
  CHECK_FALSE(has_action(f[0], "set_expose_new", "cloud.alexa", "false"));
  CHECK(std::find(f[0].clauses.begin(), f[0].clauses.end(), "7.3.2") != f[0].clauses.end());

  HomeBuilder local;
  local.h.hub.expose_new = {{"conversation", true}};
  auto g = run("DG-VOI-003", local.build());
  REQUIRE(g.size() == 1);
  CHECK(g[0].severity == Severity::medium);
}

TEST_CASE("DG-VOI-003 is quiet when every default is off, not run without exposure", "[rules][voice]") {
  HomeBuilder b;
  b.h.hub.expose_new = {{"conversation", false}};
  CHECK(run("DG-VOI-003", b.build()).empty());
  HomeBuilder b2;
  b2.h.hub.expose_new = {{"conversation", true}};
  b2.without(model::Part::exposure);
  bool ran = true;
  run("DG-VOI-003", b2.build(), &ran);
  CHECK_FALSE(ran);
}

TEST_CASE("DG-VOI-004 flags critical entities on Google Assistant with no secure PIN", "[rules][voice]") {
  auto b = lock_home();
  b.h.hub.google_enabled = true;
  b.h.hub.google_secure_pin = false;
  b.h.entities[0].exposure.google = true;
  auto f = run("DG-VOI-004", b.build());
  REQUIRE(f.size() == 1);
  CHECK(f[0].severity == Severity::high);
  CHECK(f[0].subject.kind == "hub");
  CHECK(has_action(f[0], "set_exposure", "lock.front_door", "false"));
}

TEST_CASE("DG-VOI-004 is quiet with a PIN, with Google off, and not run without cloud data", "[rules][voice]") {
  for (auto [enabled, pin] : std::vector<std::pair<model::Flag, model::Flag>>{
           {true, true}, {false, false}, {true, std::nullopt}}) {
    auto b = lock_home();
    b.h.hub.google_enabled = enabled;
    b.h.hub.google_secure_pin = pin;
    b.h.entities[0].exposure.google = true;
    CHECK(run("DG-VOI-004", b.build()).empty());
  }
  auto b = lock_home();
  b.h.hub.google_secure_pin = false;
  b.h.entities[0].exposure.google = true;
  b.without(model::Part::cloud);
  bool ran = true;
  run("DG-VOI-004", b.build(), &ran);
  CHECK_FALSE(ran);
}

TEST_CASE("DG-VOI-005 flags a voice device in a kids' room that reaches critical entities", "[rules][voice]") {
  auto b = lock_home();
  b.area("kids", "Kinderzimmer");
  b.integration("esp", "esphome");
  b.device("sat1", "Voice satellite", "esp", "kids");
  b.entity("assist_satellite.kids", "sat1", "idle");
  b.h.entities[0].exposure.conversation = true;
  auto f = run("DG-VOI-005", b.build());
  REQUIRE(f.size() == 1);
  CHECK(f[0].device_id == "sat1");
  CHECK(f[0].severity == Severity::high);
  CHECK(has_action(f[0], "set_exposure", "lock.front_door", "false"));
}

TEST_CASE("DG-VOI-005 respects which assistant a speaker talks to, and rooms that are not kids' rooms", "[rules][voice]") {
  // An Echo in the kids' room; the lock is exposed only to the hub's own assistant.
  auto b = lock_home();
  b.area("kids", "Nursery");
  b.integration("ax", "alexa_devices");
  auto& echo = b.device("echo1", "Echo Dot", "ax", "kids");
  echo.manufacturer = "Amazon";
  b.entity("media_player.echo_dot", "echo1", "idle");
  b.h.entities[0].exposure.conversation = true;
  CHECK(run("DG-VOI-005", b.build()).empty());

  auto b2 = lock_home();
  b2.integration("esp", "esphome");
  b2.device("sat1", "Voice satellite", "esp", "hall");
  b2.entity("assist_satellite.hall", "sat1", "idle");
  b2.h.entities[0].exposure.conversation = true;
  CHECK(run("DG-VOI-005", b2.build()).empty());

  auto b3 = lock_home();
  b3.without(model::Part::areas);
  bool ran = true;
  run("DG-VOI-005", b3.build(), &ran);
  CHECK_FALSE(ran);
}

// What HA's source shows (components/intent/__init__.py OnOffIntentHandler; components/lock/__init__.py
// LockEntity.add_default_code): Assist unlocks with no code, and the lock fills in its stored default.
TEST_CASE("DG-VOI-006 flags a lock whose stored code Assist fills in for the speaker", "[rules][voice]") {
  HomeBuilder b;
  b.device("d1", "Front door", "zw1");
  auto& lock = b.entity("lock.front_door", "d1", "locked");
  lock.has_default_code = true;
  lock.attributes["code_format"] = "^\\d{4}$";
  lock.exposure.conversation = true;
  auto& cloud_only = b.entity("lock.back_door", "", "locked");   // a cloud assistant has its own PIN rule
  cloud_only.has_default_code = true;
  cloud_only.exposure.google = true;
  auto& asks = b.entity("lock.shed", "", "locked");   // code required and none stored: Assist is refused
  asks.attributes["code_format"] = "^\\d{4}$";
  asks.exposure.conversation = true;
  auto f = run("DG-VOI-006", b.build());
  REQUIRE(f.size() == 1);
  CHECK(f[0].subject.id == "d1");
  CHECK(f[0].severity == Severity::critical);
  REQUIRE(f[0].remediation.kind == audit::Remediation::Kind::action);
  CHECK(f[0].remediation.actions.at(0).kind == model::ActionKind::set_exposure);
  CHECK(f[0].remediation.actions.at(0).target == "lock.front_door");
  HomeBuilder none;
  none.entity("lock.front_door", "", "locked").has_default_code = true;
  none.without(model::Part::exposure);
  bool ran = true;
  run("DG-VOI-006", none.build(), &ran);
  CHECK_FALSE(ran);
}
