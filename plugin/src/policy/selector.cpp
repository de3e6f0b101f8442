// Selectors as written on the command line (--level, --scenario, ...) and their compilation.
#include "policy/compile.hpp"
#include "policy/errors.hpp"
#include "audit/triage.hpp"

namespace domoguard::policy {

using audit::Finding;
using detail::bad;
using detail::unknown;
using model::Home;

std::string Selector::text() const {
  switch (kind) {
    case Kind::level: return "level=" + name + (category.empty() ? "" : ";category=" + category);
    case Kind::child_safe: return std::string("child_safe=") + (on ? "on" : "off");
    case Kind::scenario: return "scenario=" + name;
    case Kind::privacy_default:
      return std::string("privacy_default=") + (on ? "on" : "off") + (device_id.empty() ? "" : ";device=" + device_id);
    case Kind::fix: return "fix=" + name;
    case Kind::profile: return "profile=" + name;
  }
  return {};
}

namespace {

const char* kSelectorForms =
    "--level NAME [--category CAT], --child-safe on|off, --scenario NAME, --privacy-default on|off --device ID, "
    "--fix FINDING, --profile FILE";

Error bad_selector(const std::string& why) {
  return bad("error.plan.bad_selector", why + " (selectors: " + kSelectorForms + ")", "", "",
             {{"reason", why}, {"valid", kSelectorForms}});
}

}  // namespace

Result<Selector> parse_selector(const std::vector<std::string>& words) {
  auto data = policy_data();
  if (!data) return data.error();
  const PolicyData& pd = **data;
  Selector s;
  bool have_main = false;
  std::string category, device;
  bool have_category = false, have_device = false;
  for (size_t i = 0; i < words.size(); ++i) {
    const auto& w = words[i];
    const bool known = w == "--level" || w == "--category" || w == "--child-safe" || w == "--scenario" ||
                       w == "--privacy-default" || w == "--device" || w == "--fix" || w == "--profile";
    if (!known) return bad_selector("unknown selector word '" + w + "'");
    if (i + 1 >= words.size() || words[i + 1].empty() || words[i + 1].rfind("--", 0) == 0)
      return bad_selector(w + " needs a value");
    const std::string v = words[++i];
    if (w == "--category") {
      if (have_category) return bad_selector("--category given twice");
      category = v;
      have_category = true;
      continue;
    }
    if (w == "--device") {
      if (have_device) return bad_selector("--device given twice");
      device = v;
      have_device = true;
      continue;
    }
    if (have_main) return bad_selector("only one selector at a time");
    have_main = true;
    if (w == "--level") {
      if (!pd.level(v)) return unknown("level", v, pd.level_names());
      s.kind = Selector::Kind::level;
      s.name = v;
    } else if (w == "--scenario") {
      if (!pd.scenario(v)) return unknown("scenario", v, pd.scenario_names());
      s.kind = Selector::Kind::scenario;
      s.name = v;
    } else if (w == "--child-safe" || w == "--privacy-default") {
      if (v != "on" && v != "off") return bad_selector(w + " takes on or off, not '" + v + "'");
      s.kind = w == "--child-safe" ? Selector::Kind::child_safe : Selector::Kind::privacy_default;
      s.on = v == "on";
    } else if (w == "--fix") {
      s.kind = Selector::Kind::fix;
      s.name = v;
    } else {
      s.kind = Selector::Kind::profile;
      s.name = v;
    }
  }
  if (!have_main) return bad_selector("no selector given");
  if (have_category) {
    if (s.kind != Selector::Kind::level) return bad_selector("--category goes with --level");
    if (!pd.category(category)) return unknown("category", category, pd.category_names());
    s.category = category;
  }
  if (have_device && s.kind != Selector::Kind::privacy_default) return bad_selector("--device goes with --privacy-default");
  if (s.kind == Selector::Kind::privacy_default && s.on && !have_device)
    return bad_selector("--privacy-default on needs --device ID");
  s.device_id = device;
  return s;
}

Result<Plan> compile(const Home& home, const std::vector<Finding>& findings, const Selector& sel) {
  auto data = policy_data();
  if (!data) return data.error();
  switch (sel.kind) {
    case Selector::Kind::level: return plan_level(**data, home, findings, sel.name, sel.category);
    case Selector::Kind::scenario: return plan_scenario(**data, home, sel.name);
    case Selector::Kind::child_safe:
    case Selector::Kind::privacy_default:
      if (!sel.on)
        // Off is the undo of the plan that switched it on: only the journal knows what that changed.
        return bad("error.plan.undo_by_journal", sel.text() + " is done by undoing the plan that switched it on", "", "",
                   {{"selector", sel.text()}});
      if (sel.kind == Selector::Kind::child_safe) return plan_child_safe(**data, home);
      return plan_privacy_defaults(**data, home, sel.device_id);
    case Selector::Kind::fix: {
      for (const auto& f : findings)
        if (f.key() == sel.name) return plan_fix(home, f);
      // A group id ("RULE|kind:*") fixes every member at once.
      std::vector<const Finding*> members;
      for (const auto& f : findings)
        if (audit::group_id(f) == sel.name) members.push_back(&f);
      if (members.size() == 1) return plan_fix(home, *members.front());
      if (!members.empty()) return plan_fix_group(home, members, sel.name);
      std::vector<std::string> keys;
      for (const auto& f : findings)
        if (f.remediation.kind == audit::Remediation::Kind::action && keys.size() < 20) keys.push_back(f.key());
      return unknown("finding", sel.name, keys);
    }
    case Selector::Kind::profile:
      return bad("error.plan.profile", "profiles are compiled by the profile loader, not by plan selectors", "", "",
                 {{"name", sel.name}});
  }
  return bad_selector("unknown selector");
}

}  // namespace domoguard::policy
