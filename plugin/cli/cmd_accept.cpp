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
#include "surface.hpp"
#include "locale/messages.hpp"
#include "report/render.hpp"
#include "store/history.hpp"
#include "util/clock.hpp"

using namespace domoguard;
namespace json = boost::json;

namespace {

int fail(const std::string& m, int code = 2) {
  std::cerr << "domoguard: " << m << "\n";
  return code;
}
int fail(const Error& e, const locale::Messages& msg) {
  return fail(cli::error_line(e, msg), cli::exit_code(e));
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
  json::object req{{"key", key}, {"user", who(w)}};
  if (w.flag("--withdraw")) {
    req["type"] = "domoguard/accept/withdraw";
  } else {
    if (!w.value("--reason"))
      return fail(Error{ErrorCode::bad_input, "error.accept.no_reason", "Say why the risk is accepted (--reason)", "", ""}, msg);
    req["type"] = "domoguard/accept";
    req["reason"] = *w.value("--reason");
    if (auto until = w.value("--until")) req["until"] = *until;
  }
  auto done = cli::call_verb(w.value("--db").value_or(store::History::default_path()), msg, std::move(loaded->home),
                             loaded->label, std::move(req), false);
  // The service says its refusals in the reader's language already.
  if (!done) return fail(done.error().message, cli::exit_code(done.error()));
  const auto& o = done->as_object();
  if (w.flag("--withdraw"))
    std::cout << msg.text("cli.accept.withdrawn", {{"count", std::to_string(o.at("withdrawn").as_int64())}}) << "\n";
  else
    std::cout << msg.text("cli.accept.done", {{"until", std::string(o.at("until").as_string())},
                                              {"count", std::to_string(o.at("accepted").as_array().size())}})
              << "\n";
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
  const std::string hub_name = loaded->home.hub.name;
  // Reading the list is also when decisions past their date end (and are logged as ended).
  auto rows = cli::call_verb(w.value("--db").value_or(store::History::default_path()), msg, std::move(loaded->home),
                             loaded->label, {{"type", "domoguard/accepted"}, {"all", w.flag("--all")}}, false);
  if (!rows) return fail(rows.error().message, cli::exit_code(rows.error()));
  if (format == "json") {
    std::cout << json::serialize(*rows) << "\n";
    return 0;
  }
  std::cout << msg.text("cli.accepted.heading", {{"name", report::terminal_safe(hub_name)}}) << "\n";
  const auto& list = rows->as_array();
  if (list.empty()) std::cout << msg.text("cli.accepted.none") << "\n";
  for (const auto& row : list) {
    const auto& a = row.as_object();
    auto f = [&](const char* k) { return std::string(a.at(k).as_string()); };
    std::cout << "  "
              << msg.text("cli.accepted.row", {{"state", msg.text("accept.state." + f("state"))},
                                               {"key", report::terminal_safe(f("key"))},
                                               {"actor", report::terminal_safe(f("by"), 60)},
                                               {"accepted_at", f("accepted_at")},
                                               {"until", f("until")},
                                               {"reason", report::terminal_safe(f("reason"), 300)}})
              << "\n";
  }
  return 0;
}
