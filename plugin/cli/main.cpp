// domoguard: the command-line host. Audits a home and explains the catalogue.
// Exit codes: 0 ran; 1 findings at or above --fail-on; 2 bad input or usage; 3 hub unreachable
// or authentication refused; 4 local storage trouble.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "app/source.hpp"
#include "audit/engine.hpp"
#include "catalog/catalog.hpp"
#include "hub/ha/live.hpp"
#include "locale/messages.hpp"
#include "report/render.hpp"
#include "store/history.hpp"

namespace {

using namespace domoguard;

// Command-line words: positional arguments and --options (with or without a value).
struct Args {
  std::vector<std::string> positional;
  std::vector<std::pair<std::string, std::string>> options;  // name -> value ("" for flags)

  bool flag(const std::string& name) const {
    for (const auto& [k, v] : options)
      if (k == name) return true;
    return false;
  }
  std::optional<std::string> value(const std::string& name) const {
    for (const auto& [k, v] : options)
      if (k == name) return v;
    return std::nullopt;
  }
};

// Options that take a value; everything else starting with -- is a flag.
const std::vector<std::string> kValued = {"--format", "--lang", "--fail-on", "--db", "--output", "--url", "--token-file", "--ca-file"};
const std::vector<std::string> kFlags = {"--help", "--demo", "--since-last", "--no-history", "--no-color", "--version", "--allow-insecure"};

std::optional<std::string> parse(int argc, char** argv, int from, Args& out) {
  for (int i = from; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-h") a = "--help";
    if (a.rfind("--", 0) == 0 && a.size() > 2) {
      std::string name = a, value;
      if (auto eq = a.find('='); eq != std::string::npos) {
        name = a.substr(0, eq);
        value = a.substr(eq + 1);
      } else if (std::find(kValued.begin(), kValued.end(), name) != kValued.end()) {
        if (i + 1 >= argc) return "option " + name + " needs a value";
        value = argv[++i];
      }
      if (std::find(kValued.begin(), kValued.end(), name) == kValued.end() &&
          std::find(kFlags.begin(), kFlags.end(), name) == kFlags.end())
        return "unknown option " + name;
      out.options.emplace_back(name, value);
    } else {
      out.positional.push_back(a);
    }
  }
  return std::nullopt;
}

std::string env_lang() {
  for (const char* var : {"DOMOGUARD_LANG", "LC_ALL", "LC_MESSAGES", "LANG"})
    if (const char* v = std::getenv(var); v && *v && std::string(v) != "C" && std::string(v) != "POSIX") return v;
  return "en";
}

int fail(const std::string& msg, int code = 2) {
  std::cerr << "domoguard: " << msg << "\n";
  return code;
}

int fail(const Error& e) {
  int code = e.code == ErrorCode::unreachable ? 3 : e.code == ErrorCode::bad_input ? 2 : 4;
  return fail(e.describe(), code);
}

bool write_out(const Args& args, const std::string& text) {
  if (auto path = args.value("--output")) {
    // Write beside the target and rename, so a failure never leaves half a report.
    const std::string tmp = *path + ".tmp";
    {
      std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
      if (!(f << text) || !f.flush()) return false;
    }
    std::error_code ec;
    std::filesystem::rename(tmp, *path, ec);
    return !ec;
  }
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

  Result<model::Home> home = Error{};
  std::string source_label;
  if (args.flag("--demo")) {
    if (!args.positional.empty()) return fail("give either --demo or a SOURCE path, not both");
    home = app::load_demo();
    source_label = "demo";
  } else if (args.value("--url")) {
    if (!args.positional.empty()) return fail("give either --url or a SOURCE path, not both");
    auto token = hub::ha::read_token(args.value("--token-file").value_or(""));
    if (!token) return fail(token.error());
    hub::ha::LiveOptions live;
    live.url = *args.value("--url");
    live.token = std::move(*token);
    live.ca_file = args.value("--ca-file").value_or("");
    live.allow_insecure = args.flag("--allow-insecure");
    home = hub::ha::load_live(live);
    source_label = live.url;
  } else {
    if (args.positional.size() != 1)
      return fail("audit needs one SOURCE (a config folder, a replies folder or a backup tar) or --demo; see "
                  "`domoguard audit --help`");
    source_label = args.positional.front();
    std::error_code ec;
    auto abs = std::filesystem::absolute(source_label, ec);
    if (!ec) source_label = abs.lexically_normal().string();
    home = app::load_path(args.positional.front());
  }
  if (!home) return fail(home.error());

  auto result = audit::run_audit(*home);

  std::optional<store::Diff> diff;
  if (!args.flag("--no-history")) {
    auto db = store::History::open(args.value("--db").value_or(store::History::default_path()));
    if (!db) return fail(db.error());
    auto id = (*db)->record(app::home_key(*home, source_label), source_label, result);
    if (!id) return fail(id.error());
    if (args.flag("--since-last")) {
      auto d = (*db)->diff(*id);
      if (!d) return fail(d.error());
      diff = std::move(*d);
    }
  } else if (args.flag("--since-last")) {
    return fail("--since-last needs the audit history; drop --no-history");
  }

  report::AuditView view{*home, result, msg, diff ? &*diff : nullptr};
  std::string text;
  if (format == "json") text = report::audit_json(view);
  else if (format == "sarif") text = report::audit_sarif(view);
  else {
    const bool color = !args.flag("--no-color") && !args.value("--output") && isatty(STDOUT_FILENO) &&
                       std::getenv("NO_COLOR") == nullptr;
    text = report::audit_table(view, color);
  }
  if (!write_out(args, text)) return fail("cannot write the output", 4);

  if (fail_on)
    for (const auto& f : result.findings)
      if (f.severity >= *fail_on) return 1;
  return 0;
}

int cmd_catalog(const Args& args, const locale::Messages& msg) {
  if (args.flag("--help")) {
    std::cout << msg.text("cli.help.catalog");
    return 0;
  }
  const std::string format = args.value("--format").value_or("table");
  if (format != "table" && format != "json") return fail("--format must be table or json");
  auto c = catalog::load();
  if (!c) return fail(c.error());
  if (!write_out(args, format == "json" ? report::catalog_json(*c, msg) : report::catalog_table(*c, msg)))
    return fail("cannot write the output", 4);
  return 0;
}

int cmd_explain(const Args& args, const locale::Messages& msg) {
  if (args.flag("--help") || args.positional.size() != 1) {
    std::cout << msg.text("cli.help.explain");
    return args.flag("--help") ? 0 : 2;
  }
  const auto* rule = audit::find_rule(args.positional.front());
  if (!rule) return fail("no rule named \"" + report::terminal_safe(args.positional.front()) + "\"; `domoguard catalog` lists them");
  auto c = catalog::load();
  if (!c) return fail(c.error());
  std::cout << report::explain(*rule, *c, msg);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  std::string verb = argc > 1 ? argv[1] : "--help";
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
  return fail("unknown command \"" + report::terminal_safe(verb) + "\"; `domoguard --help` lists the commands");
}
