// Rule families: one file each under audit/rules/, one function returning its table.
#pragma once

#include <vector>

#include "audit/rule.hpp"

namespace domoguard::audit::rules {

using Family = std::vector<RuleDef> (*)();

std::vector<RuleDef> updates();      // DG-UPD: software and firmware updates (7.2.17, 7.2.19)
std::vector<RuleDef> vulnerable();   // DG-VUL: known-vulnerable and end-of-life models (7.2.22, 7.2.18)
std::vector<RuleDef> accounts();     // DG-ACC: users, admins, MFA, children accounts (7.2.16, 7.2.21)
std::vector<RuleDef> hub();          // DG-HUB: the gateway itself: version, TLS, remote access (6.2.2, 7.2.14)
std::vector<RuleDef> network();      // DG-NET: MQTT, admin pages, radio security (6.2.4, 7.2.14)
std::vector<RuleDef> supply();       // DG-SUP: custom integrations, cloud vendors (7.2.23)
std::vector<RuleDef> inventory();    // DG-INV: asset identity, stale and removed devices (7.2.3, 7.2.5, 7.3.7)
std::vector<RuleDef> voice();        // DG-VOI: voice-assistant exposure (7.1.2, 7.1.5, 7.3.6)
std::vector<RuleDef> camera();       // DG-CAM: cameras and microphones in private rooms (7.3.1, 7.1.6)
std::vector<RuleDef> children();     // DG-CHI: child locks and child safety (7.1.6, 7.1.5)
std::vector<RuleDef> failsafe();     // DG-FS: failsafe and availability (7.1.4, 7.2.9)
std::vector<RuleDef> privacy();      // DG-PRV: analytics, tracking, minimisation (7.3.x)
std::vector<RuleDef> automation();   // DG-AUT: automated decisions (7.3.11)
std::vector<RuleDef> apps();         // DG-APP: Supervisor apps (add-ons): protection, rights, ports, updates (6.2.2, 7.2.21)
std::vector<RuleDef> login();        // DG-LOG: login paths and who uses them (7.2.16, 7.2.21)
std::vector<RuleDef> tokens();       // DG-TOK: long-lived access tokens (7.2.16, 7.2.19)
std::vector<RuleDef> radio();        // DG-RAD: radio networks open to joining, replayable codes (7.2.10, 6.2.4)
std::vector<RuleDef> web();          // DG-WEB: dashboard resources loaded into admins' sessions (7.2.23)
std::vector<RuleDef> hold();         // DG-HOLD: modes that hold, and settings something keeps undoing (7.1.5-7.1.7, 7.3.2)

inline std::vector<Family> families() {
  return {updates, vulnerable, accounts, hub, network, supply, inventory, voice, camera, children, failsafe, privacy, automation,
          apps, login, tokens, radio, web, hold};
}

}  // namespace domoguard::audit::rules
