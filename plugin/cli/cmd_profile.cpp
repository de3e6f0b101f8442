// `domoguard profile ...`: installer preset profiles, signed with Ed25519 (issue 5).
//   keygen --out KEY.pem [--pub PUB.pem]       a new installer key pair (private key 0600)
//   presets                                    the bundled presets
//   sign PROFILE.json|preset:NAME --key KEY.pem --out SIGNED.json
//   verify SIGNED.json                         checks it against this home's trusted keys
//   show SIGNED.json                           what it sets, and whether it verifies
//   trust add PUB.pem --name NAME | list | remove KEY_ID
//   apply SIGNED.json (--demo | --url URL --token-file FILE | SOURCE) [--yes]
// Exit codes: 0 done; 2 usage or malformed input; 3 hub unreachable; 4 storage trouble; 5 a step
// failed and the plan was rolled back; 6 the profile was refused (unsigned, untrusted key, altered,
// bad signature, replayed or unknown schema) and nothing was applied.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "app/source.hpp"
#include "audit/engine.hpp"
#include "commands.hpp"
#include "hub/ha/live.hpp"
#include "hub/ha/live_port.hpp"
#include "api/changes.hpp"
#include "policy/apply.hpp"
#include "policy/model_port.hpp"
#include "policy/profile.hpp"
#include "policy/profile_json.hpp"
#include "report/render.hpp"
#include "report/render_plan.hpp"
#include "store/eventlog.hpp"
#include "store/history.hpp"
#include "store/journal.hpp"
#include "store/trust.hpp"
#include "crypto/sigcrypto.hpp"

namespace {

using namespace domoguard;
namespace fs = std::filesystem;

const std::vector<std::string> kValued = {"--out", "--pub", "--key", "--name", "--db", "--format", "--lang", "--url",
                                          "--token-file", "--ca-file", "--verify-timeout"};
const std::vector<std::string> kFlags = {"--help", "--demo", "--yes", "--allow-insecure"};

// Refusals of a well-formed profile: exit 6, not "bad input".
bool is_refusal(const Error& e) {
  return e.key == "error.profile.unsigned" || e.key == "error.profile.untrusted_key" || e.key == "error.profile.altered" ||
         e.key == "error.profile.key_mismatch" || e.key == "error.profile.signature_invalid" ||
         e.key == "error.profile.bad_signature" || e.key == "error.profile.replayed" ||
         e.key == "error.profile.unknown_schema";
}

int fail(const Error& e, const locale::Messages& msg) {
  cli::print_error(e, msg);
  return is_refusal(e) ? cli::kExitUntrusted : cli::exit_code(e);
}

int fail_text(const std::string& key, const locale::Messages& msg, const locale::Placeholders& ph = {}, int code = 2) {
  std::cerr << "domoguard: " << msg.text(key, ph) << "\n";
  return code;
}

// Reads at most one byte past the limit, whatever the file is (/dev/zero, a pipe, a growing file):
// the limit is checked before the content is held, not after.
Result<std::string> read_file(const std::string& path) {
  constexpr std::size_t kLimit = 1024 * 1024;
  std::ifstream f(path, std::ios::binary);
  if (!f) return Error{ErrorCode::bad_input, "error.profile.read", "Cannot read the file", path, "", {{"file", path}}};
  std::string text(kLimit + 1, '\0');
  f.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (f.bad()) return Error{ErrorCode::bad_input, "error.profile.read", "Cannot read the file", path, "", {{"file", path}}};
  text.resize(static_cast<std::size_t>(f.gcount()));
  if (text.size() > kLimit)
    return Error{ErrorCode::bad_input, "error.profile.too_big", "The file is larger than 1 MB", path, "", {{"file", path}}};
  return text;
}

// Writes beside the target and renames, so a failure never leaves half a file. `exclusive`: refuse
// to replace an existing file (keys are never overwritten by accident).
Result<bool> write_file(const std::string& path, const std::string& text, mode_t mode, bool exclusive) {
  auto io = [&](const char* why) {
    return Error{ErrorCode::io, "error.profile.write", std::string("Cannot write the file: ") + why, path, "", {{"file", path}}};
  };
  if (exclusive && fs::exists(path))
    return Error{ErrorCode::bad_input, "error.profile.exists", "The file exists already; it is not replaced", path, "",
                 {{"file", path}}};
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return io("cannot create it");
  ::fchmod(fd, mode);
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return io("the write failed");
  }
  return true;
}

