#include <catch2/catch.hpp>

#include "test_policy_home.hpp"

using namespace dgtest;
using policy::Plan;

namespace {

Plan level(PolicyHome& ph, const std::string& name, const std::string& category = "") {
  auto p = policy::plan_level(*ph.home, ph.findings, name, category);
  REQUIRE(p.ok());
  return p.value();
}

const std::set<Change> kCriticalVoice = {
    {"set_exposure", "lock.front_door", "conversation", "true", "false"},
    {"set_exposure", "lock.front_door", "cloud.alexa", "true", "false"},
    {"set_exposure", "alarm_control_panel.home", "cloud.alexa", "true", "false"},
};

std::set<Change> operator+(std::set<Change> a, const std::set<Change>& b) {
  a.insert(b.begin(), b.end());
  return a;
}

}  // namespace

TEST_CASE("levels enforce exactly their rules' one-click fixes", "[policy]") {
  PolicyHome ph;
  ph.ready();

  const auto recommended_extra = std::set<Change>{
      {"set_exposure", "camera.living", "cloud.google_assistant", "true", "false"},
      {"set_expose_new", "hub", "conversation", "true", "false"},
      {"switch", "switch.oven_child_lock", "", "off", "on"},
      {"switch", "switch.adguard_parental_control", "", "off", "on"},
      {"set_analytics", "hub", "usage", "true", "false"},
  };
  const auto strict_extra = std::set<Change>{{"disable_entity", "sensor.anna_phone_geocoded_location", "", "false", "true"}};

  const auto basic = level(ph, "basic");
  CHECK(changes(basic) == kCriticalVoice);
  CHECK(basic.kind == "level");
  CHECK(basic.selector == "level=basic");
  const auto rec = level(ph, "recommended");
  CHECK(changes(rec) == kCriticalVoice + recommended_extra);
  const auto strict = level(ph, "strict");
  CHECK(changes(strict) == kCriticalVoice + recommended_extra + strict_extra);

  // Each action says which rule it serves; nothing is listed twice though three rules ask to
  // unshare the front door (DG-VOI-001 and DG-VOI-005).
  for (const auto& a : rec.actions) CHECK_FALSE(a.rule.empty());
  CHECK(rec.actions.size() == changes(rec).size());

  // Not automated even when enforced: the released lock-type child lock has no hub-neutral fix, and
  // the child's admin right (set_user_admin) is the household's decision.
  CHECK(has_guidance(rec, "rule.DG-CHI-001.fix_manual"));
  CHECK(has_guidance(rec, "rule.DG-ACC-004.fix"));
  for (const auto& a : strict.actions) {
    CHECK(a.kind != "install_update");
    CHECK(a.target != "u2");
  }
}

TEST_CASE("a level per category takes only that category's findings", "[policy]") {
  PolicyHome ph;
  ph.ready();
  CHECK(changes(level(ph, "recommended", "access_locks")) == kCriticalVoice);
  CHECK(changes(level(ph, "recommended", "cameras_video")) ==
        std::set<Change>{{"set_exposure", "camera.living", "cloud.google_assistant", "true", "false"}});
  // The kids' satellite makes the door answer to voice (DG-VOI-005); new devices shared by default
  // (DG-VOI-003) is a voice matter too.
  CHECK(changes(level(ph, "recommended", "voice_microphones")) ==
        kCriticalVoice + std::set<Change>{{"set_expose_new", "hub", "conversation", "true", "false"}});
  CHECK(changes(level(ph, "recommended", "energy_appliances")) ==
        std::set<Change>{{"switch", "switch.oven_child_lock", "", "off", "on"}});
  CHECK(changes(level(ph, "recommended", "media_content")) ==
        std::set<Change>{{"switch", "switch.adguard_parental_control", "", "off", "on"}});
  CHECK(changes(level(ph, "recommended", "hub")) == std::set<Change>{{"set_analytics", "hub", "usage", "true", "false"}});
  const auto presence = level(ph, "recommended", "presence_location");
  CHECK(presence.actions.empty());
  CHECK(has_guidance(presence, "rule.DG-PRV-002.fix"));   // warned, not done, at recommended
  CHECK(changes(level(ph, "strict", "presence_location")) ==
        std::set<Change>{{"disable_entity", "sensor.anna_phone_geocoded_location", "", "false", "true"}});
  CHECK(level(ph, "recommended", "hub").selector == "level=recommended;category=hub");
}

