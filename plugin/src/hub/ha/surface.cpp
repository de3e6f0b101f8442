// Sign-in tokens, Supervisor apps and dashboard resources -> model types.
// Shapes: HA's AuthStore (homeassistant/auth/auth_store.py, `refresh_tokens`), the auth/refresh_tokens
// reply (components/auth/__init__.py `websocket_refresh_tokens`), the Supervisor's app info
// (supervisor/api/apps.py `info_data`) and app backup metadata (supervisor/apps/app.py `App.backup`),
// and lovelace resources (components/lovelace/resources.py: {id, type, url}).
#include "hub/ha/surface.hpp"

#include <algorithm>
#include <cctype>

#include "hub/ha/adapter.hpp"
#include "hub/ha/build.hpp"
#include "util/text.hpp"

namespace domoguard::hub::ha::detail {

namespace {

// Apps whose job is to let people log in to the host's shell.
bool login_app(std::string_view slug) {
  return slug.find("ssh") != std::string_view::npos || slug.find("terminal") != std::string_view::npos;
}

// Whether a login app's options set a password (the value is tested, never copied). The official
// app keeps it at top level ("password"); the community one under "ssh". nullopt: options not shown.
model::Flag password_set(const json::object* options) {
  if (!options || options->empty()) return std::nullopt;
  auto has_password = [](const json::object& o) {
    const auto* p = o.if_contains("password");
    return p && p->is_string() && !p->get_string().empty();
  };
  if (has_password(*options)) return true;
  if (const auto* ssh = obj(*options, "ssh")) return has_password(*ssh);
  return false;
}

// Published ports: {"22/tcp": 22, "8099/tcp": null}; null means not opened on the host.
void read_ports(const json::object* network, model::App& a) {
  if (!network) return;
  for (const auto& kv : *network) {
    if (a.host_ports.size() >= 64) break;
    const auto& v = kv.value();
    std::int64_t port = 0;
    if (v.is_int64()) port = v.get_int64();
    else if (v.is_uint64()) port = static_cast<std::int64_t>(v.get_uint64());
    else continue;
    if (port <= 0 || port > 65535) continue;
    a.host_ports.emplace_back(util::clean_text(std::string_view(kv.key().data(), kv.key().size()), 32),
                              static_cast<int>(port));
  }
}

void read_privileged(const json::object& o, model::App& a) {
  if (const auto* p = arr(o, "privileged"))
    for (const auto& c : *p)
      if (c.is_string() && a.privileged.size() < 64) a.privileged.push_back(text(c));
}

}  // namespace

std::string utc_time(const json::value* v) {
  if (!v) return {};
  if (!v->is_string()) return epoch_to_iso(*v);
  std::string_view s = v->get_string();
  // YYYY-MM-DDTHH:MM:SS, then optional fraction, then Z or +00:00 (HA keeps times in UTC).
  if (s.size() < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':')
    return {};
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u, 11u, 12u, 14u, 15u, 17u, 18u})
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return {};
  std::string_view rest = s.substr(19);
  if (!rest.empty() && rest.front() == '.') {
    std::size_t n = 1;
    while (n < rest.size() && std::isdigit(static_cast<unsigned char>(rest[n]))) ++n;
    rest = rest.substr(n);
  }
  if (!(rest.empty() || rest == "Z" || rest == "+00:00" || rest == "-00:00")) return {};
  std::string out(s.substr(0, 19));
  out[10] = 'T';
  return out + "Z";
}

std::optional<model::Token> parse_token(const json::object& o, std::string_view user_id) {
  model::Token t;
  t.user_id = user_id.empty() ? str(o, "user_id") : util::clean_text(user_id, max_text_chars);
  t.type = str(o, o.contains("token_type") ? "token_type" : "type");
  if (t.type.empty()) t.type = "normal";
  t.client_name = str(o, "client_name");
  t.client_id = str(o, "client_id");
  t.created_at = utc_time(o.if_contains("created_at"));
  t.last_used_at = utc_time(o.if_contains("last_used_at"));
  // Only whether the address is inside the home's ranges is kept, never the address.
  if (auto ip = raw(o, "last_used_ip"); !ip.empty()) {
    const auto kind = host_kind(ip);
    if (!kind.empty()) t.last_used_remote = kind == "remote";
  }
  if (t.user_id.empty()) return std::nullopt;
  return t;
}

