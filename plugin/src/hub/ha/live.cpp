#include "hub/ha/live.hpp"

#include "hub/ha/json_stream.hpp"

#include "util/clock.hpp"
#include "util/text.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace domoguard::hub::ha {

namespace json = boost::json;
using clock_type = std::chrono::steady_clock;

namespace {

Error ha_error(std::string key, std::string message) {
  return Error{ErrorCode::unreachable, std::move(key), std::move(message), "", ""};
}

std::string str_field(const json::object& o, std::string_view k) {
  auto* v = o.if_contains(k);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

int compare_versions(const std::string& a, const std::string& b) {
  auto parts = [](const std::string& s) {
    std::vector<long> v;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, '.')) {
      size_t digits = 0;
      while (digits < item.size() && std::isdigit(static_cast<unsigned char>(item[digits]))) ++digits;
      v.push_back(digits ? std::stol(item.substr(0, std::min<size_t>(digits, 9))) : 0);
    }
    return v;
  };
  auto x = parts(a), y = parts(b);
  for (size_t i = 0; i < std::max(x.size(), y.size()); ++i) {
    long p = i < x.size() ? x[i] : 0, q = i < y.size() ? y[i] : 0;
    if (p != q) return p < q ? -1 : 1;
  }
  return 0;
}

Result<std::string> read_token(const std::string& path) {
  if (path.empty()) {
    if (const char* t = std::getenv("SUPERVISOR_TOKEN"); t && *t) return std::string(t);
    return Error{ErrorCode::bad_input, "error.token.missing",
                 "No access token: give --token-file FILE (a file readable only by you)", "", ""};
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return Error{ErrorCode::bad_input, "error.token.unreadable", "Cannot read the token file", path, ""};
  if (!S_ISREG(st.st_mode))
    return Error{ErrorCode::bad_input, "error.token.unreadable", "The token file is not a regular file", path, ""};
  if (st.st_mode & 077)
    return Error{ErrorCode::bad_input, "error.token.permissions",
                 "The token file can be read by other users; run `chmod 600` on it first", path, ""};
  if (st.st_size > 16384)
    return Error{ErrorCode::bad_input, "error.token.too_large", "The token file is too large to be a token", path, ""};
  std::ifstream f(path, std::ios::binary);
  std::string token((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) token.pop_back();
  while (!token.empty() && std::isspace(static_cast<unsigned char>(token.front()))) token.erase(token.begin());
  if (token.empty() || token.find_first_of(" \t\r\n\"") != std::string::npos)
    return Error{ErrorCode::bad_input, "error.token.invalid", "The token file does not hold one access token", path, ""};
  return token;
}

std::string default_url() {
  if (std::getenv("SUPERVISOR_TOKEN")) return "ws://supervisor/core/websocket";
  return "";
}

Result<std::unique_ptr<LiveHub>> LiveHub::connect(const LiveOptions& opts) {
  auto url = net::parse_url(opts.url);
  if (!url) return url.error();
  if (url->path == "/" || url->path.empty()) url->path = "/api/websocket";
  // Tokens must not cross the network in clear text: plain ws only to this machine or the
  // add-on's internal supervisor host, unless the user insists.
  if (!url->tls && !net::is_loopback(url->host) && url->host != "supervisor" && !opts.allow_insecure)
    return Error{ErrorCode::bad_input, "error.net.insecure",
                 "Refusing to send the access token over unencrypted ws:// to " + url->host +
                     "; use wss:// (or --allow-insecure on a network you trust)",
                 "", "", {{"host", url->host}}};
  net::WsOptions wo;
  wo.ca_file = opts.ca_file;
  wo.connect_timeout_ms = std::min(opts.timeout_ms, 15000);
  auto ws = net::WsClient::connect(*url, wo);
  if (!ws) return ws.error();

  std::unique_ptr<LiveHub> hub(new LiveHub());
  hub->ws_ = std::move(*ws);
  hub->timeout_ms_ = opts.timeout_ms;

  auto expect = [&](const char* what) -> Result<json::object> {
    auto msg = hub->ws_->receive(opts.timeout_ms);
    if (!msg) return msg.error();
    if (!msg->has_value()) return ha_error("error.ha.timeout", std::string("Home Assistant did not send ") + what);
    boost::system::error_code ec;
    auto v = json::parse(**msg, ec);
    if (ec || !v.is_object()) return ha_error("error.ha.protocol", "The hub's reply is not Home Assistant's WebSocket API");
    return v.as_object();
  };
  auto hello = expect("auth_required");
  if (!hello) return hello.error();
  if (str_field(*hello, "type") != "auth_required")
    return ha_error("error.ha.protocol", "The hub did not ask for authentication as Home Assistant does");
  hub->version_ = str_field(*hello, "ha_version");
  auto sent = hub->ws_->send(json::serialize(json::object{{"type", "auth"}, {"access_token", opts.token}}));
  if (!sent) return sent.error();
  auto answer = expect("an authentication answer");
  if (!answer) return answer.error();
  const auto type = str_field(*answer, "type");
  if (type == "auth_invalid") {
    Error e = ha_error("error.ha.auth_invalid",
                       "Home Assistant refused the access token (" + str_field(*answer, "message") +
                           "); create a new long-lived token under your profile's Security tab");
    e.placeholders = {{"detail", util::clean_text(str_field(*answer, "message"), 200)}};
    return e;
  }
  if (type != "auth_ok") return ha_error("error.ha.protocol", "Unexpected answer to authentication: " + type);
  if (hub->version_.empty()) hub->version_ = str_field(*answer, "ha_version");
  if (!hub->version_.empty() && compare_versions(hub->version_, kMinimumVersion) < 0) {
    Error e = ha_error("error.ha.too_old", "Home Assistant " + hub->version_ + " is too old; DomoGuard needs " +
                                               kMinimumVersion + " or later");
    e.placeholders = {{"version", util::clean_text(hub->version_, 40)}, {"minimum", kMinimumVersion}};
    return e;
  }
  return hub;
}

bool LiveHub::connected() const { return ws_ && ws_->open(); }

Result<std::string> LiveHub::wait_result(int id) {
  const auto deadline = clock_type::now() + std::chrono::milliseconds(timeout_ms_);
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now()).count();
    if (left <= 0) return ha_error("error.ha.timeout", "Home Assistant did not answer in time");
    auto msg = ws_->receive(static_cast<int>(left));
    if (!msg) return msg.error();
    if (!msg->has_value()) continue;
    // Read without a tree: a registry reply is megabytes, and its tree many times that.
    auto env = detail::read_envelope(**msg);
    if (!env) continue;
    const auto& type = env->type;
    const int mid = env->id ? static_cast<int>(*env->id) : -1;
    if (type == "event") {
      boost::system::error_code ec;
      auto v = json::parse(**msg, ec);
      if (pending_events_.size() < 10000 && !ec && v.is_object())
        if (auto* ev = v.as_object().if_contains("event")) pending_events_.push_back(json::serialize(*ev));
      continue;
    }
    if (type == "pong" && mid == id) return std::string("null");
    if (type != "result" || mid != id) continue;
    if (env->success) {
      if (!env->has_result) return std::string("null");
      // The result's own bytes, cut out of the message in place.
      std::string& text = **msg;
      text.erase(env->result_begin + env->result_size);
      text.erase(0, env->result_begin);
      if (text.capacity() > text.size() + text.size() / 4 + 4096) text.shrink_to_fit();   // kept by the mirror
      return std::move(text);
    }
    const std::string& code = env->error_code;
    const std::string& message = env->error_message;
    Error err = ha_error("error.ha.command", "Home Assistant answered " + code + ": " + message);
    err.placeholders = {{"code", util::clean_text(code, 80)}, {"detail", util::clean_text(message, 300)}};
    return err;
  }
}

