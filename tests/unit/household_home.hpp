// A generated home of about 200 devices shaped like a real household's: many Zigbee lights and
// sensors whose firmware nobody reports, plugs and media players from cloud integrations, some
// devices never put in a room, a few removed devices still remembered, and a handful of grave
// problems (a lock reachable by voice, a camera in a bedroom, an unencrypted outside address).
// Deterministic: the same seed gives the same home.
#pragma once

#include <cstdint>
#include <string>

#include "home_builder.hpp"

namespace dgtest {

inline model::Home household_home(uint32_t seed = 27403, int devices = 200) {
  HomeBuilder b;
  auto next = [&seed]() {
    seed = seed * 1664525u + 1013904223u;
    return seed >> 8;
  };
  auto chance = [&](int percent) { return static_cast<int>(next() % 100) < percent; };
  b.h.hub.external_url = "http://home.example.net:8123";
  b.user("u1", "Owner", true, true).mfa = true;
  b.user("u2", "Partner", true);
  b.user("u3", "Guest tablet");
  const char* rooms[][2] = {{"living", "Living room"}, {"kitchen", "Kitchen"}, {"hall", "Hall"},     {"bed", "Bedroom"},
                            {"kids", "Kids room"},     {"bath", "Bathroom"},  {"office", "Office"}, {"garage", "Garage"},
                            {"garden", "Garden"},      {"attic", "Attic"}};
  for (auto& r : rooms) {
    auto& a = b.area(r[0], r[1]);
    const std::string id = r[0];
    if (id == "bed") a.kind = model::AreaKind::bedroom;
    if (id == "kids") a.kind = model::AreaKind::kids;
    if (id == "bath") a.kind = model::AreaKind::bathroom;
    if (id == "garden") a.indoor = false;
  }
  b.integration("zha", "zha", model::IotClass::local_polling);
  b.integration("hue", "hue", model::IotClass::local_push);
  b.integration("tuya", "tuya", model::IotClass::cloud_polling);
  b.integration("cast", "cast", model::IotClass::local_polling);
  b.integration("esphome", "esphome", model::IotClass::local_push);
  b.integration("ring", "ring", model::IotClass::cloud_polling);
  b.integration("nest", "nest", model::IotClass::cloud_push);
  const char* entries[] = {"zha", "hue", "tuya", "cast", "esphome"};

  // Kinds of device, by how often a household has them.
  struct Kind {
    const char* domain;
    const char* device_class;
    const char* word;
    int weight;
  };
  const Kind kinds[] = {{"light", "", "Light", 30},           {"switch", "outlet", "Plug", 15},
                        {"sensor", "temperature", "Sensor", 20}, {"binary_sensor", "motion", "Motion", 12},
                        {"binary_sensor", "door", "Contact", 10}, {"media_player", "", "Speaker", 6},
                        {"climate", "", "Thermostat", 4},      {"cover", "shutter", "Blind", 3}};
  int total_weight = 0;
  for (const auto& k : kinds) total_weight += k.weight;
  for (int i = 0; i < devices - 6; ++i) {
    int pick = static_cast<int>(next() % static_cast<uint32_t>(total_weight));
    const Kind* k = &kinds[0];
    for (const auto& kk : kinds) {
      if (pick < kk.weight) {
        k = &kk;
        break;
      }
      pick -= kk.weight;
    }
    const std::string id = "dev" + std::to_string(i);
    const std::string entry = entries[next() % 5];
    // Two in ten never put in a room.
    const std::string area = chance(21) ? "" : rooms[next() % 10][0];
    auto& d = b.device(id, std::string(k->word) + " " + std::to_string(i), entry, area);
    if (chance(30)) d.sw_version.clear();
    if (chance(8)) d.model.clear();
    if (chance(4)) d.manufacturer.clear();
    auto& e = b.entity(std::string(k->domain) + ".thing_" + std::to_string(i), id, k->domain == std::string("light") ? "on" : "20",
                       k->device_class);
    e.platform = entry;
    e.config_entry_id = entry;
    e.area_id = area;
    if (std::string(k->domain) == "sensor" || std::string(k->domain) == "binary_sensor") {
      auto& bat = b.entity("sensor.thing_" + std::to_string(i) + "_battery", id, chance(3) ? "8" : "76", "battery");
      bat.platform = entry;
      bat.entity_category = "diagnostic";
    }
    if (chance(40)) {
      auto& u = b.entity("update.thing_" + std::to_string(i) + "_firmware", id, chance(10) ? "on" : "off", "firmware");
      u.platform = entry;
      u.entity_category = "config";
      u.attributes["installed_version"] = "1.0";
      u.attributes["latest_version"] = u.state == "on" ? "1.1" : "1.0";
      u.attributes["auto_update"] = "false";
    }
    if (chance(2)) b.entity(std::string(k->domain) + ".thing_" + std::to_string(i) + "_2", id, "unavailable");
  }
  // The few devices that make a home's worst findings.
  auto& lock = b.device("lock1", "Front door", "zha", "hall");
  auto& le = b.entity("lock.front_door", lock.id, "locked");
  le.exposure.google = true;
  le.exposure.conversation = true;
  auto& cam = b.device("cam1", "Bedroom camera", "ring", "bed");
  cam.manufacturer = "Ring";
  b.entity("camera.bedroom", cam.id, "idle");
  auto& door = b.device("bell1", "Doorbell", "ring", "hall");
  door.manufacturer = "Ring";
  b.entity("camera.doorbell", door.id, "idle");
  auto& nest = b.device("nest1", "Hallway thermostat", "nest", "hall");
  b.entity("climate.hallway", nest.id, "heat");
  auto& phone = b.device("phone1", "Partner's phone", "", "");
  b.entity("device_tracker.partner", phone.id, "home");
  auto& kid = b.device("tab1", "Kids tablet", "cast", "kids");
  b.entity("media_player.kids_tablet", kid.id, "idle");
  for (int i = 0; i < 6; ++i) {
    model::DeletedDevice dd;
    dd.id = "gone" + std::to_string(i);
    dd.name = "Old plug " + std::to_string(i);
    dd.orphaned = true;
    b.h.deleted_devices.push_back(dd);
  }
  return std::move(b.build());
}

}  // namespace dgtest
