// domoguard: the command-line host. Audits a home, explains the catalogue, and plans, applies and
// undoes changes to the hub.
// Exit codes: 0 ran (apply/undo: every step done); 1 findings at or above --fail-on; 2 bad input or
// usage; 3 hub unreachable or authentication refused; 4 local storage trouble; 5 apply/undo: a step
// failed and the plan was rolled back (or undo left a target someone changed since); 6 untrusted
// profile or log; 7 audit/report: not enough data to score (the hub's device and entity registries
// are missing or empty), whatever --fail-on says.
#include <unistd.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <algorithm>
#include <boost/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "app/accept.hpp"
#include "app/events.hpp"
#include "app/source.hpp"
#include "commands.hpp"
#include "commands_report.hpp"
#include "source.hpp"
#include "surface.hpp"
#include "audit/engine.hpp"
#include "audit/enough.hpp"
#include "hub/ha/live.hpp"
#include "hub/ha/live_port.hpp"
#include "locale/messages.hpp"
#include "api/verbs.hpp"
#include "policy/compile.hpp"
#include "policy/model_port.hpp"
#include "report/render.hpp"
#include "report/render_plan.hpp"
#include "store/history.hpp"
#include "util/clock.hpp"

namespace {

using namespace domoguard;
namespace json = boost::json;

// Command-line words: positional arguments and --options (with or without a value).
using Args = cli::Words;

// Options that take a value; everything else starting with -- is a flag.
const std::vector<std::string> kValued = {"--format", "--lang", "--fail-on", "--db", "--output", "--url", "--token-file",
                                          "--ca-file", "--verify-timeout",
                                          // plan selectors (policy::parse_selector reads them in order)
                                          "--level", "--category", "--child-safe", "--scenario", "--privacy-default",
                                          "--device", "--fix", "--profile", "--plan"};
const std::vector<std::string> kSelectorWords = {"--level", "--category", "--child-safe", "--scenario",
                                                 "--privacy-default", "--device", "--fix", "--profile"};
const std::vector<std::string> kFlags = {"--help", "--demo", "--since-last", "--no-history", "--no-color", "--version",
                                         "--allow-insecure", "--yes", "--all"};

std::optional<std::string> parse(int argc, char** argv, int from, Args& out) {
  return cli::parse_from(argc, argv, from, kValued, kFlags, out);
}

using cli::env_lang;

int fail(const std::string& msg, int code = 2) {
  std::cerr << "domoguard: " << msg << "\n";
  return code;
}

int fail(const Error& e, const locale::Messages& msg) { return fail(cli::error_line(e, msg), cli::exit_code(e)); }

bool write_out(const Args& args, const std::string& text) {
  // Written beside the target and renamed, so a failure never leaves half a report.
  if (auto path = args.value("--output")) return cli::write_file_whole(*path, text);
  std::cout << text;
  return static_cast<bool>(std::cout.flush());
}

int cmd_audit(const Args& args, const locale::Messages& msg) {
  if (args.flag("--help")) {
    std::cout << msg.text("cli.help.audit");
    return 0;
  }
  const std::string format = args.value("--format").value_or("table");
  if (format != "table" && format != "json" && format != "sarif")
    return fail("--format must be table, json or sarif (got \"" + format + "\")");
  std::optional<audit::Severity> fail_on;
  if (auto f = args.value("--fail-on")) {
    audit::Severity s;
    if (!audit::parse_severity(*f, s)) return fail("--fail-on must be one of info, low, medium, high, critical");
    fail_on = s;
  }

  auto source = cli::load_source(args, args.positional, {"audit"});
  if (!source) return fail(source.error(), msg);
  // An audit with nothing to judge is not kept: its score would read as a pass in the history.
  const bool scored = audit::enough_to_score(source->home);
  const bool keep = !args.flag("--no-history") && scored;
  if (args.flag("--since-last") && !keep) return fail("--since-last needs the audit history; drop --no-history");
  // --all: the table lists every group (the JSON and SARIF keep the first screen's grouping).
  const bool all = format == "table" && args.flag("--all");
  auto reply = cli::call_verb(keep ? args.value("--db").value_or(store::History::default_path()) : "", msg,
                         std::move(source->home), source->label,
                         json::object{{"type", "domoguard/audit"}, {"all", all}});
  if (!reply) return fail(reply.error(), msg);
  auto& doc = reply->as_object();
  // The reply's own since_last is the panel's; the CLI prints the history's (--since-last) as it always has.
  json::object since = doc["since_last"].as_object();
  doc.erase("since_last");
  doc.erase("audited_at");
  if (args.flag("--since-last")) {
    json::object s{{"has_previous", since["has_previous"]}};
    if (since["has_previous"].as_bool()) {
      s["previous_audit"] = since["previous_audit"];
      s["previous_at"] = since["previous_at"];
      s["previous_score"] = since["previous_score"];
      s["new"] = since["new"];
      s["resolved"] = since["resolved_findings"];
    }
    doc["since_last"] = std::move(s);
  }
  const std::string audit_doc = json::serialize(doc) + "\n";
  std::string text;
  if (format == "json") text = audit_doc;
  else if (format == "sarif") text = report::audit_sarif(audit_doc, msg);
  else {
    const bool color = !args.flag("--no-color") && !args.value("--output") && isatty(STDOUT_FILENO) &&
                       std::getenv("NO_COLOR") == nullptr;
    text = report::audit_table(audit_doc, msg, color, all);
  }
  if (!write_out(args, text)) return fail("cannot write the output", 4);

  if (!scored) return cli::kExitUnscored;
  if (fail_on)
    for (const auto& f : doc["findings"].as_array()) {
      audit::Severity s = audit::Severity::info;
      if (audit::parse_severity(std::string(f.at("severity").as_string()), s) && s >= *fail_on) return 1;
    }
  return 0;
}

// Verbs that need no home (catalog, explain): a service without one answers them.
Result<json::value> call_homeless(json::object request, const locale::Messages& msg) {
  auto service = api::Service::create({"", msg.lang()});
  if (!service) return service.error();
  return cli::call(**service, std::move(request), msg);
}

int cmd_catalog(const Args& args, const locale::Messages& msg) {
  if (args.flag("--help")) {
    std::cout << msg.text("cli.help.catalog");
    return 0;
  }
  const std::string format = args.value("--format").value_or("table");
  if (format != "table" && format != "json") return fail("--format must be table or json");
  auto c = call_homeless({{"type", "domoguard/catalog"}}, msg);
  if (!c) return fail(c.error(), msg);
  const std::string doc = json::serialize(*c) + "\n";
  if (!write_out(args, format == "json" ? doc : report::catalog_table(doc, msg))) return fail("cannot write the output", 4);
  return 0;
}

int cmd_explain(const Args& args, const locale::Messages& msg) {
  if (args.flag("--help") || args.positional.size() != 1) {
    std::cout << msg.text("cli.help.explain");
    return args.flag("--help") ? 0 : 2;
  }
  auto r = call_homeless({{"type", "domoguard/explain"}, {"rule", args.positional.front()}}, msg);
  if (!r && r.error().key == "error.api.unknown_rule")
    return fail("no rule named \"" + report::terminal_safe(args.positional.front()) + "\"; `domoguard catalog` lists them");
  if (!r) return fail(r.error(), msg);
  std::cout << std::string_view(r->at("text").as_string());
  return 0;
}

// ---- plan / apply / undo ----------------------------------------------------------------------
// Through the one surface (api::Service::handle), as the panel and the integration: plan previews
// with domoguard/plan; apply carries out with domoguard/apply either the plan just previewed (its id
// sent as plan_id: a home that changed in between is refused, never something else applied) or the
// plan a person reviewed (--plan FILE, a plan printed by `plan --format json`: sent as `plan`,
// checked against its id, nothing compiled again); undo takes a journal id or a plan id; and
// --verify-timeout is verify_timeout_ms. Plans a crash cut off are rolled back first
// (domoguard/recover), then the live home is read again. What only a terminal does stays here:
// asking between the preview and the change, and printing the replies as tables or JSON.

// The demo home lives only for this run, so its journal does too; real hubs share the history file.
// A plan that reads no journal (no "off" selector) opens no file at all.
Result<std::unique_ptr<api::Service>> open_changes(const Args& args, cli::Source& src, const locale::Messages& msg,
                                                   bool acting, bool journal) {
  api::ServiceOptions so;
  so.db_path = src.demo || !(acting || journal) ? "" : args.value("--db").value_or(store::History::default_path());
  so.lang = msg.lang();
  so.keep_audits = false;             // changing the hub is not an audit of it
  so.live = src.live != nullptr;
  so.max_request_bytes = 17u << 20;   // a reviewed plan file of up to 16 MiB
  if (acting) {
    hub::ha::LiveHub* live = src.live.get();
    so.port = [live](model::Home& home) -> Result<std::unique_ptr<policy::HubPort>> {
      if (live) return std::unique_ptr<policy::HubPort>(new hub::ha::LivePort(*live));
      return std::unique_ptr<policy::HubPort>(new policy::ModelPort(home));
    };
  }
  auto service = api::Service::create(so);
  if (!service) return service.error();
  if (auto r = (*service)->set_home(std::move(src.home), src.label); !r) return r.error();
  return service;
}

json::array selector_words(const Args& args) {
  json::array words;
  for (const auto& [k, v] : args.options)
    if (std::find(kSelectorWords.begin(), kSelectorWords.end(), k) != kSelectorWords.end()) {
      words.emplace_back(k);
      words.emplace_back(v);
    }
  return words;
}

std::string str(const json::object& o, std::string_view k) {
  const auto* v = o.if_contains(k);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

// The CLI's JSON of a change, from the verb's reply: for an undo, the plan is the undo's own changes.
std::string result_json(const json::object& r, const std::vector<int64_t>& recovered_first) {
  json::object o;
  o["plan"] = r.contains("undo_plan") ? r.at("undo_plan") : r.at("plan");
  o["journal_id"] = r.at("journal_id");
  o["ok"] = r.at("ok");
  o["rolled_back"] = r.at("rolled_back");
  o["failed_step"] = r.at("failed_step");
  o["nothing_to_change"] = r.at("nothing_to_change");
  if (!r.at("ok").as_bool()) o["error"] = json::object{{"key", r.at("error_key")}, {"message", r.at("error")}};
  json::array steps;
  for (const auto& s : r.at("steps").as_array()) {
    json::object step = s.as_object();
    step.erase("message");   // the table's words; the JSON names the change itself
    steps.push_back(std::move(step));
  }
  o["steps"] = std::move(steps);
  json::array rec;
  for (auto id : recovered_first) rec.push_back(id);
  for (const auto& id : r.at("recovered").as_array()) rec.push_back(id);
  o["recovered"] = std::move(rec);
  return json::serialize(o) + "\n";
}

std::string result_table(const json::object& r, const locale::Messages& msg) {
  std::string out;
  const auto& steps = r.at("steps").as_array();
  int kept = 0, irreversible = 0;   // what undo can put back: a revoked token (model::undoable) is not
  for (size_t i = 0; i < steps.size(); ++i) {
    const auto& s = steps[i].as_object();
    const std::string outcome = str(s, "outcome"), error = str(s, "error");
    out += "  " + std::to_string(i + 1) + ". [" + msg.text("cli.apply.outcome." + outcome) + "] " + str(s, "message");
    if (!error.empty()) out += " — " + report::terminal_safe(error);
    out += "\n";
    if (outcome == "changed") ++(model::undoable(str(s, "kind")) ? kept : irreversible);
  }
  const std::string reason = report::terminal_safe(str(r, "error"));
  if (r.at("nothing_to_change").as_bool()) out += msg.text("cli.apply.nothing") + "\n";
  else if (r.at("ok").as_bool()) {
    const char* key = irreversible == 0 ? "cli.apply.done" : kept == 0 ? "cli.apply.done_irreversible" : "cli.apply.done_partly";
    out += msg.text(key, {{"journal_id", std::to_string(r.at("journal_id").as_int64())}}) + "\n";
  }
  else if (r.at("rolled_back").as_bool()) out += msg.text("cli.apply.rolled_back", {{"reason", reason}}) + "\n";
  else out += msg.text("cli.apply.failed", {{"reason", reason}}) + "\n";
  return out;
}

int result_code(const json::object& r) {
  if (r.at("ok").as_bool()) return 0;
  return str(r, "error_code") == "unreachable" ? 3 : 5;
}

// A plan as `plan --format json` printed it, read no further than 16 MiB whatever the file is
// (/dev/zero, a pipe). Only what apply needs is sent on: the changes and the id they are checked against.
Result<json::object> read_plan_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return Error{ErrorCode::bad_input, "error.plan.file", "Cannot read the plan file", path, ""};
  constexpr std::size_t kMaxPlanBytes = 16u << 20;
  std::string text(kMaxPlanBytes + 1, '\0');
  f.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(f.gcount()));
  if (text.size() > kMaxPlanBytes)
    return Error{ErrorCode::bad_input, "error.plan.file", "The plan file is larger than 16 MiB", path, ""};
  boost::system::error_code ec;
  json::parse_options po;
  po.max_depth = 8;
  auto v = json::parse(text, ec, {}, po);
  if (ec || !v.is_object() || !v.as_object().if_contains("actions") || !v.as_object().at("actions").is_array())
    return Error{ErrorCode::bad_input, "error.plan.file", "The plan file is not a plan printed by `domoguard plan --format json`",
                 path, ec ? "byte " + std::to_string(text.size()) : ""};
  const auto& o = v.as_object();
  json::object plan;
  for (const char* k : {"id", "kind", "selector"})
    if (const auto* x = o.if_contains(k)) plan[k] = *x;
  json::array actions;
  for (const auto& x : o.at("actions").as_array()) {
    if (!x.is_object()) {
      actions.push_back(x);   // refused by the verb, which says which action
      continue;
    }
    json::object a;
    for (const char* k : {"kind", "target", "param", "before", "after", "rule"})
      if (const auto* y = x.as_object().if_contains(k)) a[k] = *y;
    actions.push_back(std::move(a));
  }
  plan["actions"] = std::move(actions);
  return plan;
}