TEST_CASE("strict explains every step it leaves to the household", "[policy]") {
  PolicyHome ph;
  ph.ready();
  const auto strict = level(ph, "strict");
  REQUIRE_FALSE(strict.guidance.empty());
  auto data = policy::policy_data();
  REQUIRE(data.ok());
  const auto* lv = (*data)->level("strict");
  for (const auto& g : strict.guidance) {
    INFO(g.rule << " " << g.message_key);
    if (lv->setting(g.rule).mode == policy::Mode::warn) CHECK_FALSE(g.reason_key.empty());
    CHECK_FALSE(g.title_key.empty());
  }
  // Basic ignores what it does not list: no guidance about analytics.
  for (const auto& g : level(ph, "basic").guidance) CHECK(g.rule != "DG-PRV-001");
}

TEST_CASE("child-safe mode touches child locks, critical voice exposure and filters only", "[policy]") {
  PolicyHome ph;
  ph.ready();
  auto p = policy::plan_child_safe(*ph.home);
  REQUIRE(p.ok());
  CHECK(p->kind == "child_safe");
  CHECK(p->selector == "child_safe=on");
  CHECK(changes(*p) == kCriticalVoice + std::set<Change>{
                                            {"switch", "switch.oven_child_lock", "", "off", "on"},
                                            {"lock", "lock.desk_plug_child_lock", "", "unlocked", "locked"},
                                            {"set_exposure", "switch.oven_power", "conversation", "true", "false"},
                                            {"set_exposure", "climate.panel_heater", "conversation", "true", "false"},
                                            {"switch", "switch.adguard_parental_control", "", "off", "on"},
                                        });
  // Child locks come first: the home is safe even if a later step fails and is rolled back.
  CHECK(p->actions.front().target == "switch.oven_child_lock");
  CHECK(has_guidance(*p, "child_safe.guidance.alarm_code"));
  CHECK(has_guidance(*p, "child_safe.guidance.child_admin"));
  CHECK(has_guidance(*p, "child_safe.guidance.user_restrictions"));
  CHECK(has_guidance(*p, "child_safe.guidance.no_child_lock"));   // the heater has none
}

TEST_CASE("child-safe mode engages select child locks in their own spelling, or explains", "[policy]") {
  PolicyHome ph;
  ph.b.device("d_wash", "Washer", "e1");
  ph.b.entity("select.washer_child_lock", "d_wash", "UNLOCK");
  ph.b.device("d_dish", "Dishwasher", "e1");
  ph.b.entity("select.dishwasher_child_lock", "d_dish", "partial");
  ph.b.device("d_dry", "Dryer", "e1");
  ph.b.entity("select.dryer_child_lock", "d_dry", "LOCK");
  ph.ready();
  auto p = policy::plan_child_safe(*ph.home);
  REQUIRE(p.ok());
  CHECK(changes(*p).count({"select_option", "select.washer_child_lock", "", "UNLOCK", "LOCK"}) == 1);
  for (const auto& a : p->actions) {
    CHECK(a.target != "select.dishwasher_child_lock");
    CHECK(a.target != "select.dryer_child_lock");   // already locked
  }
  CHECK(has_guidance(*p, "child_safe.guidance.child_lock_manual"));
}

TEST_CASE("scenario presets", "[policy]") {
  PolicyHome ph;
  ph.ready();
  struct Case {
    std::string name;
    std::set<Change> expected;
  };
  const std::vector<Case> cases = {
      {"home",
       {{"switch", "switch.living_camera_privacy_mode", "", "off", "on"},
        {"switch", "switch.kids_camera_privacy", "", "off", "on"}}},
      {"away", {{"switch", "switch.garden_camera_privacy", "", "on", "off"}}},
      {"guests",
       {{"switch", "switch.living_camera_privacy_mode", "", "off", "on"},
        {"switch", "switch.kids_camera_privacy", "", "off", "on"},
        {"switch", "switch.kids_satellite_mic_mute", "", "off", "on"},
        {"set_exposure", "camera.living", "cloud.google_assistant", "true", "false"}}},
      {"night",
       {{"switch", "switch.kids_camera_privacy", "", "off", "on"},
        {"switch", "switch.kids_satellite_mic_mute", "", "off", "on"}}},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto p = policy::plan_scenario(*ph.home, c.name);
    REQUIRE(p.ok());
    CHECK(p->kind == "scenario");
    CHECK(p->selector == "scenario=" + c.name);
    CHECK(changes(*p) == c.expected);
    for (const auto& a : p->actions) {
      CHECK(a.target.rfind("device_tracker.", 0) != 0);
      CHECK(a.target.rfind("person.", 0) != 0);
    }
  }
  auto bad = policy::plan_scenario(*ph.home, "party");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().key == "error.plan.unknown_scenario");
  CHECK_THAT(bad.error().message, Catch::Contains("home, away, guests, night"));
}

