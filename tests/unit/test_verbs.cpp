// The verb table (api/verbs.cpp) is the API: every verb in it is answered by a function of its own,
// nothing outside it is, and the panel's typed calls (ui-panel/src/api.ts) use only its verbs and
// parameters, and its reply types name only fields of the verb's reply, typed as the table says.
// The integration's WebSocket schemas are checked against the same table by
// bindings/homeassistant/tests/test_manifest.py (through domoguard/verbs).
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "api/service.hpp"
#include "api/verbs.hpp"
#include "app/source.hpp"
#include "policy/model_port.hpp"

using namespace domoguard;
namespace json = boost::json;

namespace {
std::unique_ptr<api::Service> demo() {
  api::ServiceOptions o{"", "en"};
  o.port = [](model::Home& home) -> Result<std::unique_ptr<policy::HubPort>> {
    return std::unique_ptr<policy::HubPort>(new policy::ModelPort(home));
  };
  auto s = api::Service::create(o);
  REQUIRE(s);
  auto home = app::load_demo();
  REQUIRE(home);
  REQUIRE((*s)->set_home(std::move(*home), "demo"));
  return std::move(*s);
}
}  // namespace

TEST_CASE("every verb of the table is answered, and nothing else is", "[api][verbs]") {
  auto service = demo();
  std::set<std::string> names;
  for (const auto& v : api::verb_table()) {
    INFO(v.name);
    CHECK(names.insert(std::string(v.name)).second);  // no verb twice
    auto reply = json::parse(service->handle(json::serialize(json::object{{"type", "domoguard/" + std::string(v.name)}})));
    // Missing parameters may be refused, but never as an unknown command.
    if (!reply.at("success").as_bool()) CHECK(reply.at("error").at("code").as_string() != "unknown_command");
  }
  auto unknown = json::parse(service->handle(R"({"type":"domoguard/nonsense"})"));
  CHECK(unknown.at("error").at("code").as_string() == "unknown_command");
  auto bare = json::parse(service->handle(R"({"type":"status"})"));
  CHECK(bare.at("error").at("code").as_string() == "unknown_command");

  auto table = json::parse(service->handle(R"({"type":"domoguard/verbs"})")).at("result").as_array();
  CHECK(table.size() == api::verb_table().size());
  CHECK(json::parse(api::verbs_json()) == json::value(table));
  for (const auto& v : table) {
    const auto& o = v.as_object();
    CHECK((o.at("caller").as_string() == "admin" || o.at("caller").as_string() == "anyone"));
    for (const auto& p : o.at("params").as_array()) {
      const auto t = p.at("type").as_string();
      CHECK((t == "string" || t == "integer" || t == "boolean" || t == "string_list" || t == "object"));
    }
  }
}

TEST_CASE("the panel's typed calls use only the table's verbs and parameters", "[api][verbs][panel]") {
  std::ifstream f(std::string(DG_SOURCE_DIR) + "/ui-panel/src/api.ts");
  REQUIRE(f);
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string ts = ss.str();
  // this.call<T>("verb") or this.call<T>("verb", { field, field: value, ...this.who() })
  const std::regex call(R"re(this\.call<[^>]*>\("([a-z/_]+)"(?:,\s*\{([^}]*)\})?)re");
  int calls = 0;
  for (auto it = std::sregex_iterator(ts.begin(), ts.end(), call); it != std::sregex_iterator(); ++it) {
    ++calls;
    const std::string verb = (*it)[1];
    INFO("api.ts calls " << verb);
    const auto* spec = api::find_verb(verb);
    REQUIRE(spec != nullptr);
    CHECK_FALSE(spec->host_only);
    std::string fields = (*it)[2];
    if (fields.find("this.who()") != std::string::npos || fields.find("...who") != std::string::npos) CHECK(spec->names_user);
    // Field names: "name" alone (shorthand) or "name: value"; spreads (...x) are checked above.
    std::stringstream parts(fields);
    std::string part;
    while (std::getline(parts, part, ',')) {
      const auto start = part.find_first_not_of(" \t\n");
      if (start == std::string::npos || part.compare(start, 3, "...") == 0) continue;
      const std::string name = part.substr(start, part.find_first_of(": \t\n}", start) - start);
      if (name.empty()) continue;
      INFO("field " << name);
      bool known = false;
      for (const auto& p : spec->params) known |= p.name == name;
      CHECK(known);
    }
  }
  CHECK(calls >= 10);
}

