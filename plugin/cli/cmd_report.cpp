// `domoguard report`: the installer's and supervisor's report as HTML, JSON or SARIF, with
// identifiers pseudonymised unless --no-pseudonymise is given (7.2.18, 7.3.12, 7.3.13).
#include <iostream>

#include "app/report_data.hpp"
#include "app/source.hpp"
#include "cli_words.hpp"
#include "source.hpp"
#include "audit/enough.hpp"
#include "commands.hpp"
#include "commands_report.hpp"
#include "locale/messages.hpp"
#include "report/report.hpp"
#include "store/history.hpp"

using namespace domoguard;

namespace {
int fail(const std::string& m, int code = 2) {
  std::cerr << "domoguard: " << m << "\n";
  return code;
}
int fail(const Error& e, const locale::Messages& msg) {
  return fail(cli::error_line(e, msg), e.code == ErrorCode::bad_input ? 2 : 4);
}
}  // namespace

int cmd_report(int argc, char** argv) {
  cli::Words w;
  if (auto err = cli::parse_words(argc, argv, "report", {"--lang", "--format", "--output", "--db", "--pseudonym-key"},
                                  {"--help", "--demo", "--no-pseudonymise"}, w))
    return fail(*err + "; see `domoguard report --help`");
  const locale::Messages msg(w.value("--lang").value_or(cli::env_lang()));
  if (w.flag("--help")) {
    std::cout << msg.text("cli.help.report");
    return 0;
  }
  const std::string format = w.value("--format").value_or("html");
  if (format != "html" && format != "json" && format != "sarif")
    return fail("--format must be html, json or sarif (got \"" + format + "\")");
  if (w.flag("--no-pseudonymise") && w.value("--pseudonym-key"))
    return fail("--pseudonym-key and --no-pseudonymise contradict each other");

  app::ReportOptions opts;
  auto home = cli::load_source(w, w.positional, {"report", false, true, false});
  if (!home) return fail(home.error(), msg);
  opts.source_label = home->label;
  opts.pseudonymise = !w.flag("--no-pseudonymise");
  opts.key_file = w.value("--pseudonym-key").value_or("");
  opts.db_path = w.value("--db").value_or(store::History::default_path());
  opts.lang = msg.lang();

  auto data = app::gather_report(std::move(home->home), opts);
  if (!data) return fail(data.error(), msg);
  const std::string text = format == "html" ? report::report_html(*data, msg)
                           : format == "json" ? report::report_json(*data, msg)
                                              : report::report_sarif(*data, msg);
  if (auto out = w.value("--output")) {
    if (!cli::write_file_whole(*out, text)) return fail("cannot write " + *out, 4);
  } else {
    std::cout << text;
    if (!std::cout.flush()) return fail("cannot write the output", 4);
  }
  return audit::enough_to_score(data->home) ? 0 : cli::kExitUnscored;
}