Result<crypto::Ed25519Key> load_key(const std::string& path, bool want_private) {
  struct stat st {};
  if (want_private && ::stat(path.c_str(), &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO)))
    return Error{ErrorCode::bad_input, "error.profile.key_permissions",
                 "The private key may be read by other users; make it private (chmod 600)", path, "", {{"file", path}}};
  auto text = read_file(path);
  if (!text) return text.error();
  auto key = crypto::Ed25519Key::from_pem(*text, path);
  if (!key) return key.error();
  if (want_private && !key->has_private())
    return Error{ErrorCode::bad_input, "error.profile.need_private", "Signing needs the private key, not the public one",
                 path, "", {{"file", path}}};
  return key;
}

std::string db_path(const cli::Words& w) { return w.value("--db").value_or(store::History::default_path()); }

std::string actor() {
  if (const char* u = std::getenv("USER"); u && *u) return u;
  return "";
}

// Appends to the event log; a log that cannot be written is reported but does not undo what was done.
void log_event(const std::string& db, const store::NewEvent& ev, const locale::Messages& msg) {
  auto log = store::EventLog::open(db);
  if (log) {
    auto r = (*log)->append(ev);
    if (r) return;
    cli::print_error(r.error(), msg);
  } else {
    cli::print_error(log.error(), msg);
  }
  std::cerr << "domoguard: " << msg.text("cli.profile.log_failed") << "\n";
}

// ---- keygen / presets / sign ----

int keygen(const cli::Words& w, const locale::Messages& msg) {
  auto out = w.value("--out");
  if (!out || !w.positional.empty()) return fail_text("cli.profile.usage.keygen", msg);
  std::string pub = w.value("--pub").value_or("");
  if (pub.empty()) {
    pub = *out;
    if (pub.size() > 4 && pub.substr(pub.size() - 4) == ".pem") pub.resize(pub.size() - 4);
    pub += ".pub.pem";
  }
  auto key = crypto::Ed25519Key::generate();
  if (!key) return fail(key.error(), msg);
  auto priv_pem = key->private_pem();
  auto pub_pem = key->public_pem();
  if (!priv_pem) return fail(priv_pem.error(), msg);
  if (!pub_pem) return fail(pub_pem.error(), msg);
  if (fs::exists(pub)) return fail_text("error.profile.exists", msg, {{"file", pub}});
  if (auto r = write_file(*out, *priv_pem, 0600, true); !r) return fail(r.error(), msg);
  if (auto r = write_file(pub, *pub_pem, 0644, true); !r) return fail(r.error(), msg);
  std::cout << msg.text("cli.profile.keygen.done", {{"key_id", key->key_id()}, {"private", *out}, {"public", pub}}) << "\n";
  return 0;
}

int presets(const locale::Messages& msg) {
  for (const auto& name : policy::preset_names()) {
    const std::string key = "profile.preset." + name;
    std::cout << "  " << name << (msg.has(key) ? "  " + msg.text(key) : std::string()) << "\n";
  }
  return 0;
}

int sign(const cli::Words& w, const locale::Messages& msg) {
  auto key_path = w.value("--key");
  auto out = w.value("--out");
  if (w.positional.size() != 1 || !key_path || !out) return fail_text("cli.profile.usage.sign", msg);
  const std::string& src = w.positional.front();
  Result<std::string> text = Error{};
  if (src.rfind("preset:", 0) == 0) text = policy::preset_text(src.substr(7));
  else text = read_file(src);
  if (!text) return fail(text.error(), msg);
  auto key = load_key(*key_path, true);
  if (!key) return fail(key.error(), msg);
  auto signed_text = policy::sign_profile(*text, *key, src);
  if (!signed_text) return fail(signed_text.error(), msg);
  if (auto r = write_file(*out, *signed_text, 0644, false); !r) return fail(r.error(), msg);
  std::cout << msg.text("cli.profile.signed", {{"file", *out}, {"key_id", key->key_id()}}) << "\n";
  return 0;
}

