#include "surface.hpp"

namespace domoguard::cli {

namespace json = boost::json;

Result<std::unique_ptr<api::Service>> open_service(const std::string& db_path, const locale::Messages& msg, model::Home home,
                                                   const std::string& label, bool keep_audit) {
  api::ServiceOptions so;
  so.db_path = db_path;
  so.keep_audits = keep_audit;
  so.lang = msg.lang();
  auto service = api::Service::create(so);
  if (!service) return service.error();
  if (auto r = (*service)->set_home(std::move(home), label); !r) return r.error();
  return service;
}

Result<json::value> call(api::Service& service, json::object request, const locale::Messages& msg) {
  request["lang"] = msg.lang();
  auto reply = json::parse(service.handle(json::serialize(request)));
  auto& o = reply.as_object();
  if (o.at("success").as_bool()) return std::move(o["result"]);
  const auto& e = o.at("error").as_object();
  const std::string code(e.at("code").as_string());
  const ErrorCode c = code == "invalid_format" || code == "not_found" || code == "conflict" ? ErrorCode::bad_input
                      : code == "unreachable"                                              ? ErrorCode::unreachable
                                                                                           : ErrorCode::io;
  // The service said it in the request's language already, with the placeholders it had.
  Error err{c, std::string(e.at("key").as_string()), std::string(e.at("message").as_string()), "", ""};
  err.said = true;
  return err;
}

Result<json::value> call_verb(const std::string& db_path, const locale::Messages& msg, model::Home home,
                              const std::string& label, json::object request, bool keep_audit) {
  auto service = open_service(db_path, msg, std::move(home), label, keep_audit);
  if (!service) return service.error();
  auto reply = call(**service, std::move(request), msg);
  (*service)->close_for_exit();   // the command ends here: its stores are closed, its home left to the OS
  return reply;
}

}  // namespace domoguard::cli
