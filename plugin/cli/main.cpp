// domoguard: the command-line host. Audits a home, explains the catalogue, and plans, applies and
// undoes changes to the hub.
// Exit codes: 0 ran (apply/undo: every step done); 1 findings at or above --fail-on; 2 bad input or
// usage; 3 hub unreachable or authentication refused; 4 local storage trouble; 5 apply/undo: a step
// failed and the plan was rolled back (or undo left a target someone changed since); 6 untrusted
// profile or log; 7 audit/report: not enough data to score (the hub's device and entity registries
// are missing or empty), whatever --fail-on says.
#include <unistd.h>

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
#include "api/changes.hpp"
#include "api/verbs.hpp"
#include "policy/apply.hpp"
#include "policy/compile.hpp"
#include "policy/model_port.hpp"
#include "report/render.hpp"
#include "report/render_plan.hpp"
#include "store/history.hpp"
#include "store/journal.hpp"
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

int fail(const Error& e) {
  int code = e.code == ErrorCode::unreachable ? 3 : e.code == ErrorCode::bad_input ? 2 : 4;
  return fail(e.describe(), code);
}

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
  if (!source) return fail(source.error());
  // An audit with nothing to judge is not kept: its score would read as a pass in the history.
  const bool scored = audit::enough_to_score(source->home);
  const bool keep = !args.flag("--no-history") && scored;
  if (args.flag("--since-last") && !keep) return fail("--since-last needs the audit history; drop --no-history");
  // --all: the table lists every group (the JSON and SARIF keep the first screen's grouping).
  const bool all = format == "table" && args.flag("--all");
  auto reply = cli::call_verb(keep ? args.value("--db").value_or(store::History::default_path()) : "", msg,
                         std::move(source->home), source->label,
                         json::object{{"type", "domoguard/audit"}, {"all", all}});
  if (!reply) return fail(reply.error());
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
  if (!c) return fail(c.error());
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
  if (!r) return fail(r.error());
  std::cout << std::string_view(r->at("text").as_string());
  return 0;
}

// ---- plan / apply / undo ----------------------------------------------------------------------
// These share the one apply path (api::Changes: journal first, verify, roll back, recover an
// interrupted plan) but not yet Service::handle: the CLI applies exactly the plan a person reviewed
// (--plan FILE, a plan printed by `plan --format json`), undoes by plan id as well as by journal
// id, takes --verify-timeout, and asks between the preview and the change; the plan/apply/undo
// verbs have no parameters for these, and compiling again inside apply could change what was
// reviewed. Through the surface they need apply to take a plan (checked against its id), undo a
// plan id, and the ApplyOptions as parameters.

// The home a plan is made against, and (for apply/undo) the hub port that changes it.
struct Target : cli::Source {
  std::string hub_key;                    // journal scope
  std::unique_ptr<policy::HubPort> port;  // --url or --demo
};

// `acting`: apply/undo need a hub to change (live or demo), plan also reads snapshots.
Result<Target> open_target(const Args& args, const std::string& verb, bool acting, const std::vector<std::string>& rest) {
  auto s = cli::load_source(args, rest, {verb, acting, !acting, true});
  if (!s) return s.error();
  Target t;
  static_cast<cli::Source&>(t) = std::move(*s);
  t.hub_key = t.demo ? "demo" : app::home_key(t.home, t.label);
  return t;
}

// After the Target has its final place: the demo port holds a reference to t.home.
void attach_port(Target& t) {
  if (t.live) t.port = std::make_unique<hub::ha::LivePort>(*t.live);
  else t.port = std::make_unique<policy::ModelPort>(t.home);
}

std::vector<std::string> selector_words(const Args& args) {
  std::vector<std::string> words;
  for (const auto& [k, v] : args.options)
    if (std::find(kSelectorWords.begin(), kSelectorWords.end(), k) != kSelectorWords.end()) {
      words.push_back(k);
      words.push_back(v);
    }
  return words;
}

// The demo home lives only for this run, so its journal does too; real hubs share the history file.
Result<std::unique_ptr<store::Journal>> open_journal(const Args& args, const Target& t) {
  if (t.demo) return store::Journal::open(":memory:");
  return store::Journal::open(args.value("--db").value_or(store::History::default_path()));
}

