// Snapshot detection and reading: config folders, .storage folders, reply folders and backup archives.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <cstring>
#include <optional>
#include <set>

#include "hub/ha/adapter.hpp"
#include "hub/ha/json_util.hpp"
#include "hub/ha/reply_source.hpp"
#include "archive/tar.hpp"
#include "hub/ha/surface.hpp"
#include "hub/ha/yaml.hpp"
#include "util/text.hpp"

namespace domoguard::hub::ha {

namespace fs = std::filesystem;

namespace {

const std::set<std::string>& store_keys() {
  static const std::set<std::string> keys = {
      "core.device_registry", "core.entity_registry", "core.area_registry", "core.config_entries",
      "core.config",          "core.analytics",       "core.uuid",          "auth",
      "auth_module.totp",     "auth_module.notify",   "homeassistant.exposed_entities", "cloud", "http",
      "lovelace_resources", "thread.datasets"};
  return keys;
}

// Files whose presence matters but whose content must never be read (credentials).
bool presence_only(const std::string& rel) { return rel == ".cloud/production_auth.json"; }

// Which config-relative paths the adapter reads.
bool wanted(const std::string& rel) {
  if (rel.rfind(".storage/", 0) == 0) return store_keys().count(rel.substr(9)) > 0;
  if (rel == ".HA_VERSION" || presence_only(rel) || detail::wanted_yaml(rel)) return true;
  if (rel.rfind("custom_components/", 0) == 0) {
    auto rest = rel.substr(18);
    auto slash = rest.find('/');
    return slash != std::string::npos && slash > 0 && rest.substr(slash) == "/manifest.json";
  }
  return false;
}

Error bad(std::string key, std::string message, std::string file, std::string where = {}) {
  Error e;
  e.code = ErrorCode::bad_input;
  e.key = std::move(key);
  e.message = std::move(message);
  e.file = std::move(file);
  e.where = std::move(where);
  return e;
}

// A custom component's manifest is a few hundred bytes; one padded to the file limit, thirty times
// over, would hold gigabytes. And all the files read from one folder or archive together.
constexpr std::size_t max_manifest_bytes = 256u << 10;
constexpr std::uint64_t max_config_bytes = 256u << 20;

bool is_manifest(const std::string& rel) { return rel.rfind("custom_components/", 0) == 0; }

using detail::too_large;

// Adds a file's size to the total read from one folder or archive; an error past the limit.
std::optional<Error> count_bytes(std::uint64_t& total, std::uint64_t size, const std::string& file, const std::string& where = {}) {
  total += size;
  if (total > max_config_bytes)
    return too_large("The configuration files together are larger than the " + std::to_string(max_config_bytes >> 20) +
                         " MiB limit",
                     max_config_bytes, file, where);
  return std::nullopt;
}

Result<std::string> read_file(const fs::path& p, std::size_t limit = max_file_bytes) {
  std::error_code ec;
  auto size = fs::file_size(p, ec);
  if (ec) {
    Error e = bad("error.file.read", "Could not read the file", p.string());
    e.code = ErrorCode::io;
    return e;
  }
  if (size > limit)
    return too_large(limit, p.string());
  std::ifstream in(p, std::ios::binary);
  std::string s(static_cast<std::size_t>(size), '\0');
  if (!in.read(s.data(), static_cast<std::streamsize>(size))) {
    Error e = bad("error.file.read", "Could not read the file", p.string());
    e.code = ErrorCode::io;
    return e;
  }
  return s;
}

Result<ConfigFiles> read_config_folder(const fs::path& root, bool storage_only) {
  ConfigFiles files;
  std::error_code ec;
  std::uint64_t total = 0;
  const fs::path storage = storage_only ? root : root / ".storage";
  for (const auto& key : store_keys()) {
    fs::path p = storage / key;
    if (!fs::is_regular_file(p, ec)) continue;
    auto c = read_file(p);
    if (!c) return c.error();
    if (auto e = count_bytes(total, c->size(), p.string())) return *e;
    files[".storage/" + key] = std::move(*c);
  }
  if (storage_only) return files;
  if (fs::is_regular_file(root / ".HA_VERSION", ec)) {
    auto c = read_file(root / ".HA_VERSION");
    if (!c) return c.error();
    if (auto e = count_bytes(total, c->size(), (root / ".HA_VERSION").string())) return *e;
    files[".HA_VERSION"] = std::move(*c);
  }
  if (fs::exists(root / ".cloud/production_auth.json", ec)) files[".cloud/production_auth.json"] = "";
  // The YAML HA reads: configuration.yaml and whatever it may include (never secrets.yaml), bounded
  // in count and size; links are not followed out of the folder.
  {
    std::size_t count = 0, bytes = 0;
    auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      const auto rel = it->path().lexically_relative(root).generic_string();
      if (it->is_directory(ec)) {
        const auto name = it->path().filename().string();
        if (it.depth() >= 8 || it->is_symlink(ec) || (!name.empty() && name.front() == '.') ||
            !detail::wanted_yaml(rel + "/x.yaml"))
          it.disable_recursion_pending();
        continue;
      }
      if (!detail::wanted_yaml(rel) || !it->is_regular_file(ec)) continue;
      if (++count > 4000) break;
      auto size = it->file_size(ec);
      if (ec) continue;
      if (size > (4u << 20) || (bytes += size) > (32u << 20)) {
        files[rel] = std::string(detail::yaml_too_large);   // the YAML reader refuses it, naming the file
        continue;
      }
      auto c = read_file(it->path());
      if (!c) return c.error();
      if (auto e = count_bytes(total, c->size(), it->path().string())) return *e;
      files[rel] = std::move(*c);
    }
  }
  if (fs::is_directory(root / "custom_components", ec)) {
    std::size_t n = 0;
    for (const auto& d : fs::directory_iterator(root / "custom_components", ec)) {
      if (++n > 10000) break;
      fs::path m = d.path() / "manifest.json";
      if (!fs::is_regular_file(m, ec)) continue;
      auto c = read_file(m, max_manifest_bytes);
      if (!c) return c.error();
      if (auto e = count_bytes(total, c->size(), m.string())) return *e;
      files["custom_components/" + d.path().filename().string() + "/manifest.json"] = std::move(*c);
    }
  }
  return files;
}

// A folder of replies read one file at a time: the sizes are checked before anything is read, as
// when the folder is read whole, and only the reply being read is held.
class FolderSource final : public detail::ReplySource {
 public:
  static Result<std::unique_ptr<FolderSource>> open(const fs::path& root) {
    std::unique_ptr<FolderSource> s(new FolderSource());
    std::error_code ec;
    for (const auto& cmd : audit_commands()) {
      for (const fs::path& p : {root / reply_file_name(cmd), root / (cmd + ".json")}) {
        if (!fs::is_regular_file(p, ec)) continue;
        auto size = fs::file_size(p, ec);
        if (!ec && size > max_file_bytes) return too_large(max_file_bytes, p.string());
        s->files_.emplace(cmd, p);
        break;
      }
    }
    return s;
  }
  bool empty() const { return files_.empty(); }
  bool has(const std::string& command) const override { return files_.count(command) > 0; }
  Result<std::optional<std::string_view>> text(const std::string& command) override {
    auto it = files_.find(command);
    if (it == files_.end()) return std::optional<std::string_view>();
    if (command != current_) {
      current_.clear();
      buffer_.reset();   // the previous reply is released before the next is read
      size_ = 0;
      if (auto e = read_whole(it->second)) return *e;
      current_ = command;
    }
    return std::optional<std::string_view>(std::string_view(buffer_.get(), size_));
  }

