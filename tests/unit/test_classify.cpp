#include <catch2/catch.hpp>

#include "home_builder.hpp"

using namespace dgtest;
using model::AreaKind;
using model::DeviceType;
using model::Tier;

namespace {

struct Ent {
  std::string entity_id;
  std::string device_class = "";
  std::string translation_key = "";
};

struct DeviceCase {
  std::string name;
  std::vector<Ent> entities;
  DeviceType type;
  Tier tier;
};

}  // namespace

TEST_CASE("classify: entity sets give the Annex D device type and tier", "[classify]") {
  auto c = GENERATE(
      DeviceCase{"Front door", {{"lock.front_door"}, {"sensor.front_door_battery", "battery"}}, DeviceType::lock, Tier::critical},
      DeviceCase{"House alarm", {{"alarm_control_panel.house"}}, DeviceType::alarm, Tier::critical},
      DeviceCase{"Hall siren", {{"siren.hall"}}, DeviceType::alarm, Tier::critical},
      DeviceCase{"Garage", {{"cover.garage", "garage"}}, DeviceType::garage, Tier::critical},
      DeviceCase{"Drive gate", {{"cover.gate", "gate"}}, DeviceType::garage, Tier::critical},
      DeviceCase{"Water main", {{"valve.main"}}, DeviceType::valve, Tier::critical},
      DeviceCase{"Hall smoke", {{"binary_sensor.smoke", "smoke"}, {"sensor.battery", "battery"}}, DeviceType::safety_sensor,
                 Tier::critical},
      DeviceCase{"Leak", {{"binary_sensor.leak", "moisture"}}, DeviceType::safety_sensor, Tier::critical},
      DeviceCase{"Living camera", {{"camera.living"}, {"switch.living_privacy"}}, DeviceType::camera, Tier::sensitive},
      DeviceCase{"Front doorbell", {{"camera.door"}, {"binary_sensor.ding", "occupancy"}}, DeviceType::doorbell,
                 Tier::sensitive},
      DeviceCase{"Kitchen satellite", {{"assist_satellite.kitchen"}, {"switch.kitchen_mute"}}, DeviceType::voice_assistant,
                 Tier::sensitive},
      DeviceCase{"Echo Dot", {{"media_player.echo"}}, DeviceType::voice_assistant, Tier::sensitive},
      DeviceCase{"Living TV", {{"media_player.tv"}, {"remote.tv"}}, DeviceType::media, Tier::normal},
      DeviceCase{"Microwave", {{"sensor.kitchen_microwave_power", "power"}}, DeviceType::appliance, Tier::normal},
      DeviceCase{"Waschmaschine", {{"sensor.wm_state"}, {"switch.wm_child_lock", "", "child_lock"}}, DeviceType::appliance,
                 Tier::normal},
      DeviceCase{"Thermostat", {{"climate.living"}, {"lock.trv_child_lock", "", "child_lock"}}, DeviceType::climate,
                 Tier::normal},
      DeviceCase{"Orange lamp", {{"light.orange"}}, DeviceType::lighting, Tier::normal},
      DeviceCase{"Hobby room light", {{"light.hobby"}}, DeviceType::lighting, Tier::normal},
      DeviceCase{"Plug", {{"switch.plug"}, {"sensor.plug_power", "power"}}, DeviceType::plug, Tier::normal},
      DeviceCase{"Anna's phone", {{"device_tracker.anna"}, {"sensor.anna_battery", "battery"}}, DeviceType::presence,
                 Tier::sensitive},
      DeviceCase{"Thermometer", {{"sensor.temp", "temperature"}}, DeviceType::sensor, Tier::normal},
      DeviceCase{"Mystery", {}, DeviceType::other, Tier::normal});
  HomeBuilder b;
  b.device("d1", c.name);
  for (const auto& e : c.entities) b.entity(e.entity_id, "d1", "", e.device_class).translation_key = e.translation_key;
  auto& home = b.build();
  INFO(c.name);
  CHECK(model::to_string(home.devices[0].type) == std::string(model::to_string(c.type)));
  CHECK(home.devices[0].tier == c.tier);
}

