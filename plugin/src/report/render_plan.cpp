#include "report/render_plan.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "report/render.hpp"

namespace domoguard::report {

namespace json = boost::json;

namespace {

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

locale::Placeholders resolve(const policy::Placeholders& ph, const locale::Messages& msg) {
  locale::Placeholders plain, out;
  for (const auto& p : ph)
    if (!ends_with(p.first, "_key")) plain.push_back(p);
  out = plain;
  for (const auto& [name, key] : ph)
    if (ends_with(name, "_key")) out.emplace_back(name.substr(0, name.size() - 4), msg.text(key, plain));
  return out;
}

// Plans without a reversible hub change of their own are undone by the journal: switching child-safe
// mode off, or opting a device in after privacy by default, restores what the plan changed.
bool undone_by_journal(const policy::Plan& p) { return p.kind == "child_safe" || p.kind == "privacy_default"; }

// Steps no undo can take back (a revoked token): the preview says so before anyone applies it.
int irreversible_steps(const policy::Plan& p) {
  return static_cast<int>(std::count_if(p.actions.begin(), p.actions.end(),
                                        [](const policy::PlanAction& a) { return !model::undoable(a.kind); }));
}

}  // namespace

std::string plan_text(const std::string& key, const policy::Placeholders& ph, const locale::Messages& msg) {
  return msg.text(key, resolve(ph, msg));
}

std::string plan_value(const policy::PlanAction& a, const std::string& value, const locale::Messages& msg) {
  if (value.empty()) return {};
  auto t = msg.text_or_empty("plan.value." + a.kind + "." + value);
  return t.empty() ? value : t;
}

std::string plan_json(const policy::Plan& p, const locale::Messages& msg) {
  json::array actions, guidance;
  for (const auto& a : p.actions)
    actions.push_back(json::object{{"kind", a.kind},
                                   {"target", a.target},
                                   {"param", a.param},
                                   {"before", a.before},
                                   {"after", a.after},
                                   {"rule", a.rule},
                                   {"undoable", model::undoable(a.kind)},
                                   {"message", plan_text(a.message_key, a.placeholders, msg)}});
  for (const auto& g : p.guidance) {
    json::object o{{"message", plan_text(g.message_key, g.placeholders, msg)}, {"rule", g.rule}};
    if (!g.title_key.empty()) o["title"] = plan_text(g.title_key, g.placeholders, msg);
    if (!g.reason_key.empty()) o["reason"] = msg.text(g.reason_key);
    guidance.push_back(std::move(o));
  }
  json::object o{{"id", p.id},
                 {"kind", p.kind},
                 {"selector", p.selector},
                 {"title", plan_text(p.title_key, p.title_placeholders, msg)},
                 {"actions", std::move(actions)},
                 {"guidance", std::move(guidance)}};
  if (undone_by_journal(p)) o["undo_by"] = "journal";
  if (const int n = irreversible_steps(p); n > 0)
    o["irreversible"] = json::object{{"count", n}, {"message", msg.text("plan.irreversible", {{"count", std::to_string(n)}})}};
  return json::serialize(o) + "\n";
}

std::string plan_table(const policy::Plan& p, const locale::Messages& msg) {
  std::string out = terminal_safe(plan_text(p.title_key, p.title_placeholders, msg), 200) + "\n";
  if (p.actions.empty()) out += "  " + msg.text("plan.table.nothing") + "\n";
  int n = 0;
  for (const auto& a : p.actions) {
    std::string line = std::to_string(++n) + ". " + plan_text(a.message_key, a.placeholders, msg);
    if (auto now = plan_value(a, a.before, msg); !now.empty()) line += " " + msg.text("plan.table.now", {{"value", now}});
    out += "  " + terminal_safe(line, 200) + "\n";
  }
  if (!p.guidance.empty()) {
    out += msg.text("plan.table.guidance") + "\n";
    for (const auto& g : p.guidance) {
      std::string line = plan_text(g.message_key, g.placeholders, msg);
      if (!g.title_key.empty()) line = plan_text(g.title_key, g.placeholders, msg) + ": " + line;
      out += "  - " + terminal_safe(line, 300) + "\n";
      if (!g.reason_key.empty()) out += "    " + terminal_safe(msg.text(g.reason_key), 300) + "\n";
    }
  }
  if (undone_by_journal(p)) out += msg.text("plan.table.undo_by_journal") + "\n";
  if (const int n = irreversible_steps(p); n > 0)
    out += terminal_safe(msg.text("plan.irreversible", {{"count", std::to_string(n)}}), 300) + "\n";
  if (!p.id.empty()) out += msg.text("plan.table.id", {{"id", p.id.substr(0, 12)}}) + "\n";
  return out;
}

}  // namespace domoguard::report
