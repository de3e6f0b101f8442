// `domoguard hold`: modes that hold (issue 18) — which hold, pause or resume one, choose
// "put it back" or "tell me". Goes through the domoguard/hold verbs like every front end.
#include <boost/json.hpp>
#include <iostream>

#include "api/service.hpp"
#include "app/source.hpp"
#include "cli_words.hpp"
#include "commands.hpp"
#include "commands_report.hpp"
#include "source.hpp"
#include "surface.hpp"
#include "locale/messages.hpp"
#include "report/render.hpp"
#include "store/history.hpp"

using namespace domoguard;
namespace json = boost::json;

namespace {

int fail(const std::string& m, int code = 2) {
  std::cerr << "domoguard: " << m << "\n";
  return code;
}
int fail(const Error& e, const locale::Messages& msg) { return fail(cli::error_line(e, msg), cli::exit_code(e)); }

std::optional<int64_t> number(const std::string& s) {
  if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::stoll(s);
}

}  // namespace

int cmd_hold(int argc, char** argv) {
  cli::Words w;
  if (auto err = cli::parse_words(argc, argv, "hold",
                                  {"--lang", "--format", "--user", "--db", "--url", "--token-file", "--ca-file", "--minutes", "--seconds"},
                                  {"--help", "--demo", "--allow-insecure"}, w))
    return fail(*err + "; see `domoguard hold --help`");
  const locale::Messages msg(w.value("--lang").value_or(cli::env_lang()));
  if (w.flag("--help")) {
    std::cout << msg.text("cli.help.hold");
    return 0;
  }
  const std::string format = w.value("--format").value_or("table");
  if (format != "table" && format != "json") return fail("--format must be table or json");
  auto pos = w.positional;

  // What to do: status (default), pause MODE, resume MODE, set MODE restore|notify; then the SOURCE.
  std::string action = "status", mode, policy_name;
  if (!pos.empty() && (pos.front() == "status" || pos.front() == "pause" || pos.front() == "resume" || pos.front() == "set")) {
    action = pos.front();
    pos.erase(pos.begin());
  }
  if (action != "status") {
    if (pos.empty()) return fail("hold " + action + " needs a MODE (child_safe, scenario, level, privacy_default)");
    mode = pos.front();
    pos.erase(pos.begin());
  }
  if (action == "set") {
    if (pos.empty()) return fail("hold set MODE needs restore or notify");
    policy_name = pos.front();
    pos.erase(pos.begin());
  }
  int64_t seconds = 0;
  if (action == "pause") {
    auto m = w.value("--minutes"), s = w.value("--seconds");
    if (!m == !s) return fail("hold pause needs --minutes N or --seconds N");
    auto n = number(m ? *m : *s);
    if (!n) return fail("--minutes and --seconds take a whole number");
    seconds = m ? *n * 60 : *n;
  }

  auto source = cli::load_source(w, pos, {"hold"});
  if (!source) return fail(source.error(), msg);
  model::Home home = std::move(source->home);
  const std::string label = source->label;

  // Reading or pausing the modes is not an audit: nothing is added to the history.
  auto service = cli::open_service(w.value("--db").value_or(store::History::default_path()), msg, std::move(home), label, false);
  if (!service) return fail(service.error(), msg);

  json::object req;
  if (auto u = w.value("--user")) req["user"] = *u;
  if (action == "pause" || action == "resume") {
    req["type"] = "domoguard/hold/pause";
    req["mode"] = mode;
    req["seconds"] = seconds;
  } else if (action == "set") {
    req["type"] = "domoguard/settings/set";
    req["hold"] = json::object{{mode, policy_name}};
  }
  if (req.contains("type"))
    if (auto r = cli::call(**service, req, msg); !r) return fail(r.error().message);
  auto status = cli::call(**service, {{"type", "domoguard/hold"}}, msg);
  if (!status) return fail(status.error().message, 4);
  const auto& s = status->as_object();
  if (format == "json") {
    std::cout << json::serialize(s) << "\n";
    return 0;
  }
  for (const auto& m : s.at("modes").as_array()) {
    const auto& o = m.as_object();
    const std::string state = !o.at("paused_until").is_null()
                                  ? msg.text("cli.hold.state.paused", {{"until", std::string(o.at("paused_until").as_string())}})
                                  : msg.text(o.at("in_force").as_bool() ? "cli.hold.state.holding" : "cli.hold.state.off");
    std::cout << msg.text("cli.hold.line", {{"mode", std::string(o.at("title").as_string())},
                                            {"state", state},
                                            {"policy", msg.text("cli.hold.policy." + std::string(o.at("policy").as_string()))}})
              << "\n";
  }
  for (const auto& f : s.at("fights").as_array())
    std::cout << msg.text("cli.hold.fight", {{"name", report::terminal_safe(std::string(f.at("entity_name").as_string()), 80)},
                                             {"count", std::to_string(f.at("attempts").as_int64())}})
              << "\n";
  return 0;
}
