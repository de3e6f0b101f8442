// `domoguard accept` and `domoguard accepted`: risks a household decides to live with for a while,
// with its reason and an end date (app/accept), kept beside the audit history.
#include <boost/json.hpp>
#include <cstdlib>
#include <iostream>

#include "app/accept.hpp"
#include "app/source.hpp"
#include "audit/engine.hpp"
#include "cli_words.hpp"
#include "commands.hpp"
#include "commands_report.hpp"
#include "source.hpp"
#include "locale/messages.hpp"
#include "report/render.hpp"
#include "store/history.hpp"
#include "util/clock.hpp"

using namespace domoguard;

namespace {

int fail(const std::string& m, int code = 2) {
  std::cerr << "domoguard: " << m << "\n";
  return code;
}
int fail(const Error& e, const locale::Messages& msg) {
  // Refusals with a catalogue text are said in the reader's language.
  std::string said = e.describe();
  if (e.key.rfind("error.accept.", 0) == 0 && msg.has(e.key)) said = msg.text(e.key, e.placeholders);
  return fail(said, cli::exit_code(e));
}

std::string who(const cli::Words& w) {
  if (auto by = w.value("--by")) return *by;
  const char* user = std::getenv("USER");
  return user && *user ? user : "cli";
}

const std::vector<std::string> kValued = {"--lang", "--reason", "--until", "--by", "--db", "--format", "--url", "--token-file", "--ca-file"};
const std::vector<std::string> kFlags = {"--help", "--demo", "--withdraw", "--all", "--allow-insecure"};

}  // namespace

int cmd_accept(int argc, char** argv) {
  cli::Words w;
  if (auto err = cli::parse_words(argc, argv, "accept", kValued, kFlags, w)) return fail(*err + "; see `domoguard accept --help`");
  const locale::Messages msg(w.value("--lang").value_or(cli::env_lang()));
  if (w.flag("--help")) {
    std::cout << msg.text("cli.help.accept");
    return 0;
  }
  if (w.positional.empty()) return fail("accept needs a finding KEY (RULE|kind:id) or a group (RULE|kind:*); see `domoguard accept --help`");
  const std::string key = w.positional.back();
  std::vector<std::string> rest = w.positional;
  rest.pop_back();
  auto loaded = cli::load_source(w, rest, {"accept"});
  if (!loaded) return fail(loaded.error(), msg);
  auto result = audit::run_audit(loaded->home);
  const std::string db = w.value("--db").value_or(store::History::default_path());
  const std::string home_key = app::home_key(loaded->home, loaded->label);
  const std::string now = util::now_utc();
  if (w.flag("--withdraw")) {
    auto n = app::withdraw(db, home_key, key, who(w), now);
    if (!n) return fail(n.error(), msg);
    std::cout << msg.text("cli.accept.withdrawn", {{"count", std::to_string(*n)}}) << "\n";
    return 0;
  }
  if (!w.value("--reason")) return fail(Error{ErrorCode::bad_input, "error.accept.no_reason", "Say why the risk is accepted (--reason)", "", ""}, msg);
  app::AcceptRequest req{home_key, key, *w.value("--reason"), w.value("--until").value_or(""), who(w), now};
  auto done = app::accept(db, req, result.findings);
  if (!done) return fail(done.error(), msg);
  std::cout << msg.text("cli.accept.done", {{"until", done->front().until}, {"count", std::to_string(done->size())}}) << "\n";
  return 0;
}

int cmd_accepted(int argc, char** argv) {
  cli::Words w;
  if (auto err = cli::parse_words(argc, argv, "accepted", kValued, kFlags, w)) return fail(*err + "; see `domoguard accepted --help`");
  const locale::Messages msg(w.value("--lang").value_or(cli::env_lang()));
  if (w.flag("--help")) {
    std::cout << msg.text("cli.help.accepted");
    return 0;
  }
  const std::string format = w.value("--format").value_or("table");
  if (format != "table" && format != "json") return fail("--format must be table or json (got \"" + format + "\")");
  auto loaded = cli::load_source(w, w.positional, {"accepted"});
  if (!loaded) return fail(loaded.error(), msg);
  auto result = audit::run_audit(loaded->home);
  const std::string db = w.value("--db").value_or(store::History::default_path());
  const std::string home_key = app::home_key(loaded->home, loaded->label);
  // Reading the list is also when decisions past their date end (and are logged as ended).
  auto holding = app::review(db, home_key, result.findings, util::now_utc());
  if (!holding) return fail(holding.error(), msg);
  auto st = store::Acceptances::open(db);
  if (!st) return fail(st.error(), msg);
  auto rows = w.flag("--all") ? (*st)->all(home_key) : (*st)->active(home_key);
  if (!rows) return fail(rows.error(), msg);
  if (format == "json") {
    boost::json::array out;
    for (const auto& a : *rows)
      out.push_back(boost::json::object{{"key", a.key}, {"state", a.state}, {"reason", a.reason}, {"by", a.actor},
                                        {"accepted_at", a.accepted_at}, {"until", a.until}, {"ended_at", a.ended_at}});
    std::cout << boost::json::serialize(out) << "\n";
    return 0;
  }
  std::cout << msg.text("cli.accepted.heading", {{"name", report::terminal_safe(loaded->home.hub.name)}}) << "\n";
  if (rows->empty()) std::cout << msg.text("cli.accepted.none") << "\n";
  for (const auto& a : *rows)
    std::cout << "  "
              << msg.text("cli.accepted.row", {{"state", msg.text("accept.state." + a.state)},
                                               {"key", report::terminal_safe(a.key)},
                                               {"actor", report::terminal_safe(a.actor, 60)},
                                               {"accepted_at", a.accepted_at},
                                               {"until", a.until},
                                               {"reason", report::terminal_safe(a.reason, 300)}})
              << "\n";
  return 0;
}
