// `domoguard log show|verify`: pages the tamper-evident event log and checks its chain (7.2.12,
// 7.2.13). Exit codes: 0 intact / shown; 2 usage; 4 storage trouble; 6 the log fails verification
// (an entry altered, removed or inserted) or its key file is missing or unusable.
#include <boost/json.hpp>
#include <iostream>
#include <string>

#include "commands.hpp"
#include "report/render.hpp"
#include "store/eventlog.hpp"
#include "store/history.hpp"

namespace {

using namespace domoguard;

int usage(const locale::Messages& msg, bool asked) {
  (asked ? std::cout : std::cerr) << msg.text("cli.help.log");
  return asked ? 0 : 2;
}

// A missing or exposed key makes the log unverifiable: that is reported like tampering.
int open_failed(const Error& e, const locale::Messages& msg) {
  cli::print_error(e, msg);
  if (e.key.rfind("error.log.key", 0) == 0) return cli::kExitUntrusted;
  return cli::exit_code(e);
}

bool parse_count(const std::string& s, int64_t& out) {
  if (s.empty() || s.size() > 12 || s.find_first_not_of("0123456789") != std::string::npos) return false;
  out = std::stoll(s);
  return true;
}

int show(store::EventLog& log, const cli::Words& w, const locale::Messages& msg, const std::string& format) {
  int64_t offset = 0, limit = 50;
  if (auto o = w.value("--offset"); o && !parse_count(*o, offset)) {
    std::cerr << "domoguard: " << msg.text("cli.log.bad_number", {{"option", "--offset"}}) << "\n";
    return 2;
  }
  if (auto l = w.value("--limit"); l && (!parse_count(*l, limit) || limit == 0)) {
    std::cerr << "domoguard: " << msg.text("cli.log.bad_number", {{"option", "--limit"}}) << "\n";
    return 2;
  }
  auto total = log.count();
  if (!total) return open_failed(total.error(), msg);
  auto rows = log.page(offset, limit);
  if (!rows) return open_failed(rows.error(), msg);
  if (format == "json") {
    boost::json::array entries;
    for (const auto& e : *rows) {
      boost::system::error_code ec;
      auto details = boost::json::parse(e.details, ec);
      entries.push_back(boost::json::object{{"seq", e.seq},
                                            {"at", e.at},
                                            {"actor", e.actor},
                                            {"kind", e.kind},
                                            {"subject", e.subject},
                                            {"details", ec ? boost::json::value(e.details) : details},
                                            {"mac", e.mac}});
    }
    std::cout << boost::json::serialize(boost::json::object{
                     {"total", *total}, {"offset", offset}, {"limit", limit}, {"entries", std::move(entries)}})
              << "\n";
    return 0;
  }
  if (rows->empty()) {
    std::cout << msg.text("cli.log.empty", {{"total", std::to_string(*total)}}) << "\n";
    return 0;
  }
  std::cout << msg.text("cli.log.header", {{"total", std::to_string(*total)},
                                           {"from", std::to_string(rows->front().seq)},
                                           {"to", std::to_string(rows->back().seq)}})
            << "\n";
  for (const auto& e : *rows) {
    const std::string kind_key = "log.kind." + e.kind;
    std::cout << msg.text("cli.log.entry", {{"seq", std::to_string(e.seq)},
                                            {"at", e.at},
                                            {"kind", msg.has(kind_key) ? msg.text(kind_key) : report::terminal_safe(e.kind)},
                                            {"actor", report::terminal_safe(e.actor)},
                                            {"subject", report::terminal_safe(e.subject)},
                                            {"details", report::terminal_safe(e.details)}})
              << "\n";
  }
  return 0;
}

int verify(store::EventLog& log, const locale::Messages& msg, const std::string& format) {
  auto rep = log.verify();
  if (!rep) return open_failed(rep.error(), msg);
  if (format == "json") {
    std::cout << boost::json::serialize(boost::json::object{{"intact", rep->intact},
                                                            {"entries", rep->entries},
                                                            {"breach", store::to_string(rep->breach)},
                                                            {"seq", rep->seq},
                                                            {"message", rep->message}})
              << "\n";
  } else if (rep->intact) {
    std::cout << msg.text("cli.log.intact", {{"count", std::to_string(rep->entries)}}) << "\n";
  } else {
    std::cout << msg.text(std::string("cli.log.breach.") + store::to_string(rep->breach), {{"seq", std::to_string(rep->seq)}})
              << "\n";
  }
  return rep->intact ? 0 : cli::kExitUntrusted;
}

}  // namespace

int cmd_log(int argc, char** argv) {
  auto w = cli::Words::parse(argc, argv, 1, {"--db", "--key-file", "--offset", "--limit", "--format", "--lang"}, {"--help"});
  locale::Messages msg(w.value("--lang").value_or(cli::env_lang()));
  if (!w.error.empty()) {
    std::cerr << "domoguard: " << w.error << "\n";
    return usage(msg, false);
  }
  if (w.flag("--help") || w.positional.size() != 1) return usage(msg, w.flag("--help"));
  const std::string& sub = w.positional.front();
  if (sub != "show" && sub != "verify") return usage(msg, false);
  const std::string format = w.value("--format").value_or("table");
  if (format != "table" && format != "json") {
    std::cerr << "domoguard: " << msg.text("cli.log.bad_format") << "\n";
    return 2;
  }
  const std::string db = w.value("--db").value_or(store::History::default_path());
  auto log = store::EventLog::open(db, w.value("--key-file").value_or(""));
  if (!log) return open_failed(log.error(), msg);
  return sub == "show" ? show(**log, w, msg, format) : verify(**log, msg, format);
}