TEST_CASE("privacy by default for a newly paired camera, plug and phone", "[policy]") {
  PolicyHome ph;
  ph.b.device("d_newcam", "Hall camera", "e1", "hall");
  {
    auto& e = ph.b.entity("camera.hall", "d_newcam", "idle");
    e.exposure.conversation = true;
    e.exposure.google = true;
  }
  ph.b.entity("switch.hall_camera_privacy_mode", "d_newcam", "off");
  ph.b.entity("switch.hall_camera_record_audio", "d_newcam", "on");
  ph.b.entity("binary_sensor.hall_camera_motion", "d_newcam", "off", "motion");
  ph.b.device("d_newplug", "New plug", "e1", "hall");
  ph.b.entity("switch.new_plug", "d_newplug", "off").exposure.conversation = true;
  ph.b.entity("lock.new_plug_child_lock", "d_newplug", "unlocked");
  ph.ready();

  auto cam = policy::plan_privacy_defaults(*ph.home, "d_newcam");
  REQUIRE(cam.ok());
  CHECK(cam->kind == "privacy_default");
  CHECK(cam->selector == "privacy_default=on;device=d_newcam");
  CHECK(changes(*cam) == std::set<Change>{
                             {"set_exposure", "camera.hall", "conversation", "true", "false"},
                             {"set_exposure", "camera.hall", "cloud.google_assistant", "true", "false"},
                             {"switch", "switch.hall_camera_privacy_mode", "", "off", "on"},
                             // A recording switch is turned off, not hidden while it keeps listening.
                             {"switch", "switch.hall_camera_record_audio", "", "on", "off"},
                         });
  CHECK(has_guidance(*cam, "privacy_default.guidance.opt_in"));

  auto plug = policy::plan_privacy_defaults(*ph.home, "d_newplug");
  REQUIRE(plug.ok());
  CHECK(changes(*plug) == std::set<Change>{{"set_exposure", "switch.new_plug", "conversation", "true", "false"}});

  // The phone's tracker is Anna's presence source: kept and explained; its location sensor goes.
  auto phone = policy::plan_privacy_defaults(*ph.home, "d_phone");
  REQUIRE(phone.ok());
  CHECK(changes(*phone) ==
        std::set<Change>{{"disable_entity", "sensor.anna_phone_geocoded_location", "", "false", "true"}});
  CHECK(has_guidance(*phone, "privacy_default.guidance.tracker_kept"));

  // The satellite's mute switch is a privacy switch first: muted, never switched "off" as a microphone.
  auto sat = policy::plan_privacy_defaults(*ph.home, "d_sat");
  REQUIRE(sat.ok());
  CHECK(changes(*sat) == std::set<Change>{{"switch", "switch.kids_satellite_mic_mute", "", "off", "on"},
                                          {"disable_entity", "assist_satellite.kids", "", "false", "true"}});

  auto none = policy::plan_privacy_defaults(*ph.home, "nope");
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().key == "error.plan.unknown_device");
}

TEST_CASE("a second phone's tracker is disabled by default when presence does not depend on it", "[policy]") {
  PolicyHome ph;
  ph.b.device("d_tab", "Tablet", "e4");
  ph.b.entity("device_tracker.tablet", "d_tab", "home").platform = "mobile_app";
  ph.ready();
  auto p = policy::plan_privacy_defaults(*ph.home, "d_tab");
  REQUIRE(p.ok());
  CHECK(changes(*p) == std::set<Change>{{"disable_entity", "device_tracker.tablet", "", "false", "true"}});
}

TEST_CASE("fixing one finding plans its actions only", "[policy]") {
  PolicyHome ph;
  ph.ready();
  auto find = [&](const std::string& rule) -> const audit::Finding& {
    auto it = std::find_if(ph.findings.begin(), ph.findings.end(), [&](const auto& f) { return f.rule == rule; });
    REQUIRE(it != ph.findings.end());
    return *it;
  };
  auto filter = policy::plan_fix(*ph.home, find("DG-CHI-003"));
  CHECK(filter.kind == "fix");
  CHECK(changes(filter) == std::set<Change>{{"switch", "switch.adguard_parental_control", "", "off", "on"}});
  CHECK(filter.guidance.empty());
  CHECK(filter.selector == "fix=" + find("DG-CHI-003").key());

  auto admin = policy::plan_fix(*ph.home, find("DG-ACC-004"));
  CHECK(admin.actions.empty());
  REQUIRE(admin.guidance.size() == 1);
  CHECK(admin.guidance[0].message_key == "rule.DG-ACC-004.fix");

  // Through the selector too.
  auto sel = policy::parse_selector({"--fix", find("DG-CHI-003").key()});
  REQUIRE(sel.ok());
  auto viac = policy::compile(*ph.home, ph.findings, *sel);
  REQUIRE(viac.ok());
  CHECK(viac->id == filter.id);
  auto missing = policy::compile(*ph.home, ph.findings, *policy::parse_selector({"--fix", "DG-XXX-001|hub:x"}));
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().key == "error.plan.unknown_finding");
  CHECK_THAT(missing.error().message, Catch::Contains("DG-CHI-003|"));
}