Result<std::string> LiveHub::call(const std::string& type, const std::string& fields) {
  json::object msg;
  if (!fields.empty()) {
    boost::system::error_code ec;
    auto v = json::parse(fields, ec);
    if (ec || !v.is_object()) return Error{ErrorCode::internal, "error.ha.fields", "bad command fields", "", ""};
    msg = std::move(v.as_object());
  }
  const int id = next_id_++;
  msg["id"] = id;
  msg["type"] = type;
  auto sent = ws_->send(json::serialize(msg));
  if (!sent) return sent.error();
  return wait_result(id);
}

Result<int> LiveHub::subscribe(const std::string& event_type) {
  const int id = next_id_;
  auto r = call("subscribe_events", json::serialize(json::object{{"event_type", event_type}}));
  if (!r) return r.error();
  return id;
}

Result<std::optional<std::string>> LiveHub::next_event(int timeout_ms) {
  if (!pending_events_.empty()) {
    std::string ev = std::move(pending_events_.front());
    pending_events_.erase(pending_events_.begin());
    return std::optional<std::string>(std::move(ev));
  }
  const auto deadline = clock_type::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now()).count();
    if (left <= 0) return std::optional<std::string>();
    auto msg = ws_->receive(static_cast<int>(left));
    if (!msg) return msg.error();
    if (!msg->has_value()) return std::optional<std::string>();
    boost::system::error_code ec;
    auto v = json::parse(**msg, ec);
    if (ec || !v.is_object()) continue;
    if (str_field(v.as_object(), "type") != "event") continue;
    if (auto* ev = v.as_object().if_contains("event")) return std::optional<std::string>(json::serialize(*ev));
  }
}

