#include "policy/profile.hpp"
#include "policy/profile_json.hpp"

#include <algorithm>
#include <optional>
#include <set>

#include "policy/compile.hpp"
#include "util/resources.hpp"

namespace domoguard::policy {

namespace json = boost::json;

namespace {

constexpr const char* kPresetDir = "manifests/profiles/";

Error profile_error(const char* key, const std::string& msg, const std::string& file, const std::string& where = "",
                    std::vector<std::pair<std::string, std::string>> ph = {}) {
  return Error{ErrorCode::bad_input, key, msg, file, where, std::move(ph)};
}

Error malformed(const std::string& why, const std::string& file, const std::string& field) {
  return profile_error("error.profile.malformed", "The profile is not valid: " + why, file,
                       field.empty() ? "" : "field " + field, {{"reason", why}, {"field", field}});
}

void escape_into(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 0xF];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

bool canonical_into(std::string& out, const json::value& v) {
  switch (v.kind()) {
    case json::kind::null: out += "null"; return true;
    case json::kind::bool_: out += v.get_bool() ? "true" : "false"; return true;
    case json::kind::int64: out += std::to_string(v.get_int64()); return true;
    case json::kind::uint64: out += std::to_string(v.get_uint64()); return true;
    case json::kind::double_: return false;
    case json::kind::string: escape_into(out, v.get_string()); return true;
    case json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& x : v.get_array()) {
        if (!first) out += ',';
        first = false;
        if (!canonical_into(out, x)) return false;
      }
      out += ']';
      return true;
    }
    case json::kind::object: {
      std::vector<const json::key_value_pair*> kv;
      for (const auto& p : v.get_object()) kv.push_back(&p);
      std::sort(kv.begin(), kv.end(), [](auto* a, auto* b) { return a->key() < b->key(); });
      out += '{';
      bool first = true;
      for (auto* p : kv) {
        if (!first) out += ',';
        first = false;
        escape_into(out, p->key());
        out += ':';
        if (!canonical_into(out, p->value())) return false;
      }
      out += '}';
      return true;
    }
  }
  return false;
}

bool valid_name(std::string_view s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

bool valid_key(std::string_view s) {
  return !s.empty() && s.size() <= 128 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
  });
}

Result<json::value> parse_json(std::string_view text, const std::string& file) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec) return profile_error("error.profile.malformed", "The profile file is not JSON: " + ec.message(), file, "",
                               {{"reason", ec.message()}, {"field", ""}});
  return v;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

}  // namespace

Result<std::string> canonical_json(const json::value& v) {
  std::string out;
  if (!canonical_into(out, v))
    return profile_error("error.profile.malformed", "Numbers in a profile must be integers", "", "",
                         {{"reason", "numbers must be integers"}, {"field", ""}});
  return out;
}