namespace {
// The type a reply's value has, in the table's words.
bool has_type(const json::value& v, const api::Field& f) {
  using F = api::FieldType;
  if (v.is_null()) return f.nullable;
  auto all = [&](auto pred) {
    if (!v.is_array()) return false;
    for (const auto& x : v.as_array())
      if (!pred(x)) return false;
    return true;
  };
  switch (f.type) {
    case F::string: return v.is_string();
    case F::integer: return v.is_int64() || v.is_uint64();
    case F::boolean: return v.is_bool();
    case F::string_list: return all([](const json::value& x) { return x.is_string(); });
    case F::integer_list: return all([](const json::value& x) { return x.is_int64() || x.is_uint64(); });
    case F::object: return v.is_object();
    case F::object_list: return all([](const json::value& x) { return x.is_object(); });
    case F::any: return true;
  }
  return false;
}

std::string kind_of(const json::value& v) {
  if (v.is_null()) return "null";
  if (v.is_string()) return "string";
  if (v.is_bool()) return "boolean";
  if (v.is_int64() || v.is_uint64()) return "integer";
  if (v.is_double()) return "number";
  if (v.is_object()) return "object";
  if (v.as_array().empty()) return "[]";
  return kind_of(v.as_array().front()) + "[]";
}

// Every field of one reply object is described, typed as described; every field described as always
// there is there. Returns what differs, one line each.
std::vector<std::string> differences(const json::object& o, const api::Reply& r) {
  std::vector<std::string> out;
  for (const auto& [k, v] : o) {
    const api::Field* f = nullptr;
    for (const auto& d : r.fields)
      if (d.name == k) f = &d;
    if (!f) out.push_back("undescribed field " + std::string(k) + ": " + kind_of(v));
    else if (!has_type(v, *f)) out.push_back("field " + std::string(k) + " is " + kind_of(v) + ", described as " + std::string(api::to_string(f->type)));
  }
  for (const auto& d : r.fields)
    if (!d.optional && !o.contains(d.name)) out.push_back("missing field " + std::string(d.name));
  return out;
}
}  // namespace

