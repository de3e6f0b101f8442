// `domoguard notice`: a device's or the home's privacy notice, and acknowledging it (7.3.3).
#include <boost/json.hpp>
#include <filesystem>
#include <iostream>

#include "app/events.hpp"
#include "app/source.hpp"
#include "audit/classify.hpp"
#include "cli_words.hpp"
#include "source.hpp"
#include "surface.hpp"
#include "commands.hpp"
#include "commands_report.hpp"
#include "locale/messages.hpp"
#include "notice/notice.hpp"
#include "notice/notice_json.hpp"
#include "report/render.hpp"
#include "store/history.hpp"
#include "store/notices.hpp"

using namespace domoguard;
namespace json = boost::json;

namespace {

int fail(const std::string& m, int code = 2) {
  std::cerr << "domoguard: " << m << "\n";
  return code;
}
int fail(const Error& e, const locale::Messages& msg) {
  return fail(cli::error_line(e, msg), e.code == ErrorCode::bad_input ? 2 : 4);
}

// The acknowledgement status of one notice (the reply's "acknowledgement"), as one localised line.
std::string ack_line(const json::object& ack, const locale::Messages& msg) {
  auto* user = ack.if_contains("user");
  if (!user || !user->is_string()) return msg.text("notice.ack.needed");
  const locale::Placeholders ph{{"user", report::terminal_safe(std::string(user->as_string()), 60)},
                                {"at", std::string(ack.at("at").as_string())}};
  return msg.text(ack.at("acknowledged").as_bool() ? "notice.ack.done" : "notice.ack.outdated", ph);
}

}  // namespace

int cmd_notice(int argc, char** argv) {
  cli::Words w;
  if (auto err = cli::parse_words(argc, argv, "notice", {"--lang", "--format", "--user", "--db", "--device"},
                                  {"--help", "--demo", "--ack", "--no-color"}, w))
    return fail(*err + "; see `domoguard notice --help`");
  const locale::Messages msg(w.value("--lang").value_or(cli::env_lang()));
  if (w.flag("--help")) {
    std::cout << msg.text("cli.help.notice");
    return 0;
  }
  const std::string format = w.value("--format").value_or("table");
  if (format != "table" && format != "json") return fail("--format must be table or json");

  // DEVICE comes first; without --demo the last word is the SOURCE.
  std::string device_arg = w.value("--device").value_or("");
  auto pos = w.positional;
  std::vector<std::string> rest;
  if (!w.flag("--demo")) {
    if (pos.empty()) return fail("notice needs a SOURCE (a config folder, a replies folder or a backup tar) or --demo");
    rest.push_back(pos.back());
    pos.pop_back();
  }
  auto loaded = cli::load_source(w, rest, {"notice", false, true, false});
  if (!pos.empty()) {
    if (pos.size() > 1 || !device_arg.empty()) return fail("give at most one DEVICE");
    device_arg = pos.front();
  }
  if (!loaded) return fail(loaded.error(), msg);
  model::Home* home = &loaded->home;
  audit::classify(*home);
  // The CLI names a device by id or by name; the verb takes its id.
  std::string device_id;
  if (!device_arg.empty()) {
    const auto* dev = notice::find_device(*home, device_arg);
    if (!dev) return fail("no single device with id or name \"" + report::terminal_safe(device_arg) + "\"");
    device_id = dev->id;
  }
  const std::string db_path = w.value("--db").value_or(store::History::default_path());
  std::error_code ec;
  // Reading a notice creates no database; acknowledging one keeps it.
  const bool keep = w.flag("--ack") || std::filesystem::exists(db_path, ec);
  if (!w.flag("--ack") && w.value("--user")) return fail("--user goes with --ack");
  auto service = cli::open_service(keep ? db_path : "", msg, std::move(*home), loaded->label, false);
  if (!service) return fail(service.error(), msg);
  json::object req{{"type", "domoguard/notice"}};
  if (!device_id.empty()) req["device_id"] = device_id;
  auto shown = cli::call(**service, req, msg);
  if (!shown) return fail(shown.error(), msg);
  if (w.flag("--ack")) {
    const auto user = w.value("--user").value_or("");
    if (user.empty()) return fail("--ack needs --user NAME (who read the notice)");
    req["type"] = "domoguard/notice/ack";
    req["version"] = shown->at("version");
    req["user"] = user;
    shown = cli::call(**service, req, msg);
    if (!shown) return fail(shown.error(), msg);
  }
  const auto& n = shown->as_object();
  if (format == "json") {
    std::cout << json::serialize(n) << "\n";
    return 0;
  }
  auto text = [&](const json::object& o, const char* k) {
    auto* v = o.if_contains(k);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  // Hub-supplied names are untrusted: every line is made terminal-safe on its own.
  std::cout << report::terminal_safe(text(n, "title"), 4096) << "\n";
  for (const auto& l : n.at("lines").as_array()) std::cout << report::terminal_safe("  " + text(l.as_object(), "text"), 4096) << "\n";
  const std::string version = text(n, "version");
  std::cout << report::terminal_safe("  " + msg.text("notice.version", {{"version", version.substr(0, 12)}}), 4096) << "\n";
  std::cout << "  " << ack_line(n.at("acknowledgement").as_object(), msg) << "\n";
  if (w.flag("--ack")) std::cout << msg.text("notice.ack.stored", {{"version", version.substr(0, 12)}, {"user", report::terminal_safe(*w.value("--user"), 60)}}) << "\n";
  if (const auto* devices = n.if_contains("devices")) {
    std::cout << "\n" << msg.text("notice.list.title") << "\n";
    for (const auto& x : devices->as_array()) {
      const auto& d = x.as_object();
      std::string senses;
      for (const auto& sense : d.at("senses").as_array())
        senses += (senses.empty() ? "" : ", ") + msg.text("notice.sense_name." + std::string(sense.as_string()));
      std::cout << "  " << report::terminal_safe(text(d, "name"), 40) << " — " << (senses.empty() ? "-" : senses) << " — "
                << msg.text("notice.path." + text(d, "data_path")) << " — " << ack_line(d.at("acknowledgement").as_object(), msg) << "\n";
    }
  }
  return 0;
}