Result<Profile> parse_profile(const json::value& v, const std::string& file) {
  if (!v.is_object()) return malformed("a profile is a JSON object", file, "");
  const auto& o = v.get_object();
  const auto* schema = o.if_contains("schema");
  if (!schema || !schema->is_int64())
    return malformed("\"schema\" must be an integer schema version", file, "schema");
  if (schema->get_int64() != kProfileSchema)
    return profile_error("error.profile.unknown_schema",
                         "The profile uses schema version " + std::to_string(schema->get_int64()) +
                             ", which this DomoGuard does not know (it reads version " + std::to_string(kProfileSchema) + ")",
                         file, "field schema",
                         {{"version", std::to_string(schema->get_int64())}, {"known", std::to_string(kProfileSchema)}});
  static const std::set<std::string> known = {"schema", "name", "version", "installer", "levels", "child_safe",
                                              "privacy_by_default", "scenario", "notices"};
  for (const auto& kv : o)
    if (!known.count(std::string(kv.key()))) return malformed("unknown field \"" + std::string(kv.key()) + "\"", file, std::string(kv.key()));

  auto data = policy_data();
  if (!data) return data.error();
  const PolicyData& pd = **data;

  Profile p;
  p.schema = schema->get_int64();
  auto str = [&](const json::object& obj, const char* k, const std::string& path, bool required,
                 std::string& out) -> std::optional<Error> {
    const auto* x = obj.if_contains(k);
    if (!x) {
      if (required) return malformed("\"" + path + "\" is required", file, path);
      return std::nullopt;
    }
    if (!x->is_string()) return malformed("\"" + path + "\" must be text", file, path);
    out = std::string(x->get_string());
    if (out.size() > 256) return malformed("\"" + path + "\" is too long", file, path);
    return std::nullopt;
  };
  if (auto e = str(o, "name", "name", true, p.name)) return *e;
  if (!valid_name(p.name)) return malformed("\"name\" must be lower-case letters, digits and dashes", file, "name");
  const auto* ver = o.if_contains("version");
  if (!ver || !ver->is_int64() || ver->get_int64() < 1) return malformed("\"version\" must be a whole number from 1", file, "version");
  p.version = ver->get_int64();

  const auto* inst = o.if_contains("installer");
  if (!inst || !inst->is_object()) return malformed("\"installer\" must be an object", file, "installer");
  for (const auto& kv : inst->get_object())
    if (kv.key() != "name" && kv.key() != "company" && kv.key() != "contact")
      return malformed("unknown field \"installer." + std::string(kv.key()) + "\"", file, "installer." + std::string(kv.key()));
  if (auto e = str(inst->get_object(), "name", "installer.name", true, p.installer.name)) return *e;
  if (p.installer.name.empty()) return malformed("\"installer.name\" is empty", file, "installer.name");
  if (auto e = str(inst->get_object(), "company", "installer.company", false, p.installer.company)) return *e;
  if (auto e = str(inst->get_object(), "contact", "installer.contact", false, p.installer.contact)) return *e;

  if (const auto* lv = o.if_contains("levels")) {
    if (!lv->is_object()) return malformed("\"levels\" must map categories to levels", file, "levels");
    for (const auto& kv : lv->get_object()) {
      const std::string cat(kv.key()), path = "levels." + std::string(kv.key());
      if (cat != "all" && !pd.category(cat))
        return malformed("unknown category \"" + cat + "\" (valid: all, " + join(pd.category_names()) + ")", file, path);
      if (!kv.value().is_string() || !pd.level(std::string(kv.value().get_string())))
        return malformed("the level must be one of " + join(pd.level_names()), file, path);
      p.levels[cat] = std::string(kv.value().get_string());
    }
  }
  for (const char* k : {"child_safe", "privacy_by_default"}) {
    const auto* b = o.if_contains(k);
    if (!b) continue;
    if (!b->is_bool()) return malformed(std::string("\"") + k + "\" must be true or false", file, k);
    (std::string(k) == "child_safe" ? p.child_safe : p.privacy_by_default) = b->get_bool();
  }
  if (auto e = str(o, "scenario", "scenario", false, p.scenario)) return *e;
  if (!p.scenario.empty() && !pd.scenario(p.scenario))
    return malformed("unknown scenario \"" + p.scenario + "\" (valid: " + join(pd.scenario_names()) + ")", file, "scenario");
  if (const auto* n = o.if_contains("notices")) {
    if (!n->is_array()) return malformed("\"notices\" must be a list of message keys", file, "notices");
    for (const auto& x : n->get_array()) {
      if (!x.is_string() || !valid_key(x.get_string())) return malformed("a notice must be a message key", file, "notices");
      p.notices.emplace_back(x.get_string());
    }
  }
  return p;
}

Result<Profile> parse_profile_text(std::string_view text, const std::string& file) {
  auto v = parse_json(text, file);
  if (!v) return v.error();
  return parse_profile(*v, file);
}

json::object profile_to_json(const Profile& p) {
  json::object o;
  o["schema"] = p.schema;
  o["name"] = p.name;
  o["version"] = p.version;
  o["installer"] = json::object{{"name", p.installer.name}, {"company", p.installer.company}, {"contact", p.installer.contact}};
  json::object lv;
  for (const auto& [c, l] : p.levels) lv[c] = l;
  o["levels"] = std::move(lv);
  o["child_safe"] = p.child_safe;
  o["privacy_by_default"] = p.privacy_by_default;
  o["scenario"] = p.scenario;
  json::array n;
  for (const auto& k : p.notices) n.emplace_back(k);
  o["notices"] = std::move(n);
  return o;
}