TEST_CASE("classify: a device that others connect through is a gateway; kids' rooms raise the tier", "[classify]") {
  HomeBuilder b;
  b.area("k", "Nursery");
  b.device("br", "Zigbee stick");
  b.device("t1", "Thermometer", "", "k").via_device_id = "br";
  b.entity("sensor.temp", "t1", "", "temperature");
  auto& home = b.build();
  CHECK(home.devices[0].type == DeviceType::gateway);
  CHECK(home.devices[1].type == DeviceType::sensor);
  CHECK(home.devices[1].tier == Tier::sensitive);
  CHECK(home.devices[1].primary_domain.empty());
}

TEST_CASE("classify: area names in five languages give the area kind", "[classify]") {
  struct Case {
    const char* name;
    AreaKind kind;
  };
  auto c = GENERATE(
      // English
      Case{"Kids room", AreaKind::kids}, Case{"Nursery", AreaKind::kids}, Case{"Kids' bathroom", AreaKind::kids},
      Case{"Bathroom", AreaKind::bathroom}, Case{"Guest WC", AreaKind::bathroom}, Case{"Master bedroom", AreaKind::bedroom},
      Case{"Guest room", AreaKind::bedroom}, Case{"Living room", AreaKind::normal}, Case{"Kitchen", AreaKind::normal},
      // German
      Case{"Kinderzimmer", AreaKind::kids}, Case{"Badezimmer", AreaKind::bathroom}, Case{"Bad", AreaKind::bathroom},
      Case{"Gäste-WC", AreaKind::bathroom}, Case{"Schlafzimmer", AreaKind::bedroom}, Case{"Wohnzimmer", AreaKind::normal},
      Case{"Badminton hall", AreaKind::normal},
      // French
      Case{"Chambre d'enfant", AreaKind::kids}, Case{"Salle de bain", AreaKind::bathroom},
      Case{"Salle d'eau", AreaKind::bathroom}, Case{"Chambre parentale", AreaKind::bedroom}, Case{"Salon", AreaKind::normal},
      // Spanish
      Case{"Habitación de los niños", AreaKind::kids}, Case{"Baño", AreaKind::bathroom}, Case{"Aseo", AreaKind::bathroom},
      Case{"Dormitorio", AreaKind::bedroom}, Case{"Cocina", AreaKind::normal},
      // Dutch
      Case{"Kinderkamer", AreaKind::kids}, Case{"Badkamer", AreaKind::bathroom}, Case{"Slaapkamer", AreaKind::bedroom},
      Case{"Woonkamer", AreaKind::normal});
  INFO(c.name);
  CHECK(audit::area_kind_from_name(c.name) == c.kind);
}

TEST_CASE("classify: area kinds are filled from names, but an adapter's kind is kept", "[classify]") {
  HomeBuilder b;
  b.area("a1", "Schlafzimmer");
  b.area("a2", "Office").kind = AreaKind::kids;  // tagged by the household
  auto& home = b.build();
  CHECK(home.areas[0].kind == AreaKind::bedroom);
  CHECK(home.areas[1].kind == AreaKind::kids);
}

TEST_CASE("classify: entity helpers", "[classify]") {
  struct Case {
    std::string entity_id;
    std::string translation_key;
    std::string device_class;
    bool child_lock, privacy, mic, location, critical;
  };
  auto c = GENERATE(
      Case{"lock.front_door", "", "", false, false, false, false, true},
      Case{"lock.washer_child_lock", "", "", true, false, false, false, false},
      Case{"switch.trv_lock", "child_lock", "", true, false, false, false, false},
      Case{"select.heater_kindersicherung", "", "", true, false, false, false, false},
      Case{"switch.cam_privacy_mode", "", "", false, true, false, false, false},
      Case{"switch.cam_mic_mute", "", "", false, true, true, false, false},
      Case{"assist_satellite.kitchen", "", "", false, false, true, false, false},
      Case{"sensor.kitchen_microwave_power", "", "power", false, false, false, false, false},
      Case{"sensor.ceramic_heater_power", "", "power", false, false, false, false, false},
      Case{"device_tracker.phone", "", "", false, false, false, true, false},
      Case{"sensor.phone_geocoded_location", "", "", false, false, false, true, false},
      Case{"alarm_control_panel.house", "", "", false, false, false, false, true},
      Case{"cover.garage", "", "garage", false, false, false, false, true},
      Case{"cover.blind", "", "blind", false, false, false, false, false},
      Case{"valve.water", "", "", false, false, false, false, true},
      Case{"siren.hall", "", "", false, false, false, false, true});
  model::Entity e;
  e.entity_id = c.entity_id;
  e.domain = c.entity_id.substr(0, c.entity_id.find('.'));
  e.translation_key = c.translation_key;
  e.device_class = c.device_class;
  INFO(c.entity_id);
  CHECK(audit::is_child_lock(e) == c.child_lock);
  CHECK(audit::is_privacy_switch(e) == c.privacy);
  CHECK(audit::is_microphone(e) == c.mic);
  CHECK(audit::is_location(e) == c.location);
  CHECK(audit::is_critical_entity(e) == c.critical);
}

