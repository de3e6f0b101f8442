// `domoguard notice`: a device's or the home's privacy notice, and acknowledging it (7.3.3).
#include <boost/json.hpp>
#include <filesystem>
#include <iostream>

#include "app/events.hpp"
#include "app/source.hpp"
#include "audit/classify.hpp"
#include "cli_words.hpp"
#include "source.hpp"
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
int fail(const Error& e) { return fail(e.describe(), e.code == ErrorCode::bad_input ? 2 : 4); }

// The acknowledgement status of one notice, as one localised line.
std::string ack_line(const std::optional<store::NoticeAck>& latest, const std::string& version, const locale::Messages& msg) {
  if (!latest) return msg.text("notice.ack.needed");
  const locale::Placeholders ph{{"user", report::terminal_safe(latest->user, 60)}, {"at", latest->acked_at}};
  return msg.text(latest->version == version ? "notice.ack.done" : "notice.ack.outdated", ph);
}

json::value ack_json(const std::optional<store::NoticeAck>& latest, const std::string& version) {
  if (!latest) return json::object{{"acknowledged", false}, {"needs_ack", true}};
  return json::object{{"acknowledged", latest->version == version}, {"needs_ack", latest->version != version},
                      {"user", latest->user}, {"at", latest->acked_at}, {"version", latest->version}};
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
  if (!loaded) return fail(loaded.error());
  const std::string source_label = loaded->label;
  model::Home* home = &loaded->home;
  audit::classify(*home);
  auto vendors = notice::load_vendors();
  if (!vendors) return fail(vendors.error());
  const std::string home_key = app::home_key(*home, source_label);

  std::optional<notice::DeviceNotice> dn;
  std::optional<notice::HomeNotice> hn;
  if (!device_arg.empty()) {
    const auto* dev = notice::find_device(*home, device_arg);
    if (!dev) return fail("no single device with id or name \"" + report::terminal_safe(device_arg) + "\"");
    dn = notice::device_notice(*home, *dev, *vendors);
  } else {
    hn = notice::home_notice(*home, *vendors);
  }
  const std::string subject = dn ? dn->device_id : "home";
  const std::string version = dn ? dn->version : hn->version;

  const std::string db_path = w.value("--db").value_or(store::History::default_path());
  std::unique_ptr<store::Notices> acks;
  std::error_code ec;
  if (w.flag("--ack") || std::filesystem::exists(db_path, ec)) {
    auto opened = store::Notices::open(db_path);
    if (!opened) return fail(opened.error());
    acks = std::move(*opened);
  }
  if (w.flag("--ack")) {
    const auto user = w.value("--user").value_or("");
    if (user.empty()) return fail("--ack needs --user NAME (who read the notice)");
    auto id = acks->acknowledge(home_key, subject, version, user);
    if (!id) return fail(id.error());
    if (auto logged = app::log_notice_ack(db_path, subject, version, user); !logged) return fail(logged.error());
  } else if (w.value("--user")) {
    return fail("--user goes with --ack");
  }
  auto latest_of = [&](const std::string& subj) -> std::optional<store::NoticeAck> {
    if (!acks) return std::nullopt;
    auto l = acks->latest(home_key, subj);
    return l ? *l : std::nullopt;
  };

  if (format == "json") {
    json::object out = dn ? notice::to_json(*dn, msg) : notice::to_json(*hn, msg);
    out["acknowledgement"] = ack_json(latest_of(subject), version);
    if (hn) {
      auto& devs = out["devices"].as_array();
      for (size_t i = 0; i < devs.size(); ++i)
        devs[i].as_object()["acknowledgement"] = ack_json(latest_of(hn->devices[i].device_id), hn->devices[i].version);
    }
    std::cout << json::serialize(out) << "\n";
    return 0;
  }
  // Hub-supplied names are untrusted: every line is made terminal-safe on its own.
  const std::string text = dn ? notice::text(*dn, msg) : notice::text(*hn, msg);
  for (size_t start = 0; start < text.size();) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    std::cout << report::terminal_safe(text.substr(start, nl - start), 4096) << "\n";
    start = nl + 1;
  }
  std::cout << "  " << ack_line(latest_of(subject), version, msg) << "\n";
  if (w.flag("--ack")) std::cout << msg.text("notice.ack.stored", {{"version", version.substr(0, 12)}, {"user", report::terminal_safe(*w.value("--user"), 60)}}) << "\n";
  if (hn) {
    std::cout << "\n" << msg.text("notice.list.title") << "\n";
    for (const auto& n : hn->devices) {
      std::string senses;
      for (const auto& s : n.senses) senses += (senses.empty() ? "" : ", ") + msg.text("notice.sense_name." + s);
      auto l = latest_of(n.device_id);
      std::cout << "  " << report::terminal_safe(n.device_name, 40) << " — " << (senses.empty() ? "-" : senses) << " — "
                << msg.text("notice.path." + n.data_path) << " — " << ack_line(l, n.version, msg) << "\n";
    }
  }
  return 0;
}