std::vector<std::string> preset_names() {
  std::vector<std::string> out;
  for (const auto& e : resources::under(kPresetDir)) {
    std::string_view p = e.path.substr(std::string_view(kPresetDir).size());
    if (p.size() > 5 && p.substr(p.size() - 5) == ".json") out.emplace_back(p.substr(0, p.size() - 5));
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::string> preset_text(const std::string& name) {
  if (valid_name(name))
    if (auto t = resources::get(std::string(kPresetDir) + name + ".json")) return std::string(*t);
  return profile_error("error.profile.no_preset", "No bundled profile \"" + name + "\" (bundled: " + join(preset_names()) + ")",
                       "", "", {{"name", name}, {"valid", join(preset_names())}});
}

Result<std::string> sign_profile_object(const json::object& profile, const crypto::Ed25519Key& key) {
  auto canon = canonical_json(profile);
  if (!canon) return canon.error();
  auto sig = key.sign(*canon);
  if (!sig) return sig.error();
  json::object env;
  env["profile"] = profile;
  env["signature"] = json::object{{"alg", "ed25519"},
                                  {"key_id", key.key_id()},
                                  {"value", crypto::base64_encode(*sig)},
                                  {"digest", crypto::to_hex(crypto::sha256(*canon))}};
  auto text = canonical_json(env);
  if (!text) return text.error();
  return *text + "\n";
}

Result<std::string> sign_profile(std::string_view profile_text, const crypto::Ed25519Key& key, const std::string& file) {
  auto v = parse_json(profile_text, file);
  if (!v) return v.error();
  // A file that is already signed is signed again over its profile part.
  if (v->is_object() && v->get_object().if_contains("profile") && v->get_object().if_contains("signature"))
    *v = v->get_object().at("profile");
  auto p = parse_profile(*v, file);
  if (!p) return p.error();
  return sign_profile_object(v->get_object(), key);
}

Result<VerifiedProfile> verify_signed(std::string_view text, ProfileTrust& trust, const std::string& file) {
  auto v = parse_json(text, file);
  if (!v) return v.error();
  if (!v->is_object()) return malformed("a signed profile is a JSON object", file, "");
  const auto& env = v->get_object();
  const auto* prof = env.if_contains("profile");
  const auto* sig = env.if_contains("signature");
  if (!prof) {
    if (env.if_contains("schema") || env.if_contains("name"))
      return profile_error("error.profile.unsigned", "The profile is not signed; an installer must sign it first", file);
    return malformed("no \"profile\" in the file", file, "profile");
  }
  if (!sig || sig->is_null())
    return profile_error("error.profile.unsigned", "The profile is not signed; an installer must sign it first", file);
  if (!prof->is_object()) return malformed("\"profile\" must be an object", file, "profile");
  for (const auto& kv : env)
    if (kv.key() != "profile" && kv.key() != "signature")
      return malformed("unknown field \"" + std::string(kv.key()) + "\"", file, std::string(kv.key()));
  // A schema this version does not know is named before anything else is judged: its fields and
  // signing rules may differ.
  if (const auto* s = prof->get_object().if_contains("schema"); s && s->is_int64() && s->get_int64() != kProfileSchema)
    return profile_error("error.profile.unknown_schema",
                         "The profile uses schema version " + std::to_string(s->get_int64()) +
                             ", which this DomoGuard does not know (it reads version " + std::to_string(kProfileSchema) + ")",
                         file, "field profile.schema",
                         {{"version", std::to_string(s->get_int64())}, {"known", std::to_string(kProfileSchema)}});

  auto bad_sig = [&](const std::string& why) {
    return profile_error("error.profile.bad_signature", "The signature block is unusable: " + why, file, "field signature",
                         {{"reason", why}});
  };
  if (!sig->is_object()) return bad_sig("it is not an object");
  const auto& so = sig->get_object();
  auto sfield = [&](const char* k) {
    const auto* x = so.if_contains(k);
    return x && x->is_string() ? std::string(x->get_string()) : std::string();
  };
  const std::string alg = sfield("alg"), key_id = sfield("key_id"), value = sfield("value"), digest = sfield("digest");
  if (alg != "ed25519") return bad_sig("the algorithm is \"" + alg + "\", not ed25519");
  std::string ignored;
  if (key_id.size() != 16 || !crypto::from_hex(key_id, ignored)) return bad_sig("the key id is not 16 hex digits");
  std::string raw_sig;
  if (!crypto::base64_decode(value, raw_sig) || raw_sig.size() != 64) return bad_sig("the value is not a base64 Ed25519 signature");

  auto trusted = trust.find(key_id);
  if (!trusted) return trusted.error();
  if (!trusted->has_value())
    return profile_error("error.profile.untrusted_key",
                         "The profile is signed by key " + key_id +
                             ", which this home does not trust; add the installer's public key with `domoguard profile trust add`",
                         file, "", {{"key_id", key_id}});
  auto canon = canonical_json(*prof);
  if (!canon) return malformed("numbers must be integers", file, "profile");
  const std::string actual_digest = crypto::to_hex(crypto::sha256(*canon));
  if (!digest.empty() && digest != actual_digest)
    return profile_error("error.profile.altered", "The profile was changed after it was signed", file, "", {{"key_id", key_id}});
  auto key = crypto::Ed25519Key::from_pem((*trusted)->public_pem);
  if (!key) return key.error();
  if (!key->verify(*canon, raw_sig)) {
    auto all = trust.list();
    if (all)
      for (const auto& t : *all) {
        if (t.key_id == key_id) continue;
        auto other = crypto::Ed25519Key::from_pem(t.public_pem);
        if (other && other->verify(*canon, raw_sig))
          return profile_error("error.profile.key_mismatch",
                               "The profile names key " + key_id + " but was signed with key " + t.key_id, file, "",
                               {{"key_id", key_id}, {"signer", t.key_id}});
      }
    return profile_error("error.profile.signature_invalid",
                         "The signature does not verify under key " + key_id + ": it is damaged or forged", file, "",
                         {{"key_id", key_id}});
  }
  auto p = parse_profile(*prof, file);
  if (!p) return p.error();
  auto applied = trust.applied_version(p->name);
  if (!applied) return applied.error();
  if (applied->has_value() && p->version < **applied)
    return profile_error("error.profile.replayed",
                         "Version " + std::to_string(p->version) + " of profile \"" + p->name + "\" is older than version " +
                             std::to_string(**applied) + ", already applied here",
                         file, "",
                         {{"name", p->name}, {"version", std::to_string(p->version)}, {"applied", std::to_string(**applied)}});
  VerifiedProfile out;
  out.profile = std::move(*p);
  out.key_id = key_id;
  out.trusted_name = (*trusted)->name;
  out.digest = actual_digest;
  return out;
}

Result<Plan> compile_profile(const Profile& profile, const model::Home& home, const std::vector<audit::Finding>& findings) {
  auto data = policy_data();
  if (!data) return data.error();
  const PolicyData& pd = **data;
  std::vector<Plan> parts;
  if (auto all = profile.levels.find("all"); all != profile.levels.end()) {
    auto p = plan_level(pd, home, findings, all->second, "");
    if (!p) return p.error();
    parts.push_back(std::move(*p));
  }
  // Category order as the policy data lists them, so the same profile always gives the same plan.
  for (const auto& cat : pd.category_names()) {
    auto it = profile.levels.find(cat);
    if (it == profile.levels.end()) continue;
    auto p = plan_level(pd, home, findings, it->second, cat);
    if (!p) return p.error();
    parts.push_back(std::move(*p));
  }
  if (profile.child_safe) parts.push_back(plan_child_safe(pd, home));
  if (!profile.scenario.empty()) {
    auto p = plan_scenario(pd, home, profile.scenario);
    if (!p) return p.error();
    parts.push_back(std::move(*p));
  }

  Plan out;
  out.kind = "profile";
  out.selector = "profile=" + profile.name + ";version=" + std::to_string(profile.version);
  out.title_key = "plan.title.profile";
  out.title_placeholders = {{"name", profile.name}, {"version", std::to_string(profile.version)},
                            {"installer", profile.installer.name}};
  std::set<std::string> seen_actions, seen_guidance;
  for (auto& part : parts) {
    for (auto& a : part.actions) {
      // Two parts asking for the same change make one step; differing wishes both stay, in order,
      // so the later, more specific part (child-safe mode, scenario) has the last word.
      const std::string k = a.kind + '\x1f' + a.target + '\x1f' + a.param + '\x1f' + a.after;
      if (seen_actions.insert(k).second) out.actions.push_back(std::move(a));
    }
    for (auto& g : part.guidance) {
      std::string k = g.message_key + '\x1f' + g.rule;
      for (const auto& [n, v] : g.placeholders) k += '\x1f' + n + '=' + v;
      if (seen_guidance.insert(k).second) out.guidance.push_back(std::move(g));
    }
  }
  if (profile.privacy_by_default)
    out.guidance.push_back(Guidance{"profile.guidance.privacy_by_default", {}, "", "", ""});
  out.id = plan_id(out);
  return out;
}

}  // namespace domoguard::policy
