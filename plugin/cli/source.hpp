// The SOURCE every CLI verb reads: `--demo`, `--url URL --token-file FILE` (a live hub), or one
// path (a config folder, a .storage folder, a replies folder or a backup tar). One function, so a
// home gets the same key in the history, the journal and the household's decisions whichever verb
// read it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cli_words.hpp"
#include "hub/ha/live.hpp"
#include "model/home.hpp"
#include "util/result.hpp"

namespace domoguard::cli {

struct Source {
  model::Home home;
  std::string label;                            // "demo", the hub's URL, or the path made absolute
  bool demo = false;
  std::unique_ptr<hub::ha::LiveHub> live;       // --url with keep_connection: the open session
};

struct SourceOptions {
  std::string verb;              // for the usage message
  bool keep_connection = false;  // a live hub stays connected (plans applied through it)
  bool paths = true;             // false: only --demo or --url (apply and undo change a running hub)
  bool live = true;              // false: the verb reads snapshots and the demo only
};

// `rest`: the command-line positionals left once the verb took its own words (at most one, the path).
Result<Source> load_source(const Words& w, const std::vector<std::string>& rest, const SourceOptions& opts);

// The live hub's settings from --url, --ca-file and --allow-insecure.
hub::ha::LiveOptions live_options(const Words& w, std::string token);

// Reads a connected live hub again into s.home (after a plan was rolled back, say).
Result<bool> refresh_live(Source& s);

}  // namespace domoguard::cli