TEST_CASE("plan ids are stable, and differ between plans", "[policy]") {
  PolicyHome ph;
  ph.ready();
  auto a = level(ph, "recommended"), b = level(ph, "recommended");
  CHECK(a.id.size() == 64);
  CHECK(a.id == b.id);
  CHECK(a.id == policy::plan_id(a));
  CHECK(a.id != level(ph, "strict").id);
  CHECK(a.id != level(ph, "recommended", "hub").id);
  CHECK(policy::plan_scenario(*ph.home, "home")->id != policy::plan_scenario(*ph.home, "night")->id);
  // What the home showed does not change the id; what the plan changes does.
  auto c = a;
  c.actions[0].before = "something else";
  c.actions[0].message_key = "x";
  CHECK(policy::plan_id(c) == a.id);
  c.actions[0].after = "true";
  CHECK(policy::plan_id(c) != a.id);
  // Field boundaries count: moving a character from target to param is a different plan.
  Plan p1, p2;
  p1.actions = {{"switch", "ab", "c"}};
  p2.actions = {{"switch", "a", "bc"}};
  CHECK(policy::plan_id(p1) != policy::plan_id(p2));
}

TEST_CASE("selectors from the command line", "[policy]") {
  struct Good {
    std::vector<std::string> words;
    std::string text;
  };
  for (const auto& g : std::vector<Good>{
           {{"--level", "recommended"}, "level=recommended"},
           {{"--level", "strict", "--category", "cameras_video"}, "level=strict;category=cameras_video"},
           {{"--category", "hub", "--level", "basic"}, "level=basic;category=hub"},
           {{"--child-safe", "on"}, "child_safe=on"},
           {{"--child-safe", "off"}, "child_safe=off"},
           {{"--scenario", "guests"}, "scenario=guests"},
           {{"--privacy-default", "on", "--device", "d1"}, "privacy_default=on;device=d1"},
           {{"--fix", "DG-VOI-001|device:d1"}, "fix=DG-VOI-001|device:d1"},
       }) {
    auto s = policy::parse_selector(g.words);
    INFO(g.text);
    REQUIRE(s.ok());
    CHECK(s->text() == g.text);
  }
  struct Bad {
    std::vector<std::string> words;
    std::string key;
    std::string mentions;
  };
  for (const auto& b : std::vector<Bad>{
           {{}, "error.plan.bad_selector", "--level NAME"},
           {{"--level"}, "error.plan.bad_selector", "needs a value"},
           {{"--level", "--category"}, "error.plan.bad_selector", "needs a value"},
           {{"--level", "extreme"}, "error.plan.unknown_level", "basic, recommended, strict"},
           {{"--level", "basic", "--category", "kitchen"}, "error.plan.unknown_category", "access_locks"},
           {{"--scenario", "party"}, "error.plan.unknown_scenario", "guests"},
           {{"--child-safe", "maybe"}, "error.plan.bad_selector", "on or off"},
           {{"--privacy-default", "on"}, "error.plan.bad_selector", "--device"},
           {{"--category", "hub"}, "error.plan.bad_selector", "no selector"},
           {{"--scenario", "home", "--category", "hub"}, "error.plan.bad_selector", "--category goes with --level"},
           {{"--level", "basic", "--scenario", "home"}, "error.plan.bad_selector", "one selector"},
           {{"--bogus", "x"}, "error.plan.bad_selector", "--bogus"},
       }) {
    auto s = policy::parse_selector(b.words);
    INFO(b.key << " " << b.mentions);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().code == ErrorCode::bad_input);
    CHECK(s.error().key == b.key);
    CHECK_THAT(s.error().message, Catch::Contains(b.mentions));
  }
}

TEST_CASE("compile routes selectors; switching off is the journal's undo", "[policy]") {
  PolicyHome ph;
  ph.ready();
  auto compile = [&](std::vector<std::string> words) {
    auto s = policy::parse_selector(words);
    REQUIRE(s.ok());
    return policy::compile(*ph.home, ph.findings, *s);
  };
  auto lv = compile({"--level", "basic"});
  REQUIRE(lv.ok());
  CHECK(changes(*lv) == kCriticalVoice);
  CHECK(compile({"--child-safe", "on"})->kind == "child_safe");
  CHECK(compile({"--scenario", "away"})->kind == "scenario");
  CHECK(compile({"--privacy-default", "on", "--device", "d_cam"})->kind == "privacy_default");
  auto off = compile({"--child-safe", "off"});
  REQUIRE_FALSE(off.ok());
  CHECK(off.error().key == "error.plan.undo_by_journal");
  auto unknown_device = compile({"--privacy-default", "on", "--device", "zzz"});
  REQUIRE_FALSE(unknown_device.ok());
  CHECK(unknown_device.error().key == "error.plan.unknown_device");
}