TEST_CASE("classify: content filters, indoor areas and battery levels", "[classify]") {
  HomeBuilder b;
  b.area("liv", "Living room");
  b.area("gar", "Garten");
  b.integration("cl", "ring", model::IotClass::cloud_push);
  b.device("d1", "Sensor", "cl", "liv");
  b.entity("sensor.d1_battery", "d1", "42", "battery");
  b.entity("binary_sensor.d1_contact", "d1", "off", "door").attributes["battery_level"] = "37";
  b.device("d2", "Outdoor", "", "gar");
  b.entity("sensor.d2_temp", "d2", "12", "temperature");
  auto& filter = b.entity("switch.adguard_safe_search", "", "on");
  filter.platform = "adguard";
  auto& home = b.build();
  CHECK(audit::is_indoor(home, home.devices[0]));
  CHECK_FALSE(audit::is_indoor(home, home.devices[1]));
  CHECK(audit::battery_percent(home, home.devices[0]) == Approx(37));
  CHECK_FALSE(audit::battery_percent(home, home.devices[1]).has_value());
  CHECK(audit::reports_battery(home, home.devices[0]));
  CHECK_FALSE(audit::reports_battery(home, home.devices[1]));
  REQUIRE(audit::cloud_integration_of(home, home.devices[0]) != nullptr);
  CHECK(audit::cloud_integration_of(home, home.devices[0])->domain == "ring");
  CHECK(audit::cloud_integration_of(home, home.devices[1]) == nullptr);
  CHECK(audit::is_content_filter(home.entities.back()));
  CHECK_FALSE(audit::is_content_filter(home.entities[0]));
  CHECK(audit::area_name_of(home, "gar") == "Garten");
  CHECK(audit::has_token("switch.cam_mic_mute", "mic"));
  CHECK_FALSE(audit::has_token("sensor.microwave", "mic"));
}

TEST_CASE("classify: a device the hub has no name for is shown by what the household can recognise", "[classify]") {
  HomeBuilder b;
  b.integration("ot", "owntracks").title = "OwnTracks";
  b.device("named", "Hall lamp", "ot");
  auto& maker = b.device("maker", "", "ot");   // maker and model known
  maker.manufacturer = "Google";
  maker.model = "Chromecast";
  auto& tracked = b.device("4d7afdbfc27b45e793c4368016813d72", "", "ot");   // only the integration's id for it
  tracked.manufacturer = tracked.model = "";
  tracked.identifiers = {{"owntracks", ""}, {"owntracks", "phone_anna"}};
  auto& by_entity = b.device("ent", "", "");   // nothing but its entities
  by_entity.manufacturer = by_entity.model = "";
  b.entity("sensor.kitchen_air", "ent").name = "Kitchen air";
  auto& bare = b.device("bare-id", "", "");
  bare.manufacturer = bare.model = "";
  auto& home = b.build();
  CHECK(home.devices[0].label == "Hall lamp");
  CHECK(home.devices[1].label == "Google Chromecast");
  CHECK(home.devices[2].label == "OwnTracks (phone_anna)");
  CHECK(home.devices[3].label == "Kitchen air");
  CHECK(home.devices[4].label == "bare-id");
  // Findings and the device scores carry the label; the name stays empty (rules about names see none).
  const auto result = audit::run_audit(home);
  bool seen = false;
  for (const auto& f : result.findings)
    if (f.subject.kind == "device" && f.subject.id == "4d7afdbfc27b45e793c4368016813d72") {
      CHECK(f.subject.name == "OwnTracks (phone_anna)");
      seen = true;
    }
  CHECK(seen);
  for (const auto& d : result.devices)
    if (d.id == "maker") CHECK(d.name == "Google Chromecast");
  CHECK(home.devices[2].name.empty());
}