// ---- verify / show ----

Result<policy::VerifiedProfile> verify_file(const std::string& path, const std::string& db) {
  auto text = read_file(path);
  if (!text) return text.error();
  auto trust = store::TrustStore::open(db);
  if (!trust) return trust.error();
  return policy::verify_signed(*text, **trust, path);
}

std::string on_off(bool b, const locale::Messages& msg) { return msg.text(b ? "cli.profile.on" : "cli.profile.off"); }

std::string describe(const policy::Profile& p, const locale::Messages& msg) {
  std::string s;
  auto line = [&](const std::string& key, const locale::Placeholders& ph) { s += "  " + msg.text(key, ph) + "\n"; };
  line("cli.profile.show.name", {{"name", p.name}, {"version", std::to_string(p.version)}});
  if (msg.has("profile.preset." + p.name)) s += "  " + msg.text("profile.preset." + p.name) + "\n";
  std::string who;
  for (const auto* part : {&p.installer.name, &p.installer.company, &p.installer.contact})
    if (!part->empty()) who += (who.empty() ? "" : ", ") + report::terminal_safe(*part);
  line("cli.profile.show.installer", {{"installer", who}});
  // "all" first: the per-category levels below it override it.
  std::vector<std::pair<std::string, std::string>> levels(p.levels.begin(), p.levels.end());
  std::stable_partition(levels.begin(), levels.end(), [](const auto& kv) { return kv.first == "all"; });
  for (const auto& [cat, level] : levels) {
    const std::string ck = "category." + cat + ".title";
    line("cli.profile.show.level", {{"category", cat == "all" ? msg.text("cli.profile.all_categories")
                                                 : msg.has(ck)  ? msg.text(ck)
                                                                : cat},
                                    {"level", level}});
  }
  line("cli.profile.show.child_safe", {{"state", on_off(p.child_safe, msg)}});
  line("cli.profile.show.privacy_by_default", {{"state", on_off(p.privacy_by_default, msg)}});
  line("cli.profile.show.scenario", {{"scenario", p.scenario.empty() ? msg.text("cli.profile.none") : p.scenario}});
  for (const auto& n : p.notices) line("cli.profile.show.notice", {{"notice", msg.has(n) ? msg.text(n) : n}});
  return s;
}

int verify(const cli::Words& w, const locale::Messages& msg) {
  if (w.positional.size() != 1) return fail_text("cli.profile.usage.verify", msg);
  auto v = verify_file(w.positional.front(), db_path(w));
  if (!v) return fail(v.error(), msg);
  std::cout << msg.text("cli.profile.valid", {{"name", v->profile.name},
                                              {"version", std::to_string(v->profile.version)},
                                              {"key_id", v->key_id},
                                              {"installer", report::terminal_safe(v->trusted_name)}})
            << "\n";
  return 0;
}

