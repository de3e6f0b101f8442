#include "hub/ha/yaml.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>

namespace domoguard::hub::ha::detail {

namespace {

Error yaml_error(std::string key, std::string message, std::string file, std::string where = {}, std::string detail = {}) {
  Error e;
  e.code = ErrorCode::bad_input;
  e.key = std::move(key);
  e.message = std::move(message);
  e.file = std::move(file);
  e.where = std::move(where);
  e.placeholders = {{"detail", std::move(detail)}};
  return e;
}

std::string at(const YAML::Mark& m) {
  if (m.is_null()) return {};
  return "line " + std::to_string(m.line + 1) + ", column " + std::to_string(m.column + 1);
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Plain scalars follow YAML 1.1 as HA's PyYAML-based loader reads them: yes/no/on/off are booleans.
json::value plain_scalar(const std::string& s) {
  const std::string l = lower(s);
  if (l.empty() || l == "~" || l == "null") return nullptr;
  if (l == "true" || l == "yes" || l == "on" || l == "y") return true;
  if (l == "false" || l == "no" || l == "off" || l == "n") return false;
  std::int64_t i = 0;
  const char* b = s.data();
  const char* e = s.data() + s.size();
  if (*b == '+') ++b;
  if (auto [p, ec] = std::from_chars(b, e, i); ec == std::errc() && p == e) return i;
  if (s.find_first_of(".eE") != std::string::npos && s.find_first_not_of("0123456789+-.eE") == std::string::npos) {
    double d = 0;
    if (auto [p, ec] = std::from_chars(b, e, d); ec == std::errc() && p == e) return d;
  }
  return json::string(s);
}

std::string dir_of(const std::string& rel) {
  auto slash = rel.rfind('/');
  return slash == std::string::npos ? std::string() : rel.substr(0, slash);
}

// A config-relative path for an include written in `from`; "" when it leaves the config folder.
std::string resolve(const std::string& from, const std::string& target) {
  if (target.empty() || target.front() == '/') return {};
  std::filesystem::path p = std::filesystem::path(dir_of(from)) / target;
  std::string n = p.lexically_normal().generic_string();
  if (n.empty() || n.rfind("..", 0) == 0) return {};
  while (!n.empty() && n.back() == '/') n.pop_back();
  return n;
}

struct Loader {
  const ConfigFiles& files;
  const std::string& origin;
  const YamlLimits& limits;
  std::size_t total_bytes = 0;
  std::size_t nodes = 0;
  unsigned includes = 0;
  std::vector<std::string> chain;   // files being read, outermost first

  Result<json::value> file(const std::string& rel, unsigned depth) {
    if (std::find(chain.begin(), chain.end(), rel) != chain.end())
      return yaml_error("error.yaml.include_cycle", "The YAML includes itself in a cycle", origin + "/" + rel);
    auto it = files.find(rel);
    if (it == files.end()) return json::value(nullptr);
    if (++includes > limits.max_includes)
      return yaml_error("error.yaml.too_many_files", "The configuration pulls in too many YAML files", origin + "/" + rel);
    if (it->second.size() > limits.max_file_bytes || it->second == yaml_too_large)
      return yaml_error("error.yaml.too_large", "The YAML file is larger than the limit", origin + "/" + rel);
    total_bytes += it->second.size();
    if (total_bytes > limits.max_total_bytes)
      return yaml_error("error.yaml.too_large", "The YAML files pulled in together are larger than the limit",
                        origin + "/" + rel);
    YAML::Node doc;
    try {
      doc = YAML::Load(it->second);
    } catch (const YAML::ParserException& e) {
      return yaml_error("error.yaml.malformed", "The YAML is malformed: " + e.msg, origin + "/" + rel, at(e.mark), e.msg);
    } catch (const std::exception& e) {
      return yaml_error("error.yaml.malformed", "The YAML could not be read", origin + "/" + rel, "", e.what());
    }
    chain.push_back(rel);
    auto v = node(doc, rel, depth);
    chain.pop_back();
    return v;
  }

  // Every file under `dir` (recursively) that HA's include_dir_* would read, in path order.
  std::vector<std::string> dir_files(const std::string& dir) const {
    std::vector<std::string> out;
    if (dir.empty()) return out;
    const std::string prefix = dir + "/";
    for (auto it = files.lower_bound(prefix); it != files.end() && it->first.rfind(prefix, 0) == 0; ++it)
      if (is_yaml_name(it->first)) out.push_back(it->first);
    return out;
  }

  Result<json::value> tagged(const std::string& tag, const YAML::Node& n, const std::string& rel, unsigned depth) {
    const std::string arg = n.IsScalar() ? n.Scalar() : std::string();
    if (tag == "!secret") return json::value(json::string(yaml_secret));
    if (tag == "!env_var") return json::value(json::string(yaml_env_var));
    if (tag == "!input") return json::value(json::object{{yaml_input, arg}});
    if (tag == "!include") {
      auto target = resolve(rel, arg);
      if (target.empty()) return json::value(nullptr);
      return file(target, depth + 1);
    }
    const bool list = tag == "!include_dir_list", named = tag == "!include_dir_named",
               merge_list = tag == "!include_dir_merge_list", merge_named = tag == "!include_dir_merge_named";
    if (!list && !named && !merge_list && !merge_named) return plain(n, rel, depth);   // unknown tag: its value
    auto dir = resolve(rel, arg);
    json::array arr;
    json::object obj;
    for (const auto& f : dir_files(dir)) {
      auto v = file(f, depth + 1);
      if (!v) return v.error();
      if (list) {
        arr.push_back(std::move(*v));
      } else if (named) {
        std::string stem = f.substr(f.rfind('/') + 1);
        stem.resize(stem.size() - 5);
        obj[stem] = std::move(*v);
      } else if (merge_list) {
        if (v->is_array())
          for (auto& e : v->get_array()) arr.push_back(std::move(e));
      } else if (v->is_object()) {
        for (auto& kv : v->get_object()) obj[kv.key()] = std::move(kv.value());
      }
    }
    if (list || merge_list) return json::value(std::move(arr));
    return json::value(std::move(obj));
  }

  Result<json::value> node(const YAML::Node& n, const std::string& rel, unsigned depth) {
    if (++nodes > limits.max_nodes)
      return yaml_error("error.yaml.too_many_nodes",
                        "The YAML expands to too many values (an alias bomb or an oversized configuration)",
                        origin + "/" + rel, at(n.Mark()));
    if (depth > limits.max_depth)
      return yaml_error("error.yaml.too_deep", "The YAML is nested too deeply", origin + "/" + rel, at(n.Mark()));
    const std::string& tag = n.Tag();
    if (!tag.empty() && tag != "?" && tag != "!" && tag.front() == '!' && tag.rfind("!!", 0) != 0)
      return tagged(tag, n, rel, depth);
    return plain(n, rel, depth);
  }

  Result<json::value> plain(const YAML::Node& n, const std::string& rel, unsigned depth) {
    switch (n.Type()) {
      case YAML::NodeType::Scalar:
        if (n.Tag() == "!" || n.Tag() == "tag:yaml.org,2002:str") return json::value(json::string(n.Scalar()));
        return plain_scalar(n.Scalar());
      case YAML::NodeType::Sequence: {
        json::array a;
        for (const auto& e : n) {
          auto v = node(e, rel, depth + 1);
          if (!v) return v.error();
          a.push_back(std::move(*v));
        }
        return json::value(std::move(a));
      }
      case YAML::NodeType::Map: {
        json::object o;
        std::vector<json::object> merges;   // YAML merge keys (<<), applied after the map's own keys
        for (auto it = n.begin(); it != n.end(); ++it) {
          const std::string key = it->first.IsScalar() ? it->first.Scalar() : std::string();
          auto v = node(it->second, rel, depth + 1);
          if (!v) return v.error();
          if (key == "<<") {
            if (v->is_object()) merges.push_back(std::move(v->get_object()));
            else if (v->is_array())
              for (auto& m : v->get_array())
                if (m.is_object()) merges.push_back(std::move(m.get_object()));
            continue;
          }
          o[key] = std::move(*v);
        }
        for (auto& m : merges)
          for (auto& kv : m)
            if (!o.contains(kv.key())) o[kv.key()] = std::move(kv.value());
        return json::value(std::move(o));
      }
      default:
        return json::value(nullptr);
    }
  }
};

json::value substitute(const json::value& v, const json::object& given, const json::object& defaults, unsigned depth) {
  if (depth > 64) return nullptr;
  if (const auto* o = v.if_object()) {
    if (o->size() == 1)
      if (const auto* name = o->if_contains(yaml_input); name && name->is_string()) {
        if (const auto* g = given.if_contains(name->get_string())) return *g;
        if (const auto* d = defaults.if_contains(name->get_string())) return *d;
        return nullptr;
      }
    json::object out;
    for (const auto& kv : *o) out[kv.key()] = substitute(kv.value(), given, defaults, depth + 1);
    return out;
  }
  if (const auto* a = v.if_array()) {
    json::array out;
    for (const auto& e : *a) out.push_back(substitute(e, given, defaults, depth + 1));
    return out;
  }
  return v;
}

// Blueprint inputs may sit in sections (input: {section: {input: {...}}}); defaults from both.
void collect_defaults(const json::object& declared, json::object& out, unsigned depth) {
  if (depth > 4) return;
  for (const auto& kv : declared) {
    const auto* spec = kv.value().if_object();
    if (!spec) continue;
    if (const auto* inner = spec->if_contains("input"); inner && inner->is_object())
      collect_defaults(inner->get_object(), out, depth + 1);
    else if (const auto* d = spec->if_contains("default"))
      out[kv.key()] = *d;
  }
}

}  // namespace

Result<json::value> load_yaml(const ConfigFiles& files, const std::string& origin, const std::string& path,
                              const YamlLimits& limits) {
  Loader l{files, origin, limits};
  return l.file(path, 0);
}

json::value instantiate_blueprint(const json::value& body, const json::object& given, const json::object& declared) {
  json::object defaults;
  collect_defaults(declared, defaults, 0);
  return substitute(body, given, defaults, 0);
}

}  // namespace domoguard::hub::ha::detail