Result<std::optional<std::string>> LiveHub::fetch_reply(const std::string& cmd, const std::string& states_json) {
  using Out = std::optional<std::string>;
  if (cmd == "homeassistant/expose_new_entities/get") {
    // One call per assistant, gathered into an object keyed by assistant.
    json::object per;
    for (const char* assistant : {"conversation", "cloud.alexa", "cloud.google_assistant"}) {
      auto r = call(cmd, json::serialize(json::object{{"assistant", assistant}}));
      if (r) {
        boost::system::error_code ec;
        auto v = json::parse(*r, ec);
        if (!ec) per[assistant] = std::move(v);
      } else if (r.error().key != "error.ha.command") {
        return r.error();
      }
    }
    return per.empty() ? Out{} : Out{json::serialize(per)};
  }
  if (cmd == "automation/config" || cmd == "script/config") {
    // Automations and scripts: one <domain>/config per entity of the domain, bounded. A script's
    // config does not carry its key, so each result is kept with the entity id it was asked for.
    const bool script = cmd == "script/config";
    const std::string prefix = script ? "script." : "automation.";
    boost::system::error_code ec;
    auto v = json::parse(states_json, ec);
    if (ec || !v.is_array()) return Out{};
    json::array configs;
    for (const auto& s : v.as_array()) {
      if (!s.is_object() || configs.size() >= 2000) continue;
      const auto eid = str_field(s.as_object(), "entity_id");
      if (eid.rfind(prefix, 0) != 0) continue;
      auto c = call(cmd, json::serialize(json::object{{"entity_id", eid}}));
      if (c) {
        auto cv = json::parse(*c, ec);
        if (ec) continue;
        if (script && cv.is_object()) cv.as_object()["entity_id"] = eid;
        configs.push_back(std::move(cv));
      } else if (c.error().key != "error.ha.command") {
        return c.error();
      }
    }
    return Out{json::serialize(configs)};
  }
  // Apps: the Supervisor's list, then each app's info (its security facts), through HA's
  // supervisor/api command (components/hassio/websocket_api.py). A home without a Supervisor
  // answers the first call with an error and the apps are left out.
  if (cmd == "supervisor/api") {
    auto list = call("supervisor/api", json::serialize(json::object{{"endpoint", "/addons"}, {"method", "get"}}));
    if (list) {
      boost::system::error_code ec;
      auto v = json::parse(*list, ec);
      json::array infos;
      const json::array* apps = nullptr;
      if (!ec && v.is_object())
        if (auto* a = v.as_object().if_contains("addons"); a && a->is_array()) apps = &a->as_array();
      if (apps)
        for (const auto& a : *apps) {
          if (!a.is_object() || infos.size() >= 200) continue;
          const auto slug = str_field(a.as_object(), "slug");
          if (slug.empty() || slug.find_first_of("/?#.") != std::string::npos) continue;
          auto info = call("supervisor/api",
                           json::serialize(json::object{{"endpoint", "/addons/" + slug + "/info"}, {"method", "get"}}));
          if (info) {
            auto iv = json::parse(*info, ec);
            if (!ec) infos.push_back(std::move(iv));
          } else if (info.error().key != "error.ha.command") {
            return info.error();
          }
        }
      return apps ? Out{json::serialize(infos)} : Out{};
    }
    if (list.error().key != "error.ha.command") return list.error();
    return Out{};
  }
  // Thread networks: the list (components/thread/websocket_api.py `thread/list_datasets`, admin), then
  // each dataset's TLV (`thread/get_dataset_tlv`), kept as DomoGuard's "thread/get_dataset_tlv" reply:
  // an array of {"id", "source", "preferred", "tlv"}. The TLVs are read by the adapter, which keeps
  // no key; a home without the thread integration answers the list with an error.
  if (cmd == "thread/get_dataset_tlv") {
    auto list = call("thread/list_datasets", "");
    if (list) {
      boost::system::error_code ec;
      auto v = json::parse(*list, ec);
      const json::array* sets = nullptr;
      if (!ec && v.is_object())
        if (auto* a = v.as_object().if_contains("datasets"); a && a->is_array()) sets = &a->as_array();
      json::array tlvs;
      if (sets)
        for (const auto& d : *sets) {
          if (!d.is_object() || tlvs.size() >= 100) continue;
          const auto id = str_field(d.as_object(), "dataset_id");
          if (id.empty()) continue;
          auto t = call("thread/get_dataset_tlv", json::serialize(json::object{{"dataset_id", id}}));
          if (!t) {
            if (t.error().key != "error.ha.command") return t.error();
            continue;
          }
          auto tv = json::parse(*t, ec);
          if (ec || !tv.is_object()) continue;
          const auto* preferred = d.as_object().if_contains("preferred");
          tlvs.push_back(json::object{{"id", id},
                                      {"source", str_field(d.as_object(), "source")},
                                      {"preferred", preferred && preferred->is_bool() && preferred->as_bool()},
                                      {"tlv", str_field(tv.as_object(), "tlv")}});
        }
      return sets ? Out{json::serialize(tlvs)} : Out{};
    }
    if (list.error().key != "error.ha.command") return list.error();
    return Out{};
  }
  auto r = call(cmd);
  if (r) return Out{std::move(*r)};
  if (r.error().key != "error.ha.command") return r.error();  // the connection broke
  return Out{};
}