int show(const cli::Words& w, const locale::Messages& msg) {
  if (w.positional.size() != 1) return fail_text("cli.profile.usage.show", msg);
  const std::string& path = w.positional.front();
  auto text = read_file(path);
  if (!text) return fail(text.error(), msg);
  boost::system::error_code ec;
  auto doc = boost::json::parse(*text, ec);
  if (ec) return fail(Error{ErrorCode::bad_input, "error.profile.malformed", "The profile file is not JSON", path, "",
                            {{"reason", ec.message()}, {"field", ""}}},
                      msg);
  const boost::json::value* prof = &doc;
  if (doc.is_object() && doc.as_object().if_contains("profile")) prof = &doc.as_object().at("profile");
  auto p = policy::parse_profile(*prof, path);
  if (!p) return fail(p.error(), msg);
  auto v = verify_file(path, db_path(w));
  if (w.value("--format").value_or("table") == "json") {
    boost::json::object o{{"profile", policy::profile_to_json(*p)}, {"verified", v.ok()}};
    if (v) o["key_id"] = v->key_id;
    else o["refused"] = boost::json::object{{"key", v.error().key}, {"message", v.error().message}};
    std::cout << boost::json::serialize(o) << "\n";
    return 0;
  }
  std::cout << describe(*p, msg);
  if (v) std::cout << "  " << msg.text("cli.profile.show.verified", {{"key_id", v->key_id}, {"installer", report::terminal_safe(v->trusted_name)}}) << "\n";
  else std::cout << "  " << msg.text("cli.profile.show.not_verified", {{"reason", locale::error_text(v.error(), msg)}}) << "\n";
  return 0;
}

// ---- trust ----

int trust(const cli::Words& w, const locale::Messages& msg) {
  if (w.positional.empty()) return fail_text("cli.profile.usage.trust", msg);
  const std::string& sub = w.positional.front();
  const std::string db = db_path(w);
  auto store = store::TrustStore::open(db);
  if (!store) return fail(store.error(), msg);
  if (sub == "list" && w.positional.size() == 1) {
    auto keys = (*store)->list();
    if (!keys) return fail(keys.error(), msg);
    if (w.value("--format").value_or("table") == "json") {
      boost::json::array a;
      for (const auto& k : *keys) a.push_back(boost::json::object{{"key_id", k.key_id}, {"name", k.name}, {"added_at", k.added_at}});
      std::cout << boost::json::serialize(a) << "\n";
      return 0;
    }
    if (keys->empty()) std::cout << msg.text("cli.profile.trust.none") << "\n";
    for (const auto& k : *keys)
      std::cout << msg.text("cli.profile.trust.entry", {{"key_id", k.key_id}, {"name", report::terminal_safe(k.name)}, {"added_at", k.added_at}}) << "\n";
    return 0;
  }
  if (sub == "add" && w.positional.size() == 2) {
    auto name = w.value("--name");
    if (!name || name->empty()) return fail_text("cli.profile.usage.trust", msg);
    auto key = load_key(w.positional[1], false);
    if (!key) return fail(key.error(), msg);
    auto pem = key->public_pem();
    if (!pem) return fail(pem.error(), msg);
    auto added = (*store)->add({key->key_id(), *name, *pem, ""});
    if (!added) return fail(added.error(), msg);
    log_event(db, {"key_trusted", actor(), key->key_id(), boost::json::serialize(boost::json::object{{"installer", *name}})}, msg);
    std::cout << msg.text(*added ? "cli.profile.trust.added" : "cli.profile.trust.renamed",
                          {{"key_id", key->key_id()}, {"name", report::terminal_safe(*name)}})
              << "\n";
    return 0;
  }
  if (sub == "remove" && w.positional.size() == 2) {
    const std::string& id = w.positional[1];
    auto removed = (*store)->remove(id);
    if (!removed) return fail(removed.error(), msg);
    if (!*removed) return fail_text("cli.profile.trust.unknown", msg, {{"key_id", report::terminal_safe(id)}});
    log_event(db, {"key_removed", actor(), id, "{}"}, msg);
    std::cout << msg.text("cli.profile.trust.removed", {{"key_id", id}}) << "\n";
    return 0;
  }
  return fail_text("cli.profile.usage.trust", msg);
}

// ---- apply ----
// A verified profile is compiled here and applied on the one apply path (api::Changes) rather than
// through domoguard/apply: a plan handed to that verb is taken as data (its changes, checked against
// its id) and keeps none of the profile's texts, so the journal and every later undo preview would
// show raw changes; and verifying a signed profile against this home's trusted keys is the CLI's
// (no verb reads profile files). A `profile` verb taking the signed document would bring it there.

