#include "guard.hpp"

#include <boost/json.hpp>

#include "report/render.hpp"

namespace domoguard::daemon {

namespace json = boost::json;

Guard::Guard(api::Service& service, std::string lang, bool notify, Log log)
    : service_(service), lang_(std::move(lang)), notify_(notify), log_(std::move(log)) {}

void Guard::after_change(hub::ha::LiveMirror& mirror, const std::map<std::string, std::string>& changed_by) {
  check(mirror, changed_by);
}

void Guard::tick(hub::ha::LiveMirror& mirror) {
  if (std::chrono::steady_clock::now() - last_check_ < std::chrono::seconds(5)) return;
  check(mirror, {});
}

void Guard::check(hub::ha::LiveMirror& mirror, const std::map<std::string, std::string>& changed_by) {
  last_check_ = std::chrono::steady_clock::now();
  json::object by;
  for (const auto& [entity, user] : changed_by) by[entity] = user;
  const auto reply_text =
      service_.handle(json::serialize(json::object{{"type", "domoguard/hold/check"}, {"lang", lang_}, {"changed_by", by}}));
  boost::system::error_code ec;
  auto reply = json::parse(reply_text, ec);
  if (ec || !reply.is_object()) return;
  const auto& o = reply.as_object();
  if (!o.at("success").as_bool()) {
    // No home yet, or nothing the check can read: said once per check, never fatal.
    const auto& err = o.at("error").as_object();
    if (err.at("code").as_string() != "not_ready") log_(true, "mode check failed: " + std::string(err.at("message").as_string()));
    return;
  }
  const auto& r = o.at("result").as_object();
  for (const auto& x : r.at("restored").as_array()) {
    const auto& done = x.as_object();
    std::string targets;
    for (const auto& i : done.at("items").as_array()) targets += (targets.empty() ? "" : ", ") + std::string(i.at("target").as_string());
    log_(!done.at("ok").as_bool(), std::string(done.at("ok").as_bool() ? "put back " : "could not put back ") +
                                       std::string(done.at("mode").as_string()) + ": " + report::terminal_safe(targets) +
                                       " (journal " + std::to_string(done.at("journal_id").as_int64()) + ")");
  }
  for (const auto& x : r.at("reported").as_array())
    log_(false, "drift told (" + std::string(x.at("mode").as_string()) + "): " + report::terminal_safe(std::string(x.at("target").as_string())));
  for (const auto& x : r.at("fights").as_array())
    log_(true, "stopped putting back " + report::terminal_safe(std::string(x.at("target").as_string())) + " after " +
                   std::to_string(x.at("attempts").as_int64()) + " attempts: something keeps changing it");
  if (!notify_) return;
  for (const auto& n : r.at("notifications").as_array()) {
    const auto& note = n.as_object();
    auto posted = mirror.notify(std::string(note.at("id").as_string()), std::string(note.at("title").as_string()),
                                std::string(note.at("message").as_string()));
    if (!posted) log_(true, "notification failed: " + posted.error().message);
  }
}

}  // namespace domoguard::daemon
