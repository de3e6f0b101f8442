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
  // Rendered from the plan's JSON, so a front end that holds only the JSON prints the same list.
  return plan_table(json::parse(plan_json(p, msg)).as_object(), msg);
}

std::string plan_table(const json::object& doc, const locale::Messages& msg) {
  auto str = [](const json::object& o, std::string_view k) {
    const auto* x = o.if_contains(k);
    return x && x->is_string() ? std::string(x->as_string()) : std::string();
  };
  auto list = [](const json::object& o, std::string_view k) {
    const auto* x = o.if_contains(k);
    return x && x->is_array() ? x->as_array() : json::array{};
  };
  std::string out = terminal_safe(str(doc, "title"), 200) + "\n";
  const auto actions = list(doc, "actions");
  if (actions.empty()) out += "  " + msg.text("plan.table.nothing") + "\n";
  int n = 0;
  for (const auto& v : actions) {
    if (!v.is_object()) continue;
    const auto& a = v.as_object();
    policy::PlanAction act;
    act.kind = str(a, "kind");
    std::string line = std::to_string(++n);
    line += ". ";
    line += str(a, "message");
    if (auto now = plan_value(act, str(a, "before"), msg); !now.empty()) {
      line += ' ';
      line += msg.text("plan.table.now", {{"value", now}});
    }
    out += "  " + terminal_safe(line, 200) + "\n";
  }
  const auto guidance = list(doc, "guidance");
  if (!guidance.empty()) {
    out += msg.text("plan.table.guidance") + "\n";
    for (const auto& v : guidance) {
      if (!v.is_object()) continue;
      const auto& g = v.as_object();
      std::string line = str(g, "message");
      if (g.contains("title")) line = str(g, "title") + ": " + line;
      out += "  - " + terminal_safe(line, 300) + "\n";
      if (g.contains("reason")) out += "    " + terminal_safe(str(g, "reason"), 300) + "\n";
    }
  }
  if (str(doc, "undo_by") == "journal") out += msg.text("plan.table.undo_by_journal") + "\n";
  if (const auto* irr = doc.if_contains("irreversible"); irr && irr->is_object())
    out += terminal_safe(str(irr->as_object(), "message"), 300) + "\n";
  if (const std::string id = str(doc, "id"); !id.empty()) out += msg.text("plan.table.id", {{"id", id.substr(0, 12)}}) + "\n";
  return out;
}

std::string step_text(const policy::PlanAction& a, const locale::Messages& msg) {
  if (!a.message_key.empty() && msg.has(a.message_key)) return plan_text(a.message_key, a.placeholders, msg);
  std::string s = a.kind + " " + a.target;
  if (!a.param.empty()) s += " (" + a.param + ")";
  return terminal_safe(s) + " -> " + terminal_safe(a.after);
}

}  // namespace domoguard::report
