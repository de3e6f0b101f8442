// Renders plans for machines (JSON, the `plan` output of DESIGN.md) and people (a numbered list).
// Every text is a locales key; hub-supplied names are escaped by JSON and cleaned for terminals.
#pragma once

#include <string>

#include "locale/messages.hpp"
#include "policy/plan.hpp"

namespace boost::json {
class object;
}

namespace domoguard::report {

// {"id","kind","selector","title","actions":[{"kind","target","param","before","after","message"}],
//  "guidance":[{"message","rule","title"?,"reason"?}], "undo_by"?}
std::string plan_json(const policy::Plan& plan, const locale::Messages& msg);
// "1. Stop sharing Front door lock with Assist (now: shared)", then what the household does itself.
std::string plan_table(const policy::Plan& plan, const locale::Messages& msg);
// The same list from a plan's JSON (plan_json's, as the domoguard/plan and apply replies carry it):
// plan_table(p, msg) is plan_table(plan_json(p, msg), msg).
std::string plan_table(const boost::json::object& plan_doc, const locale::Messages& msg);
// One step of a plan carried out, in words: its preview text, else "kind target (param) -> value".
std::string step_text(const policy::PlanAction& action, const locale::Messages& msg);

// A plan text: key with its placeholders, "_key" placeholders resolved to their texts first.
std::string plan_text(const std::string& key, const policy::Placeholders& ph, const locale::Messages& msg);
// An action's value as people say it ("shared", "on", "disabled"), the raw value when there is no text.
std::string plan_value(const policy::PlanAction& action, const std::string& value, const locale::Messages& msg);

}  // namespace domoguard::report
