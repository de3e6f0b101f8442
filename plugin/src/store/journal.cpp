#include "store/journal.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include "store/sqlite_file.hpp"
#include <sys/stat.h>

#include <boost/json.hpp>
#include <chrono>
#include <ctime>
#include <filesystem>

namespace domoguard::store {

namespace fs = std::filesystem;
namespace json = boost::json;

struct Journal::Impl {
  SQLite::Database db;
  explicit Impl(SQLite::Database d) : db(std::move(d)) {}
};

namespace {

constexpr int kJournalSchema = 1;

const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS journal_meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS plans (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  plan_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  selector TEXT NOT NULL,
  plan_json TEXT NOT NULL,
  actor TEXT NOT NULL,
  hub TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL CHECK (state IN ('pending','applying','applied','failed','rolled_back','undone')),
  created_at TEXT NOT NULL,
  finished_at TEXT NOT NULL DEFAULT '',
  undoes INTEGER NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS plans_state ON plans(state, id);
CREATE TABLE IF NOT EXISTS plan_steps (
  plan INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  kind TEXT NOT NULL,
  target TEXT NOT NULL,
  param TEXT NOT NULL,
  before TEXT NOT NULL,
  after TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending','done','verified','unchanged','reverted','failed','skipped')),
  error TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (plan, idx)
);
)sql";

using detail::db_error;
using detail::now_utc;

PlanState plan_state(const std::string& s) {
  if (s == "applying") return PlanState::applying;
  if (s == "applied") return PlanState::applied;
  if (s == "failed") return PlanState::failed;
  if (s == "rolled_back") return PlanState::rolled_back;
  if (s == "undone") return PlanState::undone;
  return PlanState::pending;
}

StepState step_state(const std::string& s) {
  if (s == "done") return StepState::done;
  if (s == "verified") return StepState::verified;
  if (s == "unchanged") return StepState::unchanged;
  if (s == "reverted") return StepState::reverted;
  if (s == "failed") return StepState::failed;
  if (s == "skipped") return StepState::skipped;
  return StepState::pending;
}

const char* kPlanColumns =
    "id, plan_id, kind, selector, plan_json, actor, state, created_at, finished_at, undoes, error, hub";

JournalPlan read_plan_row(SQLite::Statement& q) {
  JournalPlan p;
  p.id = q.getColumn(0).getInt64();
  p.plan_id = q.getColumn(1).getString();
  p.kind = q.getColumn(2).getString();
  p.selector = q.getColumn(3).getString();
  p.plan_json = q.getColumn(4).getString();
  p.actor = q.getColumn(5).getString();
  p.state = plan_state(q.getColumn(6).getString());
  p.created_at = q.getColumn(7).getString();
  p.finished_at = q.getColumn(8).getString();
  p.undoes = q.getColumn(9).getInt64();
  p.error = q.getColumn(10).getString();
  p.hub = q.getColumn(11).getString();
  return p;
}

void load_steps(SQLite::Database& db, JournalPlan& p) {
  SQLite::Statement q(db,
                      "SELECT idx, kind, target, param, before, after, state, error FROM plan_steps WHERE plan=? "
                      "ORDER BY idx");
  q.bind(1, p.id);
  while (q.executeStep()) {
    JournalStep s;
    s.index = q.getColumn(0).getInt();
    s.kind = q.getColumn(1).getString();
    s.target = q.getColumn(2).getString();
    s.param = q.getColumn(3).getString();
    s.before = q.getColumn(4).getString();
    s.after = q.getColumn(5).getString();
    s.state = step_state(q.getColumn(6).getString());
    s.error = q.getColumn(7).getString();
    p.steps.push_back(std::move(s));
  }
}

std::vector<JournalPlan> query_plans(SQLite::Database& db, const std::string& where_order,
                                     const std::vector<std::string>& binds) {
  SQLite::Statement q(db, std::string("SELECT ") + kPlanColumns + " FROM plans " + where_order);
  for (size_t i = 0; i < binds.size(); ++i) q.bind(static_cast<int>(i + 1), binds[i]);
  std::vector<JournalPlan> out;
  while (q.executeStep()) out.push_back(read_plan_row(q));
  for (auto& p : out) load_steps(db, p);
  return out;
}

// Whether an undo has something to restore: a revoked token (model::undoable) is a change no undo
// can take back, so a plan of only such steps is never offered as "the latest plan to undo".
bool has_changes(const JournalPlan& p) {
  for (const auto& s : p.steps)
    if ((s.state == StepState::verified || s.state == StepState::done) && model::undoable(s.kind)) return true;
  return false;
}

json::array placeholders_json(const policy::Placeholders& ph) {
  json::array a;
  for (const auto& [k, v] : ph) a.push_back(json::array{json::string(k), json::string(v)});
  return a;
}

policy::Placeholders placeholders_from(const json::value* v) {
  policy::Placeholders out;
  if (!v || !v->is_array()) return out;
  for (const auto& e : v->as_array())
    if (e.is_array() && e.as_array().size() == 2 && e.as_array()[0].is_string() && e.as_array()[1].is_string())
      out.emplace_back(std::string(e.as_array()[0].as_string()), std::string(e.as_array()[1].as_string()));
  return out;
}

std::string str(const json::object& o, std::string_view k) {
  auto* v = o.if_contains(k);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

const char* to_string(PlanState s) {
  switch (s) {
    case PlanState::pending: return "pending";
    case PlanState::applying: return "applying";
    case PlanState::applied: return "applied";
    case PlanState::failed: return "failed";
    case PlanState::rolled_back: return "rolled_back";
    case PlanState::undone: return "undone";
  }
  return "pending";
}

const char* to_string(StepState s) {
  switch (s) {
    case StepState::pending: return "pending";
    case StepState::done: return "done";
    case StepState::verified: return "verified";
    case StepState::unchanged: return "unchanged";
    case StepState::reverted: return "reverted";
    case StepState::failed: return "failed";
    case StepState::skipped: return "skipped";
  }
  return "pending";
}

Journal::Journal(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Journal::~Journal() = default;

Result<std::unique_ptr<Journal>> Journal::open(const std::string& path) {
  // Private, WAL, every state change on disk before the hub is touched (store/sqlite_file).
  auto db = detail::open_store(path, kSchema, "Cannot open the plan journal", [&](SQLite::Database& d) -> std::optional<Error> {
    SQLite::Statement v(d, "SELECT value FROM journal_meta WHERE key='schema'");
    if (v.executeStep()) {
      const int version = std::atoi(v.getColumn(0).getText());
      if (version > kJournalSchema)
        return Error{ErrorCode::io, "error.store.newer",
                     "The plan journal was written by a newer DomoGuard (schema " + std::to_string(version) + ")", path, "",
                     {{"schema", std::to_string(version)}}};
    }
    v.reset();
    d.exec("INSERT OR REPLACE INTO journal_meta(key, value) VALUES ('schema', '" + std::to_string(kJournalSchema) + "')");
    return std::nullopt;
  });
  if (!db) return db.error();
  return std::unique_ptr<Journal>(new Journal(std::make_unique<Impl>(std::move(*db))));
}

Result<int64_t> Journal::begin(const JournalPlan& plan) {
  try {
    auto& db = impl_->db;
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement a(db,
                        "INSERT INTO plans(plan_id, kind, selector, plan_json, actor, state, created_at, undoes, error, hub) "
                        "VALUES (?,?,?,?,?,?,?,?,?,?)");
    a.bind(1, plan.plan_id);
    a.bind(2, plan.kind);
    a.bind(3, plan.selector);
    a.bind(4, plan.plan_json);
    a.bind(5, plan.actor);
    a.bind(6, to_string(plan.state == PlanState::pending ? PlanState::applying : plan.state));
    a.bind(7, plan.created_at.empty() ? now_utc() : plan.created_at);
    a.bind(8, plan.undoes);
    a.bind(9, plan.error);
    a.bind(10, plan.hub);
    a.exec();
    const int64_t id = db.getLastInsertRowid();
    SQLite::Statement s(db,
                        "INSERT INTO plan_steps(plan, idx, kind, target, param, before, after, state, error) "
                        "VALUES (?,?,?,?,?,?,?,?,?)");
    for (const auto& st : plan.steps) {
      s.bind(1, id);
      s.bind(2, st.index);
      s.bind(3, st.kind);
      s.bind(4, st.target);
      s.bind(5, st.param);
      s.bind(6, st.before);
      s.bind(7, st.after);
      s.bind(8, to_string(st.state));
      s.bind(9, st.error);
      s.exec();
      s.reset();
    }
    tx.commit();
    return id;
  } catch (const std::exception& e) {
    return db_error(e, "Cannot write the plan journal");
  }
}

Result<bool> Journal::set_step(int64_t journal_id, int index, StepState state, const std::string& error) {
  try {
    SQLite::Statement q(impl_->db, "UPDATE plan_steps SET state=?, error=? WHERE plan=? AND idx=?");
    q.bind(1, to_string(state));
    q.bind(2, error);
    q.bind(3, journal_id);
    q.bind(4, index);
    if (q.exec() != 1) return Error{ErrorCode::io, "error.store.no_step", "No such journal step", "", ""};
    return true;
  } catch (const std::exception& e) {
    return db_error(e, "Cannot write the plan journal");
  }
}

Result<bool> Journal::finish(int64_t journal_id, PlanState state, const std::string& error) {
  try {
    SQLite::Statement q(impl_->db, "UPDATE plans SET state=?, error=?, finished_at=? WHERE id=?");
    q.bind(1, to_string(state));
    q.bind(2, error);
    q.bind(3, state == PlanState::applying ? std::string() : now_utc());
    q.bind(4, journal_id);
    if (q.exec() != 1) return Error{ErrorCode::io, "error.store.no_plan", "No such journal entry", "", ""};
    return true;
  } catch (const std::exception& e) {
    return db_error(e, "Cannot write the plan journal");
  }
}

Result<bool> Journal::finish_undo(int64_t undo_id, int64_t undone_id, const std::vector<int>& restored) {
  try {
    auto& db = impl_->db;
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement s(db, "UPDATE plan_steps SET state='reverted' WHERE plan=? AND idx=?");
    for (int idx : restored) {
      s.bind(1, undone_id);
      s.bind(2, idx);
      s.exec();
      s.reset();
    }
    const std::string now = now_utc();
    SQLite::Statement u(db, "UPDATE plans SET state='applied', finished_at=? WHERE id=?");
    u.bind(1, now);
    u.bind(2, undo_id);
    u.exec();
    // Steps that cannot be undone (a revoked token) stay as they are and do not keep the plan open.
    SQLite::Statement left(db, "SELECT kind FROM plan_steps WHERE plan=? AND state IN ('done','verified')");
    left.bind(1, undone_id);
    int open_steps = 0;
    while (left.executeStep())
      if (model::undoable(left.getColumn(0).getString())) ++open_steps;
    if (open_steps == 0) {
      SQLite::Statement d(db, "UPDATE plans SET state='undone', finished_at=? WHERE id=?");
      d.bind(1, now);
      d.bind(2, undone_id);
      d.exec();
    }
    tx.commit();
    return true;
  } catch (const std::exception& e) {
    return db_error(e, "Cannot write the plan journal");
  }
}

Result<JournalPlan> Journal::get(int64_t journal_id) {
  try {
    auto v = query_plans(impl_->db, "WHERE id=?", {std::to_string(journal_id)});
    if (v.empty())
      return Error{ErrorCode::bad_input, "error.plan.no_entry",
                   "No plan " + std::to_string(journal_id) + " in the journal", "", "", {{"plan", std::to_string(journal_id)}}};
    return std::move(v.front());
  } catch (const std::exception& e) {
    return db_error(e, "Cannot read the plan journal");
  }
}

Result<std::vector<JournalPlan>> Journal::in_state(PlanState state, const std::string& hub) {
  try {
    if (!hub.empty()) return query_plans(impl_->db, "WHERE state=? AND hub=? ORDER BY id", {to_string(state), hub});
    return query_plans(impl_->db, "WHERE state=? ORDER BY id", {to_string(state)});
  } catch (const std::exception& e) {
    return db_error(e, "Cannot read the plan journal");
  }
}

Result<std::optional<JournalPlan>> Journal::latest_undoable(const std::string& hub, const std::string& kind,
                                                            const std::string& selector) {
  try {
    auto v = kind.empty()
                 ? query_plans(impl_->db, "WHERE state='applied' AND kind<>'undo' AND hub=? ORDER BY id DESC", {hub})
                 : query_plans(impl_->db, "WHERE state='applied' AND kind=? AND hub=? ORDER BY id DESC", {kind, hub});
    for (auto& p : v)
      if (has_changes(p) && (selector.empty() || p.selector == selector)) return std::optional<JournalPlan>(std::move(p));
    return std::optional<JournalPlan>();
  } catch (const std::exception& e) {
    return db_error(e, "Cannot read the plan journal");
  }
}

Result<std::optional<JournalPlan>> Journal::latest_with_plan_id(const std::string& plan_id) {
  try {
    if (plan_id.size() < 6) return std::optional<JournalPlan>();
    // An undo entry carries the id of the plan it undid: it is not that plan.
    auto v = query_plans(impl_->db, "WHERE state='applied' AND kind != 'undo' AND substr(plan_id, 1, ?) = ? ORDER BY id DESC",
                         {std::to_string(plan_id.size()), plan_id});
    for (auto& p : v)
      if (has_changes(p)) return std::optional<JournalPlan>(std::move(p));
    return std::optional<JournalPlan>();
  } catch (const std::exception& e) {
    return db_error(e, "Cannot read the plan journal");
  }
}

Result<std::vector<JournalPlan>> Journal::applied(const std::string& hub, const std::string& kind, int limit) {
  try {
    return query_plans(impl_->db, "WHERE state='applied' AND kind=? AND hub=? ORDER BY id DESC LIMIT ?",
                       {kind, hub, std::to_string(limit)});
  } catch (const std::exception& e) {
    return db_error(e, "Cannot read the plan journal");
  }
}

Result<std::vector<JournalPlan>> Journal::recent(int limit) {
  try {
    return query_plans(impl_->db, "ORDER BY id DESC LIMIT ?", {std::to_string(limit)});
  } catch (const std::exception& e) {
    return db_error(e, "Cannot read the plan journal");
  }
}

std::string Journal::plan_to_json(const policy::Plan& plan) {
  json::array actions;
  for (const auto& a : plan.actions)
    actions.push_back(json::object{{"kind", a.kind},
                                   {"target", a.target},
                                   {"param", a.param},
                                   {"before", a.before},
                                   {"after", a.after},
                                   {"message_key", a.message_key},
                                   {"placeholders", placeholders_json(a.placeholders)},
                                   {"rule", a.rule}});
  json::array guidance;
  for (const auto& g : plan.guidance)
    guidance.push_back(json::object{{"message_key", g.message_key},
                                    {"placeholders", placeholders_json(g.placeholders)},
                                    {"rule", g.rule},
                                    {"title_key", g.title_key},
                                    {"reason_key", g.reason_key}});
  return json::serialize(json::object{{"id", plan.id},
                                      {"kind", plan.kind},
                                      {"selector", plan.selector},
                                      {"title_key", plan.title_key},
                                      {"title_placeholders", placeholders_json(plan.title_placeholders)},
                                      {"actions", std::move(actions)},
                                      {"guidance", std::move(guidance)}});
}

Result<policy::Plan> Journal::plan_from_json(const std::string& text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object())
    return Error{ErrorCode::bad_input, "error.plan.malformed", "The stored plan is not a JSON object", "", ""};
  const auto& o = v.as_object();
  policy::Plan p;
  p.id = str(o, "id");
  p.kind = str(o, "kind");
  p.selector = str(o, "selector");
  p.title_key = str(o, "title_key");
  p.title_placeholders = placeholders_from(o.if_contains("title_placeholders"));
  if (auto* a = o.if_contains("actions"); a && a->is_array())
    for (const auto& x : a->as_array()) {
      if (!x.is_object()) continue;
      const auto& ao = x.as_object();
      policy::PlanAction act;
      act.kind = str(ao, "kind");
      act.target = str(ao, "target");
      act.param = str(ao, "param");
      act.before = str(ao, "before");
      act.after = str(ao, "after");
      act.message_key = str(ao, "message_key");
      act.placeholders = placeholders_from(ao.if_contains("placeholders"));
      act.rule = str(ao, "rule");
      p.actions.push_back(std::move(act));
    }
  if (auto* g = o.if_contains("guidance"); g && g->is_array())
    for (const auto& x : g->as_array()) {
      if (!x.is_object()) continue;
      const auto& go = x.as_object();
      policy::Guidance g;
      g.message_key = str(go, "message_key");
      g.placeholders = placeholders_from(go.if_contains("placeholders"));
      g.rule = str(go, "rule");
      g.title_key = str(go, "title_key");
      g.reason_key = str(go, "reason_key");
      p.guidance.push_back(std::move(g));
    }
  return p;
}

}  // namespace domoguard::store
