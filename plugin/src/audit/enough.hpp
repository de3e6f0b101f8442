// Whether a home holds enough to be scored. A snapshot whose device and entity registries are
// missing or empty (an empty .storage/, a backup without one) has nothing to judge: it gets no
// score, and no front end may report it as passing.
#pragma once

#include <string>
#include <vector>

#include "model/home.hpp"

namespace domoguard::audit {

// The core parts that were missing or empty ("devices", "entities"); empty when the home scores.
std::vector<std::string> unscored_parts(const model::Home& home);
bool enough_to_score(const model::Home& home);

}  // namespace domoguard::audit
