#include "source.hpp"

#include <filesystem>

#include "app/source.hpp"
#include "util/clock.hpp"

namespace domoguard::cli {

namespace {
Error usage(const std::string& text) { return Error{ErrorCode::bad_input, "error.cli.usage", text, "", ""}; }
}  // namespace

hub::ha::LiveOptions live_options(const Words& w, std::string token) {
  hub::ha::LiveOptions live;
  live.url = w.value("--url").value_or("");
  live.token = std::move(token);
  live.ca_file = w.value("--ca-file").value_or("");
  live.allow_insecure = w.flag("--allow-insecure");
  return live;
}

Result<bool> refresh_live(Source& s) {
  auto replies = s.live->fetch_replies();
  if (!replies) return replies.error();
  auto home = hub::ha::from_replies(*replies, s.label, model::SourceKind::live);
  if (!home) return home.error();
  s.home = std::move(*home);
  s.home.source = s.label;
  s.home.taken_at = util::now_utc();   // a live hub is described as it is now
  return true;
}

Result<Source> load_source(const Words& w, const std::vector<std::string>& rest, const SourceOptions& opts) {
  Source s;
  const bool live = opts.live && w.value("--url").has_value();
  if (w.flag("--demo")) {
    if (!rest.empty()) return usage("give either --demo or a SOURCE path, not both");
    if (live) return usage("give either --demo or --url, not both");
    auto home = app::load_demo();
    if (!home) return home.error();
    s.home = std::move(*home);
    s.label = "demo";
    s.demo = true;
    return s;
  }
  if (live) {
    if (!rest.empty()) return usage("give either --url or a SOURCE path, not both");
    auto token = hub::ha::read_token(w.value("--token-file").value_or(""));
    if (!token) return token.error();
    auto lo = live_options(w, std::move(*token));
    s.label = lo.url;
    if (!opts.keep_connection) {
      auto home = hub::ha::load_live(lo);
      if (!home) return home.error();
      s.home = std::move(*home);
      return s;
    }
    auto hub = hub::ha::LiveHub::connect(lo);
    if (!hub) return hub.error();
    s.live = std::move(*hub);
    if (auto r = refresh_live(s); !r) return r.error();
    return s;
  }
  if (!opts.paths)
    return usage(opts.verb + " changes a running hub: give --url URL --token-file FILE (or --demo to try it)");
  if (rest.size() != 1)
    return usage(opts.verb + " needs one SOURCE (a config folder, a replies folder or a backup tar)" +
                 (opts.live ? ", --demo, or --url URL --token-file FILE" : " or --demo") + "; see `domoguard " + opts.verb +
                 " --help`");
  auto home = app::load_path(rest.front());
  if (!home) return home.error();
  s.home = std::move(*home);
  // The home's key falls back to its source where the hub has no id: the same folder is the same
  // home whichever working folder it was named from.
  s.label = rest.front();
  std::error_code ec;
  auto abs = std::filesystem::absolute(s.label, ec);
  if (!ec) s.label = abs.lexically_normal().string();
  return s;
}

}  // namespace domoguard::cli