Result<Replies> LiveHub::fetch_replies() {
  Replies out;
  for (const auto& cmd : audit_commands()) {
    if (cmd == "automation/config" || cmd == "script/config" || cmd == "zwave_js/network_status")
      continue;  // need per-item arguments
    auto r = fetch_reply(cmd);
    if (!r) return r.error();
    if (*r) out.emplace(cmd, std::move(**r));
  }
  if (auto states = out.find("get_states"); states != out.end()) {
    for (const char* per_entity : {"automation/config", "script/config"}) {
      auto r = fetch_reply(per_entity, states->second);
      if (!r) return r.error();
      if (*r) out.emplace(per_entity, std::move(**r));
    }
  }
  // Z-Wave security classes come per Z-Wave JS config entry.
  if (auto entries = out.find("config_entries/get"); entries != out.end()) {
    boost::system::error_code ec;
    auto v = json::parse(entries->second, ec);
    if (!ec && v.is_array())
      for (const auto& e : v.as_array()) {
        if (!e.is_object() || str_field(e.as_object(), "domain") != "zwave_js") continue;
        auto r = call("zwave_js/network_status",
                      json::serialize(json::object{{"entry_id", str_field(e.as_object(), "entry_id")}}));
        if (r) {
          out.emplace("zwave_js/network_status", std::move(*r));
          break;
        }
      }
  }
  return out;
}

Result<model::Home> load_live(const LiveOptions& opts) {
  auto hub = LiveHub::connect(opts);
  if (!hub) return hub.error();
  auto replies = (*hub)->fetch_replies();
  if (!replies) return replies.error();
  auto home = from_replies(*replies, opts.url, model::SourceKind::live);
  if (home) {
    home->source = opts.url;
    home->taken_at = util::now_utc();   // a live hub is described as it is now
  }
  return home;
}

}  // namespace domoguard::hub::ha