 private:
  FolderSource() = default;
  // The file in one read into a buffer of its size (not zero-filled first, unlike a string).
  std::optional<Error> read_whole(const fs::path& p) {
    auto io_error = [&] {
      Error e = bad("error.file.read", "Could not read the file", p.string());
      e.code = ErrorCode::io;
      return e;
    };
    const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return io_error();
    struct stat st {};
    if (::fstat(fd, &st) != 0 || st.st_size < 0) {
      ::close(fd);
      return io_error();
    }
    const auto size = static_cast<std::uint64_t>(st.st_size);
    if (size > max_file_bytes) {
      ::close(fd);
      return too_large(max_file_bytes, p.string());
    }
    buffer_.reset(new char[size ? size : 1]);
    std::size_t got = 0;
    while (got < size) {
      const ssize_t n = ::read(fd, buffer_.get() + got, size - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
    }
    ::close(fd);
    if (got != size) return io_error();
    size_ = got;
    return std::nullopt;
  }

  std::map<std::string, fs::path> files_;
  std::string current_;
  std::unique_ptr<char[]> buffer_;
  std::size_t size_ = 0;
};

constexpr std::uint64_t max_decompressed = 64ull << 30;

// Collects the wanted files of a config folder from a tar stream; `strip` is the prefix the folder
// has inside the archive ("data/" in HA backups).
Result<bool> collect(archive::ByteSource& src, const std::string& archive, ConfigFiles& files) {
  std::uint64_t total = 0;
  std::size_t yaml_files = 0, yaml_bytes = 0;
  return archive::walk_tar(src, archive, [&](const archive::TarEntry& e, archive::ByteSource& data) -> Result<bool> {
    std::string rel = e.name;
    if (rel.rfind("./", 0) == 0) rel = rel.substr(2);
    if (rel.rfind("data/", 0) == 0) rel = rel.substr(5);
    if (!wanted(rel)) return true;
    if (detail::wanted_yaml(rel)) {
      // The same bounds as for a folder; the YAML reader refuses what is over them, naming the file.
      if (++yaml_files > 4000) return true;
      if (e.size > (4u << 20) || (yaml_bytes += e.size) > (32u << 20)) {
        files[rel] = std::string(detail::yaml_too_large);
        return true;
      }
    }
    if (presence_only(rel)) {
      files[rel] = "";
      return true;
    }
    // Sizes are checked from the member's header, before a byte of it is read.
    if (const std::uint64_t limit = is_manifest(rel) ? max_manifest_bytes : max_file_bytes; e.size > limit)
      return too_large("A file in the backup is larger than the limit", limit, archive, "member " + e.name);
    if (auto err = count_bytes(total, e.size, archive, "member " + e.name)) return *err;
    auto c = archive::read_up_to(data, static_cast<std::size_t>(e.size));
    if (!c) return c.error();
    files[rel] = std::move(*c);
    return true;
  });
}

// The slug of an app archive inside a Supervisor backup ("core_ssh.tar.gz" -> "core_ssh"), else "".
std::string app_archive_slug(const std::string& name) {
  std::string stem;
  for (const char* ext : {".tar.gz", ".tar"})
    if (name.size() > std::strlen(ext) && name.compare(name.size() - std::strlen(ext), std::string::npos, ext) == 0) {
      stem = name.substr(0, name.size() - std::strlen(ext));
      break;
    }
  if (stem.empty() || stem.size() > 64) return {};
  for (char c : stem)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return {};
  return stem;
}

Error encrypted(const std::string& origin) {
  return bad("error.backup.encrypted",
             "This backup is encrypted; DomoGuard does not decrypt backups. Create an unencrypted backup, or audit "
             "the config folder or the live hub instead.",
             origin);
}

Result<model::Home> read_backup(archive::ByteSource& raw_src, const std::string& origin) {
  auto head = archive::read_up_to(raw_src, 512);
  if (!head) return head.error();
  std::string first = *head;
  auto chained = archive::prefixed_source(first, raw_src);
  std::unique_ptr<archive::ByteSource> gz;
  archive::ByteSource* src = chained.get();
  if (archive::looks_gzip(first)) {
    gz = archive::gunzip_source(*chained, origin, max_decompressed);
    src = gz.get();
  }
  auto tar_head = archive::read_up_to(*src, 512);
  if (!tar_head) return tar_head.error();
  if (!archive::looks_tar(*tar_head)) {
    if (tar_head->rfind("SecureTar", 0) == 0) return encrypted(origin);
    return bad("error.backup.not_tar", "This file is not a Home Assistant backup (not a tar archive).", origin);
  }
  auto outer = archive::prefixed_source(*tar_head, *src);

  ConfigFiles files;
  bool saw_inner = false;
  bool is_protected = false;
  std::uint64_t plain_total = 0;
  auto r = archive::walk_tar(*outer, origin, [&](const archive::TarEntry& e, archive::ByteSource& data) -> Result<bool> {
    if (e.name == "backup.json") {
      if (e.size > (1u << 20)) return too_large("backup.json is larger than the limit", 1u << 20, origin, "member backup.json");
      auto c = archive::read_up_to(data, static_cast<std::size_t>(e.size));
      if (!c) return c.error();
      auto j = detail::parse_json(*c, origin + ":backup.json");
      if (!j) return j.error();
      if (const auto* o = j->if_object()) {
        is_protected = detail::boolean(*o, "protected").value_or(false);
        std::string date = detail::utc_time(o->if_contains("date"));
        files["backup.date"] = date.empty() ? "unknown" : date;
      }
      if (is_protected) return encrypted(origin);
      return true;
    }
    // An app's archive (<slug>.tar[.gz]): only its metadata, addon.json, is read; the app's data is skipped.
    if (auto slug = app_archive_slug(e.name); !slug.empty() && e.name.rfind("homeassistant.", 0) != 0) {
      auto ih = archive::read_up_to(data, 512);
      if (!ih) return ih.error();
      auto chain = archive::prefixed_source(*ih, data);
      std::unique_ptr<archive::ByteSource> gz;
      archive::ByteSource* inner = chain.get();
      if (archive::looks_gzip(*ih)) {
        gz = archive::gunzip_source(*chain, origin + ":" + e.name, max_decompressed);
        inner = gz.get();
      } else if (!archive::looks_tar(*ih)) {
        return true;   // not a readable archive: the app is left out, its part says so
      }
      std::size_t seen = 0;
      auto w = archive::walk_tar(*inner, origin + ":" + e.name, [&](const archive::TarEntry& ie, archive::ByteSource& idata) -> Result<bool> {
        if (++seen > 16) return false;   // addon.json is written first; never walk an app's data
        if (ie.name != "addon.json") return true;
        if (ie.size > (1u << 20)) return false;
        auto c = archive::read_up_to(idata, static_cast<std::size_t>(ie.size));
        if (!c) return c.error();
        files["apps/" + slug + "/addon.json"] = std::move(*c);
        return false;
      });
      if (!w) return w.error();
      return true;
    }
    if (e.name == "homeassistant.tar.gz" || e.name == "homeassistant.tar") {
      saw_inner = true;
      const std::string inner_name = origin + ":" + e.name;
      auto ih = archive::read_up_to(data, 512);
      if (!ih) return ih.error();
      // SecureTar v2/v3 start with a magic; v1 starts with a bare AES IV, so "neither gzip nor tar" is encrypted too.
      if (ih->rfind("SecureTar", 0) == 0) return encrypted(origin);
      auto inner_chain = archive::prefixed_source(*ih, data);
      std::unique_ptr<archive::ByteSource> inner_gz;
      archive::ByteSource* inner = inner_chain.get();
      if (archive::looks_gzip(*ih)) {
        inner_gz = archive::gunzip_source(*inner_chain, inner_name, max_decompressed);
        inner = inner_gz.get();
      } else if (!archive::looks_tar(*ih)) {
        if (ih->size() < 512) return bad("error.tar.bad", "The archive is truncated inside member \"" + e.name + "\"", origin, "member " + e.name);
        return encrypted(origin);
      }
      return collect(*inner, inner_name, files);
    }
    // A plain tar of a config folder is accepted as well.
    std::string rel = e.name;
    auto pos = rel.find(".storage/");
    if (pos != std::string::npos && (pos == 0 || rel[pos - 1] == '/')) {
      rel = rel.substr(pos);
      if (wanted(rel) && e.size <= max_file_bytes) {
        if (auto err = count_bytes(plain_total, e.size, origin, "member " + e.name)) return *err;
        auto c = archive::read_up_to(data, static_cast<std::size_t>(e.size));
        if (!c) return c.error();
        files[rel] = std::move(*c);
      }
    }
    return true;
  });
  if (!r) return r.error();
  if (!saw_inner && files.empty())
    return bad("error.backup.no_core",
               "This archive holds no Home Assistant configuration (no homeassistant.tar.gz and no .storage files).",
               origin);
  return from_config_files(files, origin);
}

}  // namespace

Result<model::Home> from_backup_bytes(std::string_view bytes, const std::string& origin) {
  auto src = archive::memory_source(bytes);
  return read_backup(*src, origin);
}

Result<model::Home> load(const std::string& path) {
  std::error_code ec;
  fs::path p(path);
  if (fs::is_directory(p, ec)) {
    if (fs::is_directory(p / ".storage", ec)) {
      auto files = read_config_folder(p, false);
      if (!files) return files.error();
      return from_config_files(*files, path);
    }
    bool storage_folder = p.filename() == ".storage" || (p.filename().empty() && p.parent_path().filename() == ".storage");
    for (const char* k : {"core.device_registry", "core.entity_registry", "core.config_entries"})
      storage_folder = storage_folder || fs::is_regular_file(p / k, ec);
    if (storage_folder) {
      auto files = read_config_folder(p, true);
      if (!files) return files.error();
      return from_config_files(*files, path);
    }
    auto replies = FolderSource::open(p);
    if (!replies) return replies.error();
    if ((*replies)->empty()) {
      // A config folder one level down (a repository's config/, a volume's homeassistant/): name it.
      std::size_t looked = 0;
      for (fs::directory_iterator it(p, fs::directory_options::skip_permission_denied, ec), end; !ec && it != end && looked < 64;
           it.increment(ec), ++looked) {
        if (it->is_directory(ec) && fs::is_directory(it->path() / ".storage", ec)) {
          // The name as found on disk, rendered inert (it is printed on a terminal).
          const std::string inside = util::clean_text((p / it->path().filename()).string(), 1024);
          Error e = bad("error.snapshot.config_inside",
                        "This folder is not a Home Assistant snapshot, but " + inside + " inside it is a config folder: give that one",
                        path);
          e.placeholders = {{"folder", inside}};
          return e;
        }
      }
      return bad("error.snapshot.unknown",
                 "This folder is not a Home Assistant snapshot: no .storage folder and no saved WebSocket replies "
                 "(such as config__device_registry__list.json).",
                 path);
    }
    return detail::from_source(**replies, path);
  }
  if (fs::is_regular_file(p, ec)) {
    auto src = archive::file_source(path);
    if (!src) return src.error();
    return read_backup(**src, path);
  }
  // A source that does not exist is the user's input at fault (exit code 2), not local trouble.
  return bad("error.file.not_found",
             "The snapshot was not found: give a Home Assistant config folder, a folder of WebSocket replies or a "
             "backup file",
             path);
}

}  // namespace domoguard::hub::ha