policy::ApplyOptions apply_options(const Args& args, const Target& t) {
  policy::ApplyOptions o;
  o.hub = t.hub_key;
  if (const char* u = std::getenv("USER"); u && *u) o.actor = u;
  if (auto v = args.value("--verify-timeout")) o.verify_timeout_ms = std::max(0, std::atoi(v->c_str()));
  return o;
}

const char* outcome_name(policy::StepOutcome o) {
  switch (o) {
    case policy::StepOutcome::unchanged: return "unchanged";
    case policy::StepOutcome::changed: return "changed";
    case policy::StepOutcome::failed: return "failed";
    case policy::StepOutcome::reverted: return "reverted";
    case policy::StepOutcome::skipped: return "skipped";
  }
  return "skipped";
}

std::string describe_action(const policy::PlanAction& a, const locale::Messages& msg) {
  if (!a.message_key.empty() && msg.has(a.message_key)) return report::plan_text(a.message_key, a.placeholders, msg);
  std::string s = a.kind + " " + a.target;
  if (!a.param.empty()) s += " (" + a.param + ")";
  return report::terminal_safe(s) + " -> " + report::terminal_safe(a.after);
}

std::string result_json(const policy::Plan& plan, const policy::ApplyResult& r, const std::vector<int64_t>& recovered,
                        const locale::Messages& msg) {
  boost::json::object o;
  boost::system::error_code ec;
  auto pv = boost::json::parse(report::plan_json(plan, msg), ec);
  o["plan"] = ec ? boost::json::value(nullptr) : pv;
  o["journal_id"] = r.journal_id;
  o["ok"] = r.ok;
  o["rolled_back"] = r.rolled_back;
  o["failed_step"] = r.failed_step;
  o["nothing_to_change"] = r.nothing_to_change;
  if (!r.ok) o["error"] = boost::json::object{{"key", r.error.key}, {"message", r.error.message}};
  boost::json::array steps;
  for (const auto& s : r.steps)
    steps.push_back(boost::json::object{{"kind", s.action.kind},
                                        {"target", s.action.target},
                                        {"param", s.action.param},
                                        {"before", s.action.before},
                                        {"after", s.action.after},
                                        {"outcome", outcome_name(s.outcome)},
                                        {"error", s.error}});
  o["steps"] = std::move(steps);
  boost::json::array rec;
  for (auto id : recovered) rec.push_back(id);
  o["recovered"] = std::move(rec);
  return boost::json::serialize(o) + "\n";
}

std::string result_table(const policy::ApplyResult& r, const locale::Messages& msg) {
  std::string out;
  for (size_t i = 0; i < r.steps.size(); ++i) {
    const auto& s = r.steps[i];
    out += "  " + std::to_string(i + 1) + ". [" + msg.text(std::string("cli.apply.outcome.") + outcome_name(s.outcome)) +
           "] " + describe_action(s.action, msg);
    if (!s.error.empty()) out += " — " + report::terminal_safe(s.error);
    out += "\n";
  }
  if (r.nothing_to_change) out += msg.text("cli.apply.nothing") + "\n";
  else if (r.ok) {
    // Say what undo can do: a revoked token (model::undoable) is not put back.
    int kept = 0, irreversible = 0;
    for (const auto& s : r.steps)
      if (s.outcome == policy::StepOutcome::changed) ++(model::undoable(s.action.kind) ? kept : irreversible);
    const char* key = irreversible == 0 ? "cli.apply.done" : kept == 0 ? "cli.apply.done_irreversible" : "cli.apply.done_partly";
    out += msg.text(key, {{"journal_id", std::to_string(r.journal_id)}}) + "\n";
  }
  else if (r.rolled_back)
    out += msg.text("cli.apply.rolled_back", {{"reason", report::terminal_safe(r.error.message)}}) + "\n";
  else out += msg.text("cli.apply.failed", {{"reason", report::terminal_safe(r.error.message)}}) + "\n";
  return out;
}

int result_code(const policy::ApplyResult& r) {
  if (r.ok) return 0;
  return r.error.code == ErrorCode::unreachable ? 3 : 5;
}

// Plans left half-applied by a crash or a hub restart are rolled back before anything new is done
// (then the live home is read again, so the plan is made against what the hub holds now).
Result<std::vector<int64_t>> recover_first(Target& t, api::Changes& changes, const policy::ApplyOptions& opts,
                                           const locale::Messages& msg) {
  auto rec = changes.recover(*t.port, opts);
  if (!rec) return rec.error();
  if (!rec->empty()) {
    std::cerr << "domoguard: " << api::recovered_text(*rec, msg) << "\n";
    if (t.live) {
      auto r = cli::refresh_live(t);
      if (!r) return r.error();
      t.hub_key = app::home_key(t.home, t.label);
    }
  }
  return rec;
}