std::optional<model::App> parse_app_info(const json::object& o) {
  model::App a;
  a.slug = str(o, "slug");
  if (a.slug.empty()) return std::nullopt;
  a.name = str(o, "name");
  a.version = str(o, "version");
  a.version_latest = str(o, "version_latest");
  a.repository = str(o, "repository");
  a.state = str(o, "state");
  a.protection = boolean(o, "protected");
  a.auto_update = boolean(o, "auto_update");
  a.update_available = boolean(o, "update_available").value_or(false);
  a.host_network = boolean(o, "host_network").value_or(false);
  a.host_pid = boolean(o, "host_pid").value_or(false);
  a.full_access = boolean(o, "full_access").value_or(false);
  a.docker_api = boolean(o, "docker_api").value_or(false);
  read_privileged(o, a);
  if (auto r = integer(o, "rating"); r && *r >= 1 && *r <= 8) a.rating = static_cast<int>(*r);
  read_ports(obj(o, "network"), a);
  if (login_app(a.slug)) a.password_login = password_set(obj(o, "options"));
  return a;
}

std::optional<model::App> parse_app_backup(const json::object& o, std::string_view slug) {
  const json::object* user = obj(o, "user");
  const json::object* system = obj(o, "system");
  if (!system) return std::nullopt;
  model::App a;
  a.slug = str(*system, "slug");
  if (a.slug.empty()) a.slug = util::clean_text(slug, max_text_chars);
  a.name = str(*system, "name");
  a.version = str(o, "version");
  if (a.version.empty() && user) a.version = str(*user, "version");
  // A backup does not say which newer version the store offers: update_available stays unknown (false).
  a.repository = str(*system, "repository");
  a.state = str(o, "state");
  json::object empty;
  const auto& u = user ? *user : empty;
  // The Supervisor's defaults when the user never changed them (supervisor/apps/app.py).
  a.protection = boolean(u, "protected").value_or(true);
  a.auto_update = boolean(u, "auto_update").value_or(false);
  a.host_network = boolean(*system, "host_network").value_or(false);
  a.host_pid = boolean(*system, "host_pid").value_or(false);
  a.full_access = boolean(*system, "full_access").value_or(false);
  a.docker_api = boolean(*system, "docker_api").value_or(false);
  read_privileged(*system, a);
  // Effective ports as App.ports computes them: the user's mapping over the app's defaults.
  json::object ports;
  if (const auto* d = obj(*system, "ports")) ports = *d;
  if (const auto* n = obj(u, "network"))
    for (const auto& kv : *n) ports[kv.key()] = kv.value();
  read_ports(&ports, a);
  if (login_app(a.slug)) a.password_login = password_set(obj(u, "options"));
  return a;
}

std::optional<model::DashboardResource> parse_resource(const json::object& o) {
  model::DashboardResource r;
  r.id = str(o, "id");
  r.type = str(o, o.contains("res_type") ? "res_type" : "type");
  // URLs can be long; keep enough to judge where they point, never the query (it may carry a key).
  std::string_view url = raw(o, "url");
  if (auto q = url.find_first_of("?#"); q != std::string_view::npos) url = url.substr(0, q);
  std::string kept(url);
  // Nor a user name or password written into the address (https://user:pass@host/...).
  if (auto scheme = kept.find("://"); scheme != std::string::npos) {
    const auto host_start = scheme + 3;
    const auto path = kept.find('/', host_start);
    const auto at = kept.rfind('@', path == std::string::npos ? std::string::npos : path);
    if (at != std::string::npos && at >= host_start) kept.erase(host_start, at + 1 - host_start);
  }
  r.url = util::clean_text(kept, 512);
  if (r.url.empty()) return std::nullopt;
  return r;
}

std::string newest_activity(const model::Home& home) {
  std::string newest;
  for (const auto& t : home.tokens) newest = std::max({newest, t.last_used_at, t.created_at});
  return newest;
}

}  // namespace domoguard::hub::ha::detail