int cmd_plan_like(const std::string& verb, const Args& args, const locale::Messages& msg) {
  if (args.flag("--help")) {
    std::cout << msg.text("cli.help." + verb);
    return 0;
  }
  const std::string format = args.value("--format").value_or("table");
  if (format != "table" && format != "json") return fail("--format must be table or json");
  const bool acting = verb != "plan";
  std::optional<std::string> undo_ref;  // undo [PLAN_ID]
  std::vector<std::string> rest = args.positional;  // the SOURCE path, once the verb's own words are taken
  if (verb == "undo" && !args.positional.empty()) {
    undo_ref = args.positional.front();
    rest.erase(rest.begin());
  }
  if (verb == "undo" && args.positional.size() > 1) return fail("undo takes at most one PLAN_ID; see `domoguard undo --help`");

  const json::array words = selector_words(args);
  std::optional<policy::Selector> sel;
  std::optional<json::object> file_plan;
  const auto plan_path = args.value("--plan");
  if (plan_path && verb == "apply") {
    if (!words.empty()) return fail("give either --plan FILE or a selector, not both");
    auto p = read_plan_file(*plan_path);
    if (!p) return fail(p.error(), msg);
    file_plan = std::move(*p);
  } else if (verb != "undo") {
    if (words.empty()) return fail(verb + " needs a SELECTOR; see `domoguard " + verb + " --help`");
    std::vector<std::string> w;
    for (const auto& x : words) w.emplace_back(x.as_string());
    auto s = policy::parse_selector(w);
    if (!s) return fail(s.error(), msg);
    sel = std::move(*s);
  } else if (!words.empty()) {
    return fail("undo takes a PLAN_ID, not a selector; `domoguard apply --child-safe off` undoes child-safe mode");
  }
  // "Off" selectors undo the plan that switched the mode on; plan previews it, apply does it.
  const bool by_journal = sel && !sel->on &&
                          (sel->kind == policy::Selector::Kind::child_safe ||
                           sel->kind == policy::Selector::Kind::privacy_default);

  auto source = cli::load_source(args, rest, {verb, acting, !acting, true});
  if (!source) return fail(source.error(), msg);
  auto opened = open_changes(args, *source, msg, acting, by_journal);
  if (!opened) return fail(opened.error(), msg);
  api::Service& service = **opened;

  // Plans left half-applied by a crash or a hub restart are rolled back before anything new is done
  // (then the live home is read again, so the plan is made against what the hub holds now).
  std::vector<int64_t> recovered;
  if (acting) {
    auto rec = cli::call(service, {{"type", "domoguard/recover"}}, msg);
    if (!rec) return fail(rec.error(), msg);
    for (const auto& id : rec->at("recovered").as_array()) recovered.push_back(id.as_int64());
    if (!recovered.empty()) {
      std::cerr << "domoguard: " << str(rec->as_object(), "message") << "\n";
      if (source->live) {
        if (auto r = cli::refresh_live(*source); !r) return fail(r.error(), msg);
        if (auto r = service.set_home(std::move(source->home), source->label); !r) return fail(r.error(), msg);
      }
    }
  }

  json::object common;   // who asks, and how long a change may take to show
  if (acting) {
    if (const char* u = std::getenv("USER"); u && *u) common["user"] = std::string(u);
    if (auto v = args.value("--verify-timeout")) common["verify_timeout_ms"] = std::clamp(std::atoi(v->c_str()), 0, 300000);
  }

  if (verb == "undo" || by_journal) {
    json::object req = common;
    req["type"] = acting ? "domoguard/undo" : "domoguard/plan";
    if (by_journal) req["selector"] = words;
    else if (undo_ref) {
      const bool numeric = !undo_ref->empty() && undo_ref->find_first_not_of("0123456789") == std::string::npos;
      if (numeric) req["journal_id"] = std::stoll(undo_ref->substr(0, 15));
      else req["plan_id"] = *undo_ref;
    }
    auto r = cli::call(service, std::move(req), msg);
    if (!r && r.error().key == "error.api.nothing_to_undo") {
      const bool cs = by_journal && sel->kind == policy::Selector::Kind::child_safe;
      return fail(msg.text(!by_journal ? "cli.undo.nothing" : cs ? "cli.undo.no_child_safe" : "cli.undo.no_privacy_default"), 2);
    }
    if (!r && r.error().key == "error.api.no_plan_to_undo")
      return fail("no applied plan " + report::terminal_safe(*undo_ref) + " with changes left to undo in the journal", 2);
    if (!r) return fail(r.error(), msg);
    const auto& reply = r->as_object();
    const auto& undo_plan = reply.at("undo_plan").as_object();
    if (!acting) {
      if (!write_out(args, format == "json" ? json::serialize(undo_plan) + "\n" : report::plan_table(undo_plan, msg)))
        return fail("cannot write the output", 4);
      return 0;
    }
    if (format != "json") std::cout << report::plan_table(undo_plan, msg) << "\n";
    if (!write_out(args, format == "json" ? result_json(reply, recovered) : result_table(reply, msg)))
      return fail("cannot write the output", 4);
    return result_code(reply);
  }

  // The preview: what apply will carry out.
  json::object preq{{"type", "domoguard/plan"}};
  if (file_plan) preq["plan"] = *file_plan;
  else preq["selector"] = words;
  auto previewed = cli::call(service, std::move(preq), msg);
  if (!previewed && file_plan) {
    // Named as the file and the place in it: "(plan.json, action 3)".
    std::string what = previewed.error().message, where;
    if (const auto at = what.rfind(" (action "); at != std::string::npos && what.back() == ')') {
      where = ", " + what.substr(at + 2, what.size() - at - 3);
      what.erase(at);
    }
    return fail(what + " (" + *plan_path + where + ")");
  }
  if (!previewed) return fail(previewed.error(), msg);
  const auto& plan = previewed->as_object();

  if (!acting) {
    if (!write_out(args, format == "json" ? json::serialize(plan) + "\n" : report::plan_table(plan, msg)))
      return fail("cannot write the output", 4);
    return 0;
  }

  if (format != "json") std::cout << report::plan_table(plan, msg) << "\n";
  if (!args.flag("--yes")) {
    if (!isatty(STDIN_FILENO))
      return fail("apply changes the hub: review the plan, then run it again with --yes (stdin is not a terminal)");
    if (format == "json") std::cout << report::plan_table(plan, msg) << "\n";
    std::cout << msg.text("cli.apply.confirm", {{"count", std::to_string(plan.at("actions").as_array().size())}}) << " "
              << std::flush;
    std::string answer;
    if (!std::getline(std::cin, answer) || !cli::confirmed(answer, msg)) {
      std::cout << msg.text("cli.apply.cancelled") << "\n";
      return 0;
    }
  }
  // Exactly what was shown: the reviewed plan itself, or the selector with the id of the plan previewed.
  json::object req = common;
  req["type"] = "domoguard/apply";
  if (file_plan) req["plan"] = std::move(*file_plan);
  else {
    req["selector"] = words;
    req["plan_id"] = plan.at("id");
  }
  auto r = cli::call(service, std::move(req), msg);
  if (!r) return fail(r.error(), msg);
  if (!write_out(args, format == "json" ? result_json(r->as_object(), recovered) : result_table(r->as_object(), msg)))
    return fail("cannot write the output", 4);
  return result_code(r->as_object());
}