int apply(const cli::Words& w, const locale::Messages& msg) {
  const bool demo = w.flag("--demo");
  const bool live = w.value("--url").has_value();
  const size_t want = (demo || live) ? 1 : 2;
  if (w.positional.size() != want || (demo && live)) return fail_text("cli.profile.usage.apply", msg);
  const std::string format = w.value("--format").value_or("table");
  const std::string db = db_path(w);

  // Verify before anything is read from or done to the hub.
  auto v = verify_file(w.positional.front(), db);
  if (!v) return fail(v.error(), msg);

  model::Home home;
  std::string label, hub_key;
  std::unique_ptr<hub::ha::LiveHub> hub;
  if (demo) {
    auto h = app::load_demo();
    if (!h) return fail(h.error(), msg);
    home = std::move(*h);
    label = hub_key = "demo";
  } else if (live) {
    auto token = hub::ha::read_token(w.value("--token-file").value_or(""));
    if (!token) return fail(token.error(), msg);
    hub::ha::LiveOptions opts;
    opts.url = *w.value("--url");
    opts.token = std::move(*token);
    opts.ca_file = w.value("--ca-file").value_or("");
    opts.allow_insecure = w.flag("--allow-insecure");
    label = opts.url;
    auto h = hub::ha::LiveHub::connect(opts);
    if (!h) return fail(h.error(), msg);
    hub = std::move(*h);
    auto replies = hub->fetch_replies();
    if (!replies) return fail(replies.error(), msg);
    auto parsed = hub::ha::from_replies(*replies, label, model::SourceKind::live);
    if (!parsed) return fail(parsed.error(), msg);
    home = std::move(*parsed);
    home.source = label;
    hub_key = app::home_key(home, label);
  } else {
    label = w.positional[1];
    auto h = app::load_path(label);
    if (!h) return fail(h.error(), msg);
    home = std::move(*h);
  }

  const auto findings = audit::run_audit(home).findings;
  auto plan = policy::compile_profile(v->profile, home, findings);
  if (!plan) return fail(plan.error(), msg);
  const std::string preview = format == "json" ? report::plan_json(*plan, msg) : report::plan_table(*plan, msg);
  if (!demo && !live) {
    // A snapshot cannot be changed: the preview is the whole answer.
    std::cout << preview;
    if (format != "json") std::cout << "\n" << msg.text("cli.profile.preview_only") << "\n";
    return 0;
  }
  if (format != "json") std::cout << preview << "\n";
  if (!w.flag("--yes")) {
    if (!isatty(STDIN_FILENO)) return fail_text("cli.profile.needs_yes", msg);
    std::cout << msg.text("cli.apply.confirm", {{"count", std::to_string(plan->actions.size())}}) << " " << std::flush;
    std::string answer;
    if (!std::getline(std::cin, answer) || !cli::confirmed(answer, msg)) {
      std::cout << msg.text("cli.apply.cancelled") << "\n";
      return 0;
    }
  }

  // The demo home lives only for this run, so its journal does too, and nothing is recorded.
  auto journal = store::Journal::open(demo ? ":memory:" : db);
  if (!journal) return fail(journal.error(), msg);
  std::unique_ptr<store::EventLog> log;
  if (!demo) {
    // Applying without a record would defeat the log: refuse before touching the hub.
    auto l = store::EventLog::open(db);
    if (!l) return fail(l.error(), msg);
    log = std::move(*l);
  }
  std::unique_ptr<policy::HubPort> port;
  if (hub) port = std::make_unique<hub::ha::LivePort>(*hub);
  else port = std::make_unique<policy::ModelPort>(home);
  policy::ApplyOptions opts;
  opts.hub = hub_key;
  opts.actor = actor();
  if (auto t = w.value("--verify-timeout")) opts.verify_timeout_ms = std::max(0, std::atoi(t->c_str()));
  api::Changes changes(**journal, demo ? "" : db);
  auto done = changes.apply(*plan, *port, opts);
  if (!done) return fail(done.error(), msg);
  if (!done->recovered.empty()) std::cerr << "domoguard: " << api::recovered_text(done->recovered, msg) << "\n";
  const policy::ApplyResult* r = &done->result;

  // The plan's own events (applied or failed) are logged by the apply path; this says which profile it was.
  if (log && r->ok) {
    boost::json::object details{{"name", v->profile.name},     {"version", v->profile.version}, {"key_id", v->key_id},
                                {"plan_id", plan->id},         {"journal_id", r->journal_id},
                                {"actions", plan->actions.size()}, {"ok", r->ok}};
    auto appended = log->append({"profile_applied", actor(), v->profile.name,
                                 boost::json::serialize(details)});
    if (!appended) cli::print_error(appended.error(), msg);
  }
  if (r->ok && !demo) {
    auto trust = store::TrustStore::open(db);
    if (!trust) return fail(trust.error(), msg);
    if (auto rv = (*trust)->record_applied(v->profile.name, v->profile.version, v->key_id); !rv) return fail(rv.error(), msg);
  }

  if (format == "json") {
    boost::json::array steps;
    for (const auto& s : r->steps)
      steps.push_back(boost::json::object{{"kind", s.action.kind}, {"target", s.action.target}, {"after", s.action.after},
                                          {"changed", s.outcome == policy::StepOutcome::changed},
                                          {"failed", s.outcome == policy::StepOutcome::failed}, {"error", s.error}});
    boost::system::error_code ec;
    auto pv = boost::json::parse(preview, ec);
    std::cout << boost::json::serialize(boost::json::object{{"profile", v->profile.name},
                                                            {"version", v->profile.version},
                                                            {"plan", ec ? boost::json::value(nullptr) : pv},
                                                            {"journal_id", r->journal_id},
                                                            {"ok", r->ok},
                                                            {"rolled_back", r->rolled_back},
                                                            {"nothing_to_change", r->nothing_to_change},
                                                            {"steps", std::move(steps)}})
              << "\n";
  } else if (r->ok && demo) {
    std::cout << msg.text("cli.profile.applied_demo", {{"name", v->profile.name}, {"version", std::to_string(v->profile.version)}})
              << "\n";
  } else if (r->nothing_to_change) {
    std::cout << msg.text("cli.apply.nothing") << "\n";
  } else if (r->ok) {
    std::cout << msg.text("cli.profile.applied", {{"name", v->profile.name}, {"version", std::to_string(v->profile.version)},
                                                  {"journal_id", std::to_string(r->journal_id)}})
              << "\n";
  } else {
    std::cout << msg.text(r->rolled_back ? "cli.apply.rolled_back" : "cli.apply.failed",
                          {{"reason", report::terminal_safe(locale::error_text(r->error, msg))}})
              << "\n";
  }
  if (r->ok) return 0;
  return r->error.code == ErrorCode::unreachable ? 3 : 5;
}

}  // namespace

int cmd_profile(int argc, char** argv) {
  auto w = cli::Words::parse(argc, argv, 1, kValued, kFlags);
  locale::Messages msg(w.value("--lang").value_or(cli::env_lang()));
  if (!w.error.empty()) {
    std::cerr << "domoguard: " << w.error << "\n" << msg.text("cli.help.profile");
    return 2;
  }
  if (w.flag("--help") || w.positional.empty()) {
    (w.flag("--help") ? std::cout : std::cerr) << msg.text("cli.help.profile");
    return w.flag("--help") ? 0 : 2;
  }
  const std::string sub = w.positional.front();
  cli::Words rest = w;
  rest.positional.erase(rest.positional.begin());
  if (sub == "keygen") return keygen(rest, msg);
  if (sub == "presets") return presets(msg);
  if (sub == "sign") return sign(rest, msg);
  if (sub == "verify") return verify(rest, msg);
  if (sub == "show") return show(rest, msg);
  if (sub == "trust") return trust(rest, msg);
  if (sub == "apply") return apply(rest, msg);
  std::cerr << "domoguard: " << msg.text("cli.profile.unknown", {{"verb", report::terminal_safe(sub)}}) << "\n";
  return 2;
}