// A plan as `plan --format json` printed it: apply exactly what was reviewed, nothing recompiled.
Result<policy::Plan> load_plan_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return Error{ErrorCode::bad_input, "error.plan.file", "Cannot read the plan file", path, ""};
  // Read no further than the limit, whatever the file is (/dev/zero, a pipe).
  constexpr std::size_t kMaxPlanBytes = 16u << 20;
  std::string text(kMaxPlanBytes + 1, '\0');
  f.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(f.gcount()));
  if (text.size() > kMaxPlanBytes)
    return Error{ErrorCode::bad_input, "error.plan.file", "The plan file is larger than 16 MiB", path, ""};
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec || !v.is_object() || !v.as_object().if_contains("actions") || !v.as_object().at("actions").is_array())
    return Error{ErrorCode::bad_input, "error.plan.file", "The plan file is not a plan printed by `domoguard plan --format json`",
                 path, ec ? "byte " + std::to_string(text.size()) : ""};
  auto str = [](const boost::json::object& o, const char* k) {
    auto* x = o.if_contains(k);
    return x && x->is_string() ? std::string(x->as_string()) : std::string();
  };
  const auto& o = v.as_object();
  policy::Plan p;
  p.kind = str(o, "kind").empty() ? "file" : str(o, "kind");
  p.selector = str(o, "selector").empty() ? "plan_file" : str(o, "selector");
  p.title_key = "plan.title.file";
  size_t n = 0;
  for (const auto& x : o.at("actions").as_array()) {
    ++n;
    if (!x.is_object()) return Error{ErrorCode::bad_input, "error.plan.file", "An action is not an object", path, "action " + std::to_string(n)};
    const auto& a = x.as_object();
    policy::PlanAction act;
    act.kind = str(a, "kind");
    act.target = str(a, "target");
    act.param = str(a, "param");
    act.before = str(a, "before");
    act.after = str(a, "after");
    act.rule = str(a, "rule");
    act.message_key = "plan.action.raw";
    // A token is named by its id only in the plan's data, never in a text shown to people.
    act.placeholders = {{"kind", act.kind},
                        {"target", act.kind == "revoke_token" ? std::string("(a long-lived access token)") : act.target},
                        {"param", act.param}, {"value", act.after}};
    if (!model::parse_action_kind(act.kind) || act.target.empty())
      return Error{ErrorCode::bad_input, "error.plan.file", "Unknown action kind \"" + act.kind + "\" or no target", path,
                   "action " + std::to_string(n)};
    p.actions.push_back(std::move(act));
  }
  p.id = policy::plan_id(p);
  return p;
}