TEST_CASE("every verb's reply has the fields the table describes, typed as it says", "[api][verbs]") {
  const auto dir = std::filesystem::temp_directory_path() / ("dg-verbs-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  api::ServiceOptions o{(dir / "h.db").string(), "en"};
  o.port = [](model::Home& home) -> Result<std::unique_ptr<policy::HubPort>> {
    return std::unique_ptr<policy::HubPort>(new policy::ModelPort(home));
  };
  auto created = api::Service::create(o);
  REQUIRE(created);
  auto& service = **created;
  auto home = app::load_demo();
  REQUIRE(home);
  const std::string device = home->devices.front().id;
  REQUIRE(service.set_home(std::move(*home), "demo"));
  auto call = [&](json::object req) {
    auto reply = json::parse(service.handle(json::serialize(req))).as_object();
    INFO(json::serialize(reply).substr(0, 400));
    REQUIRE(reply.at("success").as_bool());
    return reply.at("result");
  };
  auto first_key = [&] {
    auto doc = call({{"type", "domoguard/audit"}});
    return std::string(doc.at("groups").as_array().at(0).at("keys").as_array().at(0).as_string());
  };
  const std::string key = first_key();
  const std::string version = std::string(call({{"type", "domoguard/notice"}}).at("version").as_string());
  // One request per verb (some twice: both forms of a reply), in an order that leaves something to list.
  const std::vector<json::object> requests = {
      {{"type", "domoguard/status"}},
      {{"type", "domoguard/audit"}},
      {{"type", "domoguard/device"}, {"device_id", device}},
      {{"type", "domoguard/catalog"}},
      {{"type", "domoguard/explain"}, {"rule", "DG-VOI-001"}},
      {{"type", "domoguard/plan"}, {"selector", json::array{"--child-safe", "on"}}},
      {{"type", "domoguard/apply"}, {"selector", json::array{"--child-safe", "on"}}, {"user", "Alex"}},
      {{"type", "domoguard/plan"}, {"journal_id", 1}},
      {{"type", "domoguard/journal"}},
      {{"type", "domoguard/history"}},
      {{"type", "domoguard/settings"}},
      {{"type", "domoguard/settings/set"}, {"privacy_default", false}, {"user", "Alex"}},
      {{"type", "domoguard/hold"}},
      {{"type", "domoguard/hold/check"}},
      {{"type", "domoguard/hold/pause"}, {"mode", "child_safe"}, {"seconds", 60}, {"user", "Alex"}},
      {{"type", "domoguard/undo"}, {"user", "Alex"}},
      {{"type", "domoguard/recover"}},
      {{"type", "domoguard/notice"}},
      {{"type", "domoguard/notice"}, {"device_id", device}},
      {{"type", "domoguard/notice/ack"}, {"version", version}, {"user", "Alex"}},
      {{"type", "domoguard/accept"}, {"key", key}, {"reason", "We know"}, {"user", "Alex"}},
      {{"type", "domoguard/accepted"}},
      {{"type", "domoguard/accept/withdraw"}, {"key", key}, {"user", "Alex"}},
      {{"type", "domoguard/verbs"}},
  };
  std::set<std::string> seen;
  for (const auto& req : requests) {
    const std::string type(req.at("type").as_string());
    const auto* spec = api::find_verb(std::string_view(type).substr(10));
    REQUIRE(spec != nullptr);
    seen.insert(std::string(spec->name));
    INFO(type);
    auto result = call(req);
    std::vector<json::object> objects;
    if (spec->returns.list) {
      REQUIRE(result.is_array());
      CHECK_FALSE(result.as_array().empty());   // the requests above leave something to list
      for (const auto& x : result.as_array()) objects.push_back(x.as_object());
    } else {
      REQUIRE(result.is_object());
      objects.push_back(result.as_object());
    }
    for (const auto& obj : objects)
      for (const auto& d : differences(obj, spec->returns)) {
        INFO(d);
        CHECK(false);
      }
  }
  CHECK(seen.size() == api::verb_table().size());   // every verb's reply was looked at
  std::filesystem::remove_all(dir);
}

namespace {
std::string trim(const std::string& s) {
  const auto a = s.find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return "";
  return s.substr(a, s.find_last_not_of(" \t\r\n") - a + 1);
}

// The TypeScript of api.ts with its comments blanked out (strings in it hold no comment markers).
std::string without_comments(const std::string& ts) {
  std::string out = ts;
  for (size_t i = 0; i + 1 < out.size(); ++i) {
    if (out[i] == '/' && out[i + 1] == '/') {
      while (i < out.size() && out[i] != '\n') out[i++] = ' ';
    } else if (out[i] == '/' && out[i + 1] == '*') {
      while (i + 1 < out.size() && !(out[i] == '*' && out[i + 1] == '/')) out[i++] = ' ';
      if (i + 1 < out.size()) out[i] = out[i + 1] = ' ';
    }
  }
  return out;
}

// Splits at `sep` where no bracket is open.
std::vector<std::string> split_top(const std::string& s, const std::string& seps) {
  std::vector<std::string> parts;
  int depth = 0;
  std::string cur;
  for (char c : s) {
    if (c == '{' || c == '(' || c == '[' || c == '<') ++depth;
    if (c == '}' || c == ')' || c == ']' || c == '>') --depth;
    if (depth == 0 && seps.find(c) != std::string::npos) {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  parts.push_back(cur);
  return parts;
}

struct TsField {
  std::string name, type;
};

// The members of an object type's body ("a: string; b?: number[]" or one per line).
std::vector<TsField> members(const std::string& body) {
  std::vector<TsField> out;
  for (const auto& part : split_top(body, ";\n")) {
    const std::string m = trim(part);
    const auto colon = m.find(':');
    if (m.empty() || colon == std::string::npos) continue;
    std::string name = trim(m.substr(0, colon));
    if (!name.empty() && name.back() == '?') name.pop_back();
    if (name.find_first_of(" ()") != std::string::npos) continue;   // a method, not a field
    out.push_back({name, trim(m.substr(colon + 1))});
  }
  return out;
}

struct TsTypes {
  std::map<std::string, std::string> interfaces;   // name -> body
  std::map<std::string, std::string> aliases;      // name -> type
};

TsTypes ts_types(const std::string& ts) {
  TsTypes t;
  static const std::regex head(R"re(export interface (\w+) \{)re");
  for (auto it = std::sregex_iterator(ts.begin(), ts.end(), head); it != std::sregex_iterator(); ++it) {
    size_t i = static_cast<size_t>(it->position(0) + it->length(0));
    int depth = 1;
    const size_t start = i;
    while (i < ts.size() && depth > 0) {
      if (ts[i] == '{') ++depth;
      if (ts[i] == '}') --depth;
      ++i;
    }
    t.interfaces[(*it)[1]] = ts.substr(start, i - 1 - start);
  }
  static const std::regex alias(R"re(export type (\w+) = ([^;]+);)re");
  for (auto it = std::sregex_iterator(ts.begin(), ts.end(), alias); it != std::sregex_iterator(); ++it)
    t.aliases[(*it)[1]] = trim((*it)[2]);
  return t;
}

// Whether a TypeScript type says what a field of the table says; "" when it does, else why not.
std::string ts_mismatch(const std::string& type, const api::Field& f, const TsTypes& t) {
  bool null = false;
  std::set<std::string> kinds;
  std::vector<std::string> alts = split_top(type, "|");
  for (size_t i = 0; i < alts.size(); ++i) {
    std::string a = trim(alts[i]);
    if (t.aliases.count(a)) {
      for (const auto& x : split_top(t.aliases.at(a), "|")) alts.push_back(x);
      continue;
    }
    if (a == "null") null = true;
    else if (a == "string" || (a.size() >= 2 && a.front() == '"' && a.back() == '"')) kinds.insert("string");
    else if (a == "number") kinds.insert("integer");
    else if (a == "boolean") kinds.insert("boolean");
    else if (a == "unknown" || a == "any") kinds.insert("any");
    else if (a.size() > 2 && a.compare(a.size() - 2, 2, "[]") == 0) {
      const std::string el = trim(a.substr(0, a.size() - 2));
      kinds.insert(el == "string" || t.aliases.count(el) ? "string_list" : el == "number" ? "integer_list" : "object_list");
    } else kinds.insert("object");   // an interface, an inline {…}, a Record<…>
  }
  const std::string want(api::to_string(f.type));
  if (f.type != api::FieldType::any && (kinds.size() != 1 || *kinds.begin() != want))
    return "typed " + type + ", the table says " + want;
  if (f.nullable && !null) return "typed " + type + " without null, the table says it may be null";
  if (!f.nullable && null) return "typed " + type + " with null, the table says it is never null";
  return "";
}

// What the panel's reply types say that the table does not: one line each.
std::vector<std::string> panel_reply_drift(const std::string& source, size_t* checked = nullptr) {
  const std::string ts = without_comments(source);
  const auto types = ts_types(ts);
  std::vector<std::string> out;
  static const std::regex call(R"re(this\.call<([^>]*)>\("([a-z/_]+)")re");
  for (auto it = std::sregex_iterator(ts.begin(), ts.end(), call); it != std::sregex_iterator(); ++it) {
    const std::string verb = (*it)[2];
    const auto* spec = api::find_verb(verb);
    if (!spec) continue;   // unknown verbs are the other test's
    for (std::string t : split_top((*it)[1].str(), "|")) {
      t = trim(t);
      const bool list = t.size() > 2 && t.compare(t.size() - 2, 2, "[]") == 0;
      if (list) t = trim(t.substr(0, t.size() - 2));
      if (list != spec->returns.list) out.push_back(verb + ": the panel reads " + (list ? "a list" : "one object") + ", the table says otherwise");
      std::string body;
      if (!t.empty() && t.front() == '{') body = t.substr(1, t.size() - 2);
      else if (types.interfaces.count(t)) body = types.interfaces.at(t);
      else {
        out.push_back(verb + ": no interface " + t + " in api.ts");
        continue;
      }
      for (const auto& m : members(body)) {
        if (checked) ++*checked;
        const api::Field* f = nullptr;
        for (const auto& d : spec->returns.fields)
          if (d.name == m.name) f = &d;
        if (!f) out.push_back(verb + " (" + t + "): the reply has no field " + m.name);
        else if (auto why = ts_mismatch(m.type, *f, types); !why.empty()) out.push_back(verb + " (" + t + "): " + m.name + " " + why);
      }
    }
  }
  return out;
}

std::string read_api_ts() {
  std::ifstream f(std::string(DG_SOURCE_DIR) + "/ui-panel/src/api.ts");
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}
}  // namespace

TEST_CASE("the panel's reply types name only fields of the verb's reply, typed as the table says", "[api][verbs][panel]") {
  const std::string ts = read_api_ts();
  REQUIRE(ts.find("export interface Audit") != std::string::npos);
  size_t checked = 0;
  for (const auto& d : panel_reply_drift(ts, &checked)) {
    INFO(d);
    CHECK(false);
  }
  CHECK(checked >= 100);   // the reply types were found and read, field by field
  // The check sees drift: a field the reply lacks, a field typed otherwise, a null the table never gives.
  std::string drifted = ts;
  drifted.replace(drifted.find("  rolled_back: boolean;"), 23, "  rolled_back: string;\n  rolled_forward: boolean;");
  drifted.replace(drifted.find("  rules_run: number;"), 19, "  rules_run: number | null;");
  const auto found = panel_reply_drift(drifted);
  CHECK(found.size() == 5);   // ApplyResult is the reply of apply and of undo
  auto says = [&](const std::string& part) {
    return std::any_of(found.begin(), found.end(), [&](const std::string& d) { return d.find(part) != std::string::npos; });
  };
  CHECK(says("apply (ApplyResult): rolled_back typed string"));
  CHECK(says("apply (ApplyResult): the reply has no field rolled_forward"));
  CHECK(says("audit (Audit): rules_run typed number | null with null"));
}