int run(int argc, char** argv) {
  std::string verb = argc > 1 ? argv[1] : "--help";
  // Verbs with their own files and options.
  if (verb == "profile") return cmd_profile(argc - 1, argv + 1);
  if (verb == "log") return cmd_log(argc - 1, argv + 1);
  if (verb == "notice") return cmd_notice(argc, argv);
  if (verb == "report") return cmd_report(argc, argv);
  if (verb == "accept") return cmd_accept(argc, argv);
  if (verb == "accepted") return cmd_accepted(argc, argv);
  if (verb == "hold") return cmd_hold(argc, argv);
  Args args;
  if (auto err = parse(argc, argv, 2, args)) return fail(*err + "; see `domoguard " + verb + " --help`");
  locale::Messages msg(args.value("--lang").value_or(env_lang()));

  if (verb == "--version" || verb == "version") {
    std::cout << "domoguard " << DOMOGUARD_VERSION << "\n";
    return 0;
  }
  if (verb == "--help" || verb == "-h" || verb == "help") {
    std::cout << msg.text("cli.help.main");
    return 0;
  }
  if (verb == "audit") return cmd_audit(args, msg);
  if (verb == "catalog") return cmd_catalog(args, msg);
  if (verb == "explain") return cmd_explain(args, msg);
  if (verb == "plan" || verb == "apply" || verb == "undo") return cmd_plan_like(verb, args, msg);
  if (verb == "api-schema") {
    // The domoguard/* verb table (the same as the domoguard/verbs reply), for front ends and their tests.
    if (args.value("--format").value_or("json") != "json") return fail("api-schema prints JSON only (--format json)");
    std::cout << api::verbs_json() << "\n";
    return 0;
  }
  return fail("unknown command \"" + report::terminal_safe(verb) + "\"; `domoguard --help` lists the commands");
}

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
#if defined(__GLIBC__)
  // A run lives for one command: its large buffers (files read whole, the home's lists as they grow)
  // come from the heap rather than from a mapping of their own each, and the heap grows in large
  // steps (a 2,000-device home: about 7% less CPU; memory goes back to the system when the process ends).
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TOP_PAD, 64 << 20);
#endif
  // An empty --db would be an anonymous throw-away database (and its key file in the working folder):
  // history and the event log would vanish unseen.
  for (int i = 1; i < argc; ++i)
    if ((std::string(argv[i]) == "--db" && i + 1 < argc && argv[i + 1][0] == '\0') || std::string(argv[i]) == "--db=")
      return fail(locale::Messages(env_lang()).text("error.store.no_path"));
  const int rc = run(argc, argv);
  // A damaged database found on the way was kept aside and replaced: say where it is.
  for (const auto& s : store::take_set_aside())
    std::cerr << "domoguard: "
              << locale::Messages(env_lang()).text("log.database_set_aside", {{"file", s.path}, {"moved", s.moved}}) << "\n";
  return rc;
}