int run_undo(const Args& args, const locale::Messages& msg, Target& t, store::Journal& journal, api::Changes& changes,
             const policy::ApplyOptions& opts, std::optional<store::JournalPlan> which,
             const std::vector<int64_t>& recovered) {
  const std::string format = args.value("--format").value_or("table");
  if (!which) {
    auto latest = journal.latest_undoable(opts.hub);
    if (!latest) return fail(latest.error());
    if (!latest->has_value()) return fail(msg.text("cli.undo.nothing"), 2);
    which = std::move(**latest);
  }
  if (format != "json") std::cout << report::plan_table(api::undo_preview(*which, msg), msg) << "\n";
  auto r = changes.undo(*which, *t.port, opts, msg);
  if (!r) return fail(r.error());
  if (!write_out(args, format == "json" ? result_json(r->plan, r->result, recovered, msg) : result_table(r->result, msg)))
    return fail("cannot write the output", 4);
  return result_code(r->result);
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

  std::optional<policy::Selector> sel;
  std::optional<policy::Plan> file_plan;
  if (auto pf = args.value("--plan"); pf && verb == "apply") {
    if (!selector_words(args).empty()) return fail("give either --plan FILE or a selector, not both");
    auto p = load_plan_file(*pf);
    if (!p) return fail(p.error());
    file_plan = std::move(*p);
  } else if (verb != "undo") {
    auto words = selector_words(args);
    if (words.empty()) return fail(verb + " needs a SELECTOR; see `domoguard " + verb + " --help`");
    auto s = policy::parse_selector(words);
    if (!s) return fail(s.error());
    sel = std::move(*s);
  } else if (!selector_words(args).empty()) {
    return fail("undo takes a PLAN_ID, not a selector; `domoguard apply --child-safe off` undoes child-safe mode");
  }

  auto target = open_target(args, verb, acting, rest);
  if (!target) return fail(target.error());
  Target& t = *target;
  if (acting) attach_port(t);

  std::unique_ptr<store::Journal> journal;
  // "Off" selectors undo the plan that switched the mode on; plan previews it, apply does it.
  const bool by_journal = sel && !sel->on &&
                          (sel->kind == policy::Selector::Kind::child_safe ||
                           sel->kind == policy::Selector::Kind::privacy_default);
  if (acting || by_journal) {
    auto j = open_journal(args, t);
    if (!j) return fail(j.error());
    journal = std::move(*j);
  }
  const auto opts = apply_options(args, t);
  // The demo home lives only for this run: nothing of it goes into the event log.
  std::optional<api::Changes> changes;
  if (journal) changes.emplace(*journal, t.demo ? "" : args.value("--db").value_or(store::History::default_path()));
  std::vector<int64_t> recovered;
  if (acting) {
    auto rec = recover_first(t, *changes, opts, msg);
    if (!rec) return fail(rec.error());
    recovered = std::move(*rec);
  }

  if (verb == "undo" || by_journal) {
    std::optional<store::JournalPlan> which;
    if (by_journal) {
      const bool cs = sel->kind == policy::Selector::Kind::child_safe;
      policy::Selector on = *sel;
      on.on = true;
      auto latest = journal->latest_undoable(t.hub_key, cs ? "child_safe" : "privacy_default", cs ? "" : on.text());
      if (!latest) return fail(latest.error());
      if (!latest->has_value())
        return fail(msg.text(cs ? "cli.undo.no_child_safe" : "cli.undo.no_privacy_default"), 2);
      which = std::move(**latest);
    } else if (undo_ref) {
      const bool numeric = !undo_ref->empty() && undo_ref->find_first_not_of("0123456789") == std::string::npos;
      if (numeric) {
        auto got = journal->get(std::stoll(undo_ref->substr(0, 15)));
        if (!got) return fail(got.error());
        which = std::move(*got);
      } else {
        auto got = journal->latest_with_plan_id(*undo_ref);
        if (!got) return fail(got.error());
        if (!got->has_value())
          return fail("no applied plan " + report::terminal_safe(*undo_ref) + " with changes left to undo in the journal", 2);
        which = std::move(**got);
      }
    }
    if (!acting) {
      const std::string text = format == "json" ? report::plan_json(api::undo_preview(*which, msg), msg)
                                                : report::plan_table(api::undo_preview(*which, msg), msg);
      if (!write_out(args, text)) return fail("cannot write the output", 4);
      return 0;
    }
    return run_undo(args, msg, t, *journal, *changes, opts, std::move(which), recovered);
  }

  Result<policy::Plan> plan = Error{};
  if (file_plan) {
    plan = std::move(*file_plan);
  } else {
    auto findings = audit::run_audit(t.home).findings;
    plan = policy::compile(t.home, findings, *sel);
  }
  if (!plan) return fail(plan.error());

  if (!acting) {
    if (!write_out(args, format == "json" ? report::plan_json(*plan, msg) : report::plan_table(*plan, msg)))
      return fail("cannot write the output", 4);
    return 0;
  }

  if (format != "json") std::cout << report::plan_table(*plan, msg) << "\n";
  if (!args.flag("--yes")) {
    if (!isatty(STDIN_FILENO))
      return fail("apply changes the hub: review the plan, then run it again with --yes (stdin is not a terminal)");
    if (format == "json") std::cout << report::plan_table(*plan, msg) << "\n";
    std::cout << msg.text("cli.apply.confirm", {{"count", std::to_string(plan->actions.size())}}) << " " << std::flush;
    std::string answer;
    if (!std::getline(std::cin, answer) || !cli::confirmed(answer, msg)) {
      std::cout << msg.text("cli.apply.cancelled") << "\n";
      return 0;
    }
  }
  auto r = changes->apply(*plan, *t.port, opts);
  if (!r) return fail(r.error());
  if (!write_out(args, format == "json" ? result_json(*plan, r->result, recovered, msg) : result_table(r->result, msg)))
    return fail("cannot write the output", 4);
  return result_code(r->result);
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
