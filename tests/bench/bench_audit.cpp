// Full audit of a synthetic 2,000-device / 10,000-entity home, from JSON bytes to findings,
// compared with only parsing the same bytes with Boost.JSON (target: ratio <= 1.5), and the
// re-audit of one changed device (target: <= 1 ms). Prints figures; single-threaded.
#include <algorithm>
#include <boost/json.hpp>
#include <boost/json/basic_parser_impl.hpp>
#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "api/service.hpp"
#include "audit/classify.hpp"
#include "audit/engine.hpp"
#include "hub/ha/adapter.hpp"
#include "policy/desired.hpp"

namespace json = boost::json;
using clock_type = std::chrono::steady_clock;

namespace {

// Device kinds cycle through realistic mixes: (entity domain, device_class, manufacturer, model).
struct Kind {
  const char* domain;
  const char* device_class;
  const char* manufacturer;
  const char* model;
  const char* integration;
};
constexpr Kind kinds[] = {
    {"light", "", "Signify Netherlands B.V.", "Hue color bulb", "hue"},
    {"switch", "outlet", "TuYa", "Smart plug", "tuya"},
    {"sensor", "temperature", "Xiaomi", "Aqara temperature sensor", "zha"},
    {"binary_sensor", "smoke", "Heiman", "Smoke detector", "zha"},
    {"lock", "", "Yale", "Assure Lock 2", "zwave_js"},
    {"camera", "", "Reolink", "E1 Zoom", "reolink"},
    {"climate", "", "Danfoss", "Ally thermostat", "mqtt"},
    {"media_player", "", "Sonos", "One", "sonos"},
    {"cover", "garage", "Chamberlain", "MyQ", "myq"},
    {"binary_sensor", "motion", "Philips", "Motion sensor", "hue"},
};
constexpr const char* integrations[] = {"hue", "tuya", "zha", "zwave_js", "reolink", "mqtt", "sonos", "myq"};
constexpr const char* iot[] = {"local_push", "cloud_polling", "local_polling", "local_push", "local_polling", "local_push", "local_polling", "cloud_polling"};

domoguard::hub::ha::Replies synthetic_home(int devices, int entities_per_device) {
  json::array dev, ent, states, areas, entries, manifests, expose_dummy;
  for (int a = 0; a < 40; ++a)
    areas.push_back(json::object{{"area_id", "area_" + std::to_string(a)}, {"name", a == 3 ? "Kids room" : "Room " + std::to_string(a)}});
  for (size_t i = 0; i < std::size(integrations); ++i) {
    entries.push_back(json::object{{"entry_id", std::string("entry_") + integrations[i]}, {"domain", integrations[i]},
                                   {"title", integrations[i]}, {"state", "loaded"}, {"source", "user"}, {"disabled_by", nullptr}});
    // One custom (HACS-style) integration among the built-in ones, as in most real homes.
    const bool custom = std::string_view(integrations[i]) == "myq";
    manifests.push_back(json::object{{"domain", integrations[i]}, {"name", integrations[i]}, {"iot_class", iot[i]},
                                     {"is_built_in", !custom}, {"version", custom ? json::value("3.1.0") : json::value(nullptr)}});
  }
  json::object exposed;
  for (int d = 0; d < devices; ++d) {
    const Kind& k = kinds[d % std::size(kinds)];
    const std::string id = "dev" + std::to_string(d);
    dev.push_back(json::object{{"id", id},
                               {"name", std::string(k.model) + " " + std::to_string(d)},
                               {"name_by_user", nullptr},
                               {"manufacturer", k.manufacturer},
                               {"model", k.model},
                               {"model_id", nullptr},
                               {"sw_version", d % 7 == 0 ? json::value(nullptr) : json::value("1." + std::to_string(d % 13))},
                               {"hw_version", nullptr},
                               {"serial_number", nullptr},
                               {"area_id", "area_" + std::to_string(d % 40)},
                               {"config_entry_id", std::string("entry_") + k.integration},
                               {"config_entries", json::array{std::string("entry_") + k.integration}},
                               {"connections", json::array{json::array{"mac", "aa:bb:cc:00:" + std::to_string(d % 100)}}},
                               {"identifiers", json::array{json::array{k.integration, "uid" + std::to_string(d)}}},
                               {"via_device_id", nullptr},
                               {"configuration_url", d % 50 == 0 ? json::value("http://10.0.0.5/") : json::value(nullptr)},
                               {"disabled_by", nullptr},
                               {"entry_type", nullptr},
                               {"labels", json::array{}},
                               {"created_at", 1.7e9},
                               {"modified_at", 1.7e9}});
    for (int e = 0; e < entities_per_device; ++e) {
      std::string domain = e == 0 ? k.domain : e == 1 ? "sensor" : e == 2 ? "update" : e == 3 ? "switch" : "binary_sensor";
      std::string eid = domain + "." + id + "_" + std::to_string(e);
      std::string dc = e == 0 ? k.device_class : e == 1 ? "battery" : "";
      ent.push_back(json::object{{"entity_id", eid},
                                 {"id", "r" + eid},
                                 {"unique_id", "u-" + eid},
                                 {"platform", k.integration},
                                 {"device_id", id},
                                 {"config_entry_id", std::string("entry_") + k.integration},
                                 {"area_id", nullptr},
                                 {"disabled_by", nullptr},
                                 {"hidden_by", nullptr},
                                 {"entity_category", e == 1 ? json::value("diagnostic") : json::value(nullptr)},
                                 {"has_entity_name", true},
                                 {"name", nullptr},
                                 {"original_name", e == 3 && d % 9 == 0 ? "Child lock" : "Entity"},
                                 {"translation_key", e == 3 && d % 9 == 0 ? json::value("child_lock") : json::value(nullptr)},
                                 {"options", json::object{}},
                                 {"labels", json::array{}},
                                 {"categories", json::object{}}});
      json::object attrs{{"friendly_name", "Entity " + eid}};
      std::string state = "on";
      if (e == 1) {
        attrs["device_class"] = "battery";
        attrs["unit_of_measurement"] = "%";
        state = std::to_string((d * 7) % 100);
      }
      if (e == 2) {
        attrs["installed_version"] = "1.0";
        attrs["latest_version"] = d % 5 == 0 ? "1.1" : "1.0";
        attrs["auto_update"] = false;
        state = d % 5 == 0 ? "on" : "off";
      }
      states.push_back(json::object{{"entity_id", eid}, {"state", state}, {"attributes", std::move(attrs)},
                                    {"last_changed", "2026-11-20T10:00:00+00:00"}, {"last_updated", "2026-11-20T10:00:00+00:00"},
                                    {"context", json::object{{"id", "c"}, {"parent_id", nullptr}, {"user_id", nullptr}}}});
      if (e == 0 && d % 4 == 0) exposed[eid] = json::object{{"conversation", true}};
    }
  }
  // Users (an owner without MFA), analytics, Home Assistant Cloud and automations (some with
  // webhook triggers reachable from outside), so the hub-wide rules have something to read.
  json::array users{
      json::object{{"id", "u-owner"}, {"name", "Owner"}, {"username", "owner"}, {"is_owner", true}, {"is_active", true},
                   {"system_generated", false}, {"local_only", false}, {"group_ids", json::array{"system-admin"}}},
      json::object{{"id", "u-partner"}, {"name", "Partner"}, {"username", "partner"}, {"is_owner", false}, {"is_active", true},
                   {"system_generated", false}, {"local_only", false}, {"group_ids", json::array{"system-admin"}}},
      json::object{{"id", "u-kid"}, {"name", "Kid"}, {"username", "kid"}, {"is_owner", false}, {"is_active", true},
                   {"system_generated", false}, {"local_only", true}, {"group_ids", json::array{"system-users"}}},
      json::object{{"id", "u-super"}, {"name", "Supervisor"}, {"username", nullptr}, {"is_owner", false}, {"is_active", true},
                   {"system_generated", true}, {"local_only", false}, {"group_ids", json::array{"system-admin"}}}};
  json::array automations;
  for (int a = 0; a < devices / 10; ++a) {
    json::object trigger = a % 20 == 0
        ? json::object{{"trigger", "webhook"}, {"webhook_id", "hook-" + std::to_string(a)}, {"local_only", false}}
        : json::object{{"trigger", "state"}, {"entity_id", "binary_sensor.dev" + std::to_string(a * 10 + 9) + "_0"}, {"to", "on"}};
    automations.push_back(json::object{
        {"config", json::object{{"id", "auto" + std::to_string(a)}, {"alias", "Automation " + std::to_string(a)},
                                {"triggers", json::array{std::move(trigger)}}, {"conditions", json::array{}},
                                {"actions", json::array{json::object{{"action", "light.turn_on"},
                                                                     {"target", json::object{{"entity_id", "light.dev" + std::to_string(a * 10) + "_0"}}}}}},
                                {"mode", "single"}}}});
  }
  domoguard::hub::ha::Replies r;
  r["config/auth/list"] = json::serialize(users);
  r["auth/current_user"] = json::serialize(json::object{{"id", "u-owner"}, {"name", "Owner"}, {"is_owner", true}, {"is_admin", true},
                                                        {"mfa_modules", json::array{json::object{{"id", "totp"}, {"name", "Authenticator app"}, {"enabled", false}}}}});
  r["analytics"] = json::serialize(json::object{{"preferences", json::object{{"base", true}, {"usage", true}, {"statistics", false}, {"diagnostics", true}}},
                                                {"onboarded", true}});
  r["cloud/status"] = json::serialize(json::object{{"logged_in", true}, {"remote_connected", true},
                                                   {"prefs", json::object{{"remote_enabled", true}, {"alexa_enabled", true}, {"google_enabled", false}}}});
  r["automation/config"] = json::serialize(automations);
  r["config/device_registry/list"] = json::serialize(dev);
  r["config/entity_registry/list"] = json::serialize(ent);
  r["get_states"] = json::serialize(states);
  r["config/area_registry/list"] = json::serialize(areas);
  r["config_entries/get"] = json::serialize(entries);
  r["manifest/list"] = json::serialize(manifests);
  r["homeassistant/expose_entity/list"] = json::serialize(json::object{{"exposed_entities", exposed}});
  r["get_config"] = json::serialize(json::object{{"version", "2026.11.1"}, {"location_name", "Bench"}});
  return r;
}

// Median wall time in ms of `runs` calls (the machine may be busy: the median is what is quoted).
template <class F>
double median_of(int runs, F&& f) {
  std::vector<double> t;
  for (int i = 0; i < runs; ++i) {
    auto t0 = clock_type::now();
    f();
    t.push_back(std::chrono::duration<double, std::milli>(clock_type::now() - t0).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

// A handler that keeps nothing: what any reader built on Boost.JSON's tokenizer pays before it keeps
// a single value (the floor under `hub/ha/json_stream.cpp`, which streams the three large lists).
struct NullHandler {
  static constexpr std::size_t max_object_size = std::size_t(-1), max_array_size = std::size_t(-1),
                               max_key_size = std::size_t(-1), max_string_size = std::size_t(-1);
  std::size_t seen = 0;
  using ec = boost::system::error_code;
  bool on_document_begin(ec&) { return true; }
  bool on_document_end(ec&) { return true; }
  bool on_object_begin(ec&) { return true; }
  bool on_object_end(std::size_t, ec&) { return true; }
  bool on_array_begin(ec&) { return true; }
  bool on_array_end(std::size_t, ec&) { return true; }
  bool on_key_part(json::string_view, std::size_t, ec&) { return true; }
  bool on_key(json::string_view s, std::size_t, ec&) { seen += s.size(); return true; }
  bool on_string_part(json::string_view, std::size_t, ec&) { return true; }
  bool on_string(json::string_view s, std::size_t, ec&) { seen += s.size(); return true; }
  bool on_number_part(json::string_view, ec&) { return true; }
  bool on_int64(std::int64_t, json::string_view, ec&) { return true; }
  bool on_uint64(std::uint64_t, json::string_view, ec&) { return true; }
  bool on_double(double, json::string_view, ec&) { return true; }
  bool on_bool(bool, ec&) { return true; }
  bool on_null(ec&) { return true; }
  bool on_comment_part(json::string_view, ec&) { return true; }
  bool on_comment(json::string_view, ec&) { return true; }
};

size_t tokenize_only(const std::string& text) {
  json::basic_parser<NullHandler> p{json::parse_options{}};
  boost::system::error_code ec;
  p.write_some(false, text.data(), text.size(), ec);
  return ec ? 0 : p.handler().seen + 1;
}

}  // namespace

int main(int argc, char** argv) {
  const int devices = argc > 1 ? std::atoi(argv[1]) : 2000;
  const int runs = argc > 2 ? std::atoi(argv[2]) : 7;
  auto replies = synthetic_home(devices, 5);
  size_t bytes = 0;
  for (const auto& [k, v] : replies) bytes += v.size();
  std::printf("synthetic home: %d devices, %d entities, %.1f MB of JSON\n", devices, devices * 5, bytes / 1e6);

  size_t sink = 0;
  // One phase only, once, for instruction counts under callgrind (a ratio no busy machine can skew):
  //   valgrind --tool=callgrind domoguard_bench 2000 1 parse   vs   ... 2000 1 audit
  if (argc > 3) {
    const std::string phase = argv[3];
    if (phase == "write") {
      // The same home as a folder of WebSocket replies (a domoguard/domoguardd --source), for
      // measuring the daemon's memory with it: domoguard_bench 2000 1 write DIR
      if (argc < 5) {
        std::fprintf(stderr, "write needs a folder\n");
        return 2;
      }
      for (const auto& [cmd, text] : replies) {
        const std::string path = std::string(argv[4]) + "/" + domoguard::hub::ha::reply_file_name(cmd);
        FILE* f = std::fopen(path.c_str(), "wb");
        if (!f || std::fwrite(text.data(), 1, text.size(), f) != text.size() || std::fclose(f) != 0) {
          std::fprintf(stderr, "cannot write %s\n", path.c_str());
          return 2;
        }
      }
      return 0;
    }
    if (phase == "patch" || phase == "answer") {
      // A replies folder (the HA benchmark's home, or one `write` made) in a service, as the
      // integration holds it; then a battery level changed in place 20 times (patch), or the audit
      // answer rendered 5 times (answer). For callgrind: --toggle-collect='*patch_home*' or '*Service::handle*'.
      if (argc < 5) {
        std::fprintf(stderr, "%s needs a folder\n", phase.c_str());
        return 2;
      }
      auto home = domoguard::hub::ha::load(argv[4]);
      auto service = domoguard::api::Service::create(domoguard::api::ServiceOptions{"", "en"});
      if (!home || !service || !(*service)->set_home(std::move(*home), "bench")) {
        std::fprintf(stderr, "cannot load %s\n", argv[4]);
        return 1;
      }
      const int n = phase == "patch" ? 20 : 5;
      auto t0 = clock_type::now();
      if (phase == "answer") {
        for (int i = 0; i < n; ++i) sink += (*service)->handle(R"({"type":"domoguard/audit"})").size();
      } else {
        FILE* f = std::fopen((std::string(argv[4]) + "/get_states.json").c_str(), "rb");
        std::string text;
        for (char buf[65536]; f;) {
          const size_t got = std::fread(buf, 1, sizeof buf, f);
          text.append(buf, got);
          if (got < sizeof buf) break;
        }
        if (f) std::fclose(f);
        auto states = json::parse(text);
        json::object battery;
        for (auto& st : states.as_array())
          if (const auto* dc = st.as_object().at("attributes").as_object().if_contains("device_class");
              dc && *dc == "battery") {
            battery = st.as_object();
            break;
          }
        t0 = clock_type::now();
        for (int i = 0; i < n; ++i) {
          battery["state"] = std::to_string(4 + i % 2);
          std::vector<std::string> one = {json::serialize(battery)};
          auto d = (*service)->patch_home(
              [&](domoguard::model::Home& h) { return domoguard::hub::ha::apply_states(h, one, "bench"); });
          sink += d && d->has_value();
        }
      }
      std::printf("%s: %.2f ms mean of %d\n", phase.c_str(),
                  std::chrono::duration<double, std::milli>(clock_type::now() - t0).count() / n, n);
      return sink == 0;
    }
    if (phase == "parse")
      for (const auto& [k, v] : replies) sink += json::parse(v).is_array();
    else if (phase == "audit") {
      auto home = domoguard::hub::ha::from_replies(replies, "bench");
      sink += domoguard::audit::run_audit(*home).findings.size();
    } else if (phase != "none") {
      std::fprintf(stderr, "phase must be parse, audit, none, write DIR, patch DIR or answer DIR\n");
      return 2;
    }
    return sink == 0 && phase != "none";
  }
  // Parse and full audit alternate, so a burst of load on a shared machine hits both alike; the
  // ratio is the median of the per-round ratios.
  size_t findings = 0;
  domoguard::model::Home kept;
  std::vector<double> parse_t, audit_t, ratio_t;
  for (int i = 0; i < runs; ++i) {
    auto t0 = clock_type::now();
    for (const auto& [k, v] : replies) sink += json::parse(v).is_array();
    auto t1 = clock_type::now();
    auto home = domoguard::hub::ha::from_replies(replies, "bench");
    if (!home) {
      std::fprintf(stderr, "bench: %s\n", home.error().describe().c_str());
      return 1;
    }
    auto result = domoguard::audit::run_audit(*home);
    auto t2 = clock_type::now();
    findings = result.findings.size();
    kept = std::move(*home);
    parse_t.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    audit_t.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
    ratio_t.push_back(audit_t.back() / parse_t.back());
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  const double parse_ms = median(parse_t), audit_ms = median(audit_t), ratio = median(ratio_t);
  // Where the time goes: building the model from the bytes, and the rules alone.
  const double model_ms = median_of(runs, [&] {
    auto home = domoguard::hub::ha::from_replies(replies, "bench");
    sink += home->devices.size();
  });
  const double rules_ms = median_of(runs, [&] {
    auto copy = kept;
    auto t0 = clock_type::now();
    auto result = domoguard::audit::run_audit(copy);
    sink += result.findings.size() + static_cast<size_t>((clock_type::now() - t0).count() > 0);
  });
  const double tokenize_ms = median_of(runs, [&] {
    for (const auto& [k, v] : replies) sink += tokenize_only(v);
  });
  std::printf("parse only (Boost.JSON):     %8.1f ms (median of %d)\n", parse_ms, runs);
  std::printf("  tokenize only (nothing kept): %5.1f ms\n", tokenize_ms);
  std::printf("  bytes→model (adapter):     %8.1f ms\n", model_ms);
  std::printf("  model→findings (+ copy):   %8.1f ms\n", rules_ms);
  std::printf("full audit (bytes→findings): %8.1f ms (median of %d), %zu findings\n", audit_ms, runs, findings);
  std::printf("ratio audit/parse:           %8.2f   (median of the per-round ratios; target <= 1.50)\n", ratio);

  // The slowest rules and classification, for whoever optimises next.
  {
    auto copy = kept;
    auto t0 = clock_type::now();
    domoguard::audit::classify(copy);
    const double classify_ms = std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
    std::vector<std::pair<double, std::string>> per_rule;
    for (const auto& rule : domoguard::audit::all_rules()) {
      std::vector<domoguard::audit::Finding> out;
      auto r0 = clock_type::now();
      domoguard::audit::run_rule(rule, copy, out);
      per_rule.emplace_back(std::chrono::duration<double, std::milli>(clock_type::now() - r0).count(), std::string(rule.id));
    }
    std::sort(per_rule.rbegin(), per_rule.rend());
    std::printf("  classify: %.1f ms; slowest rules:", classify_ms);
    for (size_t i = 0; i < 6 && i < per_rule.size(); ++i) std::printf(" %s %.1f ms,", per_rule[i].second.c_str(), per_rule[i].first);
    std::printf("\n");
  }

  // Re-audit after one device changes: only that device's rules run.
  std::vector<domoguard::audit::Finding> out;
  const int reps = 2000;
  auto t0 = clock_type::now();
  for (int i = 0; i < reps; ++i) {
    out.clear();
    domoguard::audit::audit_device(kept, kept.devices[static_cast<size_t>(i) % kept.devices.size()], out);
  }
  const double per = std::chrono::duration<double, std::micro>(clock_type::now() - t0).count() / reps;
  std::printf("re-audit of one device:      %8.1f µs mean over %d devices (target <= 1000 µs)\n", per, reps);

  // A state change applied in place and re-audited through the service, as the HA integration does
  // for each state event (the device's rules and every home-level rule run again).
  {
    auto service = domoguard::api::Service::create(domoguard::api::ServiceOptions{"", "en"});
    auto home = domoguard::hub::ha::from_replies(replies, "bench");
    if (service && home && (*service)->set_home(std::move(*home), "bench")) {
      auto states = json::parse(replies.at("get_states"));
      std::vector<std::string> texts;
      for (auto& st : states.as_array())
        if (st.as_object().at("entity_id").as_string().starts_with("sensor.")) {
          texts.push_back(json::serialize(st));
          if (texts.size() == 20) break;
        }
      const int n = 20;
      auto p0 = clock_type::now();
      bool applied = true;
      for (int i = 0; i < n; ++i) {
        std::vector<std::string> one = {texts[static_cast<size_t>(i) % texts.size()]};
        auto d = (*service)->patch_home(
            [&](domoguard::model::Home& h) { return domoguard::hub::ha::apply_states(h, one, "bench"); });
        applied = applied && d && d->has_value();
      }
      const double per_ms = std::chrono::duration<double, std::milli>(clock_type::now() - p0).count() / n;
      std::printf("state change in place:       %8.2f ms mean of %d (Service::patch_home; %s)\n", per_ms, n,
                  applied ? "applied" : "NOT applied");
    }
  }

  // Modes that hold: child-safe mode in force, the check each change in the daemon runs.
  {
    auto data = domoguard::policy::policy_data();
    auto copy = kept;
    domoguard::audit::classify(copy);
    const auto plan = domoguard::policy::plan_child_safe(**data, copy);
    const std::vector<domoguard::policy::InForce> in_force{{domoguard::policy::HoldMode::child_safe, 1, plan.selector, plan.actions}};
    size_t drift = 0;
    const double hold_ms = median_of(runs, [&] {
      const auto desired = domoguard::policy::desired_state(**data, copy, in_force);
      drift = domoguard::policy::compare(copy, desired).size();
    });
    std::printf("child-safe hold check:       %8.1f ms (desired state + compare, median, %zu drift)\n", hold_ms, drift);
  }
  return sink == 0 ? 1 : 0;
}
