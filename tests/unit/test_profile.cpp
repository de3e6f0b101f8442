// Signed installer profiles: Ed25519 wiring proven on RFC 8032, every kind of tampering refused
// with its own error, the bundled presets compiling against the demo home, and the CLI flow.
#include <sys/stat.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "app/source.hpp"
#include "audit/engine.hpp"
#include "policy/profile.hpp"
#include "policy/profile_json.hpp"
#include "store/eventlog.hpp"
#include "store/trust.hpp"
#include "crypto/sigcrypto.hpp"
// The `profile` command, run in-process (the CLI binary dispatches to the same function).
#include "../../plugin/cli/cmd_profile.cpp"

using namespace domoguard;
namespace fs = std::filesystem;
namespace js = boost::json;

namespace {

fs::path prof_dir(const std::string& name) {
  auto p = fs::temp_directory_path() / ("dg-profile-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

std::string unhex(const std::string& h) {
  std::string out;
  REQUIRE(crypto::from_hex(h, out));
  return out;
}

crypto::Ed25519Key new_key() {
  auto k = crypto::Ed25519Key::generate();
  REQUIRE(k);
  return *k;
}

void trust_key(store::TrustStore& t, const crypto::Ed25519Key& k, const std::string& name) {
  auto pem = k.public_pem();
  REQUIRE(pem);
  REQUIRE(t.add({k.key_id(), name, *pem, ""}));
}

js::object preset_object(const std::string& name) {
  auto text = policy::preset_text(name);
  REQUIRE(text);
  return js::parse(*text).as_object();
}

std::string signed_text(const js::object& profile, const crypto::Ed25519Key& key) {
  auto s = policy::sign_profile_object(profile, key);
  REQUIRE(s);
  return *s;
}

// Edits a signed file as JSON.
template <class F>
std::string edit(const std::string& text, F&& f) {
  auto v = js::parse(text);
  f(v.as_object());
  return js::serialize(v);
}

struct CliRun {
  int code = -1;
  std::string out, err;
};

CliRun run_profile(std::vector<std::string> words) {
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  std::ostringstream out, err;
  auto* old_out = std::cout.rdbuf(out.rdbuf());
  auto* old_err = std::cerr.rdbuf(err.rdbuf());
  CliRun r;
  r.code = cmd_profile(static_cast<int>(argv.size()), argv.data());
  std::cout.rdbuf(old_out);
  std::cerr.rdbuf(old_err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

}  // namespace

TEST_CASE("Ed25519 matches RFC 8032 test vector 1", "[profile]") {
  auto key = crypto::Ed25519Key::from_raw_private(unhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
  REQUIRE(key);
  CHECK(crypto::to_hex(key->raw_public()) == "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  auto sig = key->sign("");
  REQUIRE(sig);
  const std::string expected =
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";
  CHECK(crypto::to_hex(*sig) == expected);
  auto pub = crypto::Ed25519Key::from_raw_public(key->raw_public());
  REQUIRE(pub);
  CHECK(pub->verify("", unhex(expected)));
  CHECK_FALSE(pub->verify("x", unhex(expected)));
  // PEM round trip keeps the key.
  auto pem = key->private_pem();
  REQUIRE(pem);
  auto back = crypto::Ed25519Key::from_pem(*pem);
  REQUIRE(back);
  CHECK(back->has_private());
  CHECK(back->key_id() == key->key_id());
  CHECK(key->key_id() == crypto::to_hex(crypto::sha256(key->raw_public())).substr(0, 16));
}

TEST_CASE("canonical JSON sorts keys, drops whitespace and refuses floats", "[profile]") {
  auto c = policy::canonical_json(js::parse(R"({ "b" : [1, true, null], "a" : {"z":"\u0001\"x\\", "y": -2} })"));
  REQUIRE(c);
  CHECK(*c == R"({"a":{"y":-2,"z":"\u0001\"x\\"},"b":[1,true,null]})");
  // Same content, different layout: same bytes.
  auto d = policy::canonical_json(js::parse("{\"a\":{\"z\":\"\\u0001\\\"x\\\\\",\"y\":-2},\n \"b\":[1,true,null]}"));
  REQUIRE(d);
  CHECK(*c == *d);
  CHECK_FALSE(policy::canonical_json(js::parse(R"({"a":1.5})")));
}

TEST_CASE("a signed profile verifies under a trusted key", "[profile]") {
  auto dir = prof_dir("roundtrip");
  auto trust = store::TrustStore::open((dir / "h.db").string());
  REQUIRE(trust);
  auto key = new_key();
  trust_key(**trust, key, "Installer Co");
  auto text = policy::sign_profile(*policy::preset_text("balanced"), key);
  REQUIRE(text);
  auto v = policy::verify_signed(*text, **trust);
  REQUIRE(v);
  CHECK(v->profile.name == "balanced");
  CHECK(v->key_id == key.key_id());
  CHECK(v->trusted_name == "Installer Co");
  // Re-signing is deterministic over the canonical form: the same bytes whatever the layout.
  auto again = policy::sign_profile(*policy::preset_text("balanced"), key);
  REQUIRE(again);
  CHECK(*again == *text);
}

TEST_CASE("each kind of tampering is refused with its own error", "[profile]") {
  auto dir = prof_dir("tamper");
  auto trust = store::TrustStore::open((dir / "h.db").string());
  REQUIRE(trust);
  auto key = new_key(), other = new_key(), stranger = new_key();
  trust_key(**trust, key, "Installer Co");
  trust_key(**trust, other, "Other Installer");
  const js::object base = preset_object("family-with-young-children");
  const std::string good = signed_text(base, key);
  REQUIRE(policy::verify_signed(good, **trust));
  REQUIRE((*trust)->record_applied("rental-short-stay", 3, key.key_id()));

  auto flip_name_byte = [&] {
    std::string t = good;
    auto at = t.find("family-with");
    REQUIRE(at != std::string::npos);
    t[at] = 'F';   // one byte of the profile, still valid JSON
    return t;
  };
  auto flip_signature_byte = [&] {
    return edit(good, [](js::object& o) {
      auto& s = o["signature"].as_object();
      std::string raw;
      REQUIRE(crypto::base64_decode(std::string(s["value"].as_string()), raw));
      raw[10] = static_cast<char>(raw[10] ^ 0x01);
      s["value"] = crypto::base64_encode(raw);
    });
  };
  auto older = [&] {
    js::object p = preset_object("rental-short-stay");
    p["version"] = 2;
    return signed_text(p, key);
  };
  auto schema2 = [&] {
    js::object p = base;
    p["schema"] = 2;
    return signed_text(p, key);
  };

  struct Case {
    std::string what, text, key;
  };
  const std::vector<Case> cases = {
      {"unsigned profile", *policy::preset_text("balanced"), "error.profile.unsigned"},
      {"signature removed", edit(good, [](js::object& o) { o.erase("signature"); }), "error.profile.unsigned"},
      {"flipped byte in the profile", flip_name_byte(), "error.profile.altered"},
      {"altered field", edit(good, [](js::object& o) { o["profile"].as_object()["child_safe"] = false; }),
       "error.profile.altered"},
      {"altered field with the digest recomputed",
       edit(good,
            [](js::object& o) {
              auto& p = o["profile"].as_object();
              p["levels"].as_object()["all"] = "basic";
              o["signature"].as_object()["digest"] = crypto::to_hex(crypto::sha256(*policy::canonical_json(p)));
            }),
       "error.profile.signature_invalid"},
      {"flipped byte in the signature", flip_signature_byte(), "error.profile.signature_invalid"},
      {"signature not base64", edit(good, [](js::object& o) { o["signature"].as_object()["value"] = "@@@@"; }),
       "error.profile.bad_signature"},
      {"another algorithm", edit(good, [](js::object& o) { o["signature"].as_object()["alg"] = "rsa"; }),
       "error.profile.bad_signature"},
      {"signed by an untrusted key", signed_text(base, stranger), "error.profile.untrusted_key"},
      {"key id swapped to another trusted key",
       edit(good, [&](js::object& o) { o["signature"].as_object()["key_id"] = other.key_id(); }),
       "error.profile.key_mismatch"},
      {"replayed older version", older(), "error.profile.replayed"},
      {"unknown schema version", schema2(), "error.profile.unknown_schema"},
      {"not JSON", good.substr(0, good.size() / 2), "error.profile.malformed"},
      {"unknown level", signed_text([&] { js::object p = base; p["levels"].as_object()["all"] = "paranoid"; return p; }(), key),
       "error.profile.malformed"},
  };
  for (const auto& c : cases) {
    SECTION(c.what) {
      auto v = policy::verify_signed(c.text, **trust, "p.json");
      REQUIRE_FALSE(v);
      CHECK(v.error().key == c.key);
      CHECK(v.error().code == ErrorCode::bad_input);
    }
  }
  SECTION("the same or a newer version is accepted") {
    js::object p = preset_object("rental-short-stay");
    p["version"] = 3;
    CHECK(policy::verify_signed(signed_text(p, key), **trust));
    p["version"] = 4;
    CHECK(policy::verify_signed(signed_text(p, key), **trust));
  }
  SECTION("a removed key is no longer trusted") {
    REQUIRE((*trust)->remove(key.key_id()));
    auto v = policy::verify_signed(good, **trust);
    REQUIRE_FALSE(v);
    CHECK(v.error().key == "error.profile.untrusted_key");
  }
}

TEST_CASE("bundled presets parse and compile into plans against the demo home", "[profile]") {
  const auto names = policy::preset_names();
  CHECK(names == std::vector<std::string>{"balanced", "elderly-care", "family-with-young-children", "privacy-max",
                                          "rental-short-stay"});
  auto home = app::load_demo();
  REQUIRE(home);
  const auto findings = audit::run_audit(*home).findings;
  for (const auto& name : names) {
    INFO(name);
    auto text = policy::preset_text(name);
    REQUIRE(text);
    auto p = policy::parse_profile_text(*text, name);
    REQUIRE(p);
    CHECK(p->name == name);
    auto plan = policy::compile_profile(*p, *home, findings);
    REQUIRE(plan);
    CHECK(plan->kind == "profile");
    CHECK(plan->selector == "profile=" + name + ";version=1");
    CHECK(plan->id == policy::plan_id(*plan));
    CHECK(!plan->actions.empty() + !plan->guidance.empty() > 0);
    // No change is listed twice.
    std::set<std::string> seen;
    for (const auto& a : plan->actions) CHECK(seen.insert(a.kind + "|" + a.target + "|" + a.param + "|" + a.after).second);
  }
  // Child-safe mode is in the family preset and not in balanced: the family plan does more.
  auto fam = policy::compile_profile(*policy::parse_profile_text(*policy::preset_text("family-with-young-children")),
                                     *home, findings);
  auto bal = policy::compile_profile(*policy::parse_profile_text(*policy::preset_text("balanced")), *home, findings);
  REQUIRE(fam);
  REQUIRE(bal);
  CHECK(fam->actions.size() > bal->actions.size());
  // Privacy by default shows as guidance where the preset asks for it.
  auto has_pbd = [](const policy::Plan& p) {
    return std::any_of(p.guidance.begin(), p.guidance.end(),
                       [](const auto& g) { return g.message_key == "profile.guidance.privacy_by_default"; });
  };
  CHECK(has_pbd(*fam));
  CHECK_FALSE(has_pbd(*bal));
}

TEST_CASE("profile commands: keygen, sign, trust, verify, show and apply to the demo home", "[profile]") {
  auto dir = prof_dir("cli");
  const std::string db = (dir / "h.db").string(), key = (dir / "k.pem").string(), pub = (dir / "k.pub.pem").string(),
                    signed_file = (dir / "family.json").string();

  auto kg = run_profile({"profile", "keygen", "--out", key});
  REQUIRE(kg.code == 0);
  struct stat st {};
  REQUIRE(::stat(key.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(fs::exists(pub));
  CHECK(run_profile({"profile", "keygen", "--out", key}).code == 2);   // never overwrites a key

  REQUIRE(run_profile({"profile", "sign", "preset:family-with-young-children", "--key", key, "--out", signed_file}).code == 0);
  // Not trusted yet: refused, exit 6, and the message says why.
  auto untrusted = run_profile({"profile", "verify", signed_file, "--db", db});
  CHECK(untrusted.code == 6);
  CHECK(untrusted.err.find("does not trust") != std::string::npos);
  auto apply_refused = run_profile({"profile", "apply", signed_file, "--demo", "--yes", "--db", db});
  CHECK(apply_refused.code == 6);
  CHECK(apply_refused.out.empty());   // no plan shown, nothing applied

  REQUIRE(run_profile({"profile", "trust", "add", pub, "--name", "Installer Co", "--db", db}).code == 0);
  auto list = run_profile({"profile", "trust", "list", "--db", db});
  CHECK(list.out.find("Installer Co") != std::string::npos);
  auto ok = run_profile({"profile", "verify", signed_file, "--db", db});
  CHECK(ok.code == 0);
  CHECK(ok.out.find("family-with-young-children") != std::string::npos);
  auto shown = run_profile({"profile", "show", signed_file, "--db", db});
  CHECK(shown.code == 0);
  CHECK(shown.out.find("Child-safe mode: on") != std::string::npos);

  auto applied = run_profile({"profile", "apply", signed_file, "--demo", "--yes", "--db", db, "--format", "json"});
  REQUIRE(applied.code == 0);
  auto res = js::parse(applied.out).as_object();
  CHECK(res.at("ok").as_bool());
  CHECK(res.at("plan").as_object().at("kind").as_string() == "profile");
  CHECK(!res.at("steps").as_array().empty());

  // A tampered copy is refused with exit 6.
  std::string text;
  {
    std::ifstream f(signed_file);
    text.assign(std::istreambuf_iterator<char>(f), {});
  }
  auto at = text.find("\"child_safe\":true");
  REQUIRE(at != std::string::npos);
  text.replace(at, 17, "\"child_safe\":false");
  std::ofstream(dir / "tampered.json") << text;
  auto bad = run_profile({"profile", "verify", (dir / "tampered.json").string(), "--db", db});
  CHECK(bad.code == 6);
  CHECK(bad.err.find("changed after it was signed") != std::string::npos);

  // Trusting and removing keys is logged, with the person pseudonymised.
  REQUIRE(run_profile({"profile", "trust", "remove", std::string(16, '0'), "--db", db}).code == 2);
  auto log = store::EventLog::open(db);
  REQUIRE(log);
  auto entries = (*log)->page(0, 10);
  REQUIRE(entries);
  REQUIRE(!entries->empty());
  CHECK(entries->front().kind == "key_trusted");
  auto rep = (*log)->verify();
  REQUIRE(rep);
  CHECK(rep->intact);

  CHECK(run_profile({"profile", "--help"}).code == 0);
  CHECK(run_profile({"profile", "frobnicate"}).code == 2);
}
