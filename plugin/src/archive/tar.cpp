#include "archive/tar.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace domoguard::archive {

namespace {

Error tar_error(const std::string& archive, std::string message, std::string where = {}) {
  Error e;
  e.code = ErrorCode::bad_input;
  e.key = "error.tar.bad";
  e.message = std::move(message);
  e.file = archive;
  e.where = std::move(where);
  return e;
}

class MemorySource : public ByteSource {
 public:
  explicit MemorySource(std::string_view b) : b_(b) {}
  Result<std::size_t> read(char* buf, std::size_t n) override {
    n = std::min(n, b_.size() - pos_);
    std::memcpy(buf, b_.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  std::string_view b_;
  std::size_t pos_ = 0;
};

class FileSource : public ByteSource {
 public:
  FileSource(std::FILE* f, std::string path) : f_(f), path_(std::move(path)) {}
  ~FileSource() override { std::fclose(f_); }
  Result<std::size_t> read(char* buf, std::size_t n) override {
    std::size_t got = std::fread(buf, 1, n, f_);
    if (got < n && std::ferror(f_)) {
      Error e;
      e.code = ErrorCode::io;
      e.key = "error.file.read";
      e.message = "Could not read the file";
      e.file = path_;
      return e;
    }
    return got;
  }

 private:
  std::FILE* f_;
  std::string path_;
};

class PrefixedSource : public ByteSource {
 public:
  PrefixedSource(std::string p, ByteSource& rest) : prefix_(std::move(p)), rest_(rest) {}
  Result<std::size_t> read(char* buf, std::size_t n) override {
    if (pos_ < prefix_.size()) {
      n = std::min(n, prefix_.size() - pos_);
      std::memcpy(buf, prefix_.data() + pos_, n);
      pos_ += n;
      return n;
    }
    return rest_.read(buf, n);
  }

 private:
  std::string prefix_;
  std::size_t pos_ = 0;
  ByteSource& rest_;
};

// Past the first 64 MiB, a gzip stream may give at most this many bytes per compressed byte read.
// Real backups (JSON, SQLite, media) stay well below; a small file that inflates to gigabytes, or
// a gzip inside a gzip doing it twice over, is stopped after seconds of CPU instead of minutes.
constexpr std::uint64_t kRatioFreeBytes = 64u << 20;
constexpr std::uint64_t kMaxRatio = 200;

class GunzipSource : public ByteSource {
 public:
  GunzipSource(ByteSource& in, std::string what, std::uint64_t max_out)
      : in_(in), what_(std::move(what)), max_out_(max_out) {
    std::memset(&zs_, 0, sizeof zs_);
    ok_ = inflateInit2(&zs_, 15 + 16) == Z_OK;
  }
  ~GunzipSource() override {
    if (ok_) inflateEnd(&zs_);
  }
  Result<std::size_t> read(char* buf, std::size_t n) override {
    if (!ok_) return tar_error(what_, "Could not start gzip decompression");
    if (done_ || n == 0) return std::size_t{0};
    zs_.next_out = reinterpret_cast<Bytef*>(buf);
    zs_.avail_out = static_cast<uInt>(std::min<std::size_t>(n, 1u << 30));
    const uInt want = zs_.avail_out;
    while (zs_.avail_out == want) {
      if (zs_.avail_in == 0) {
        auto got = in_.read(inbuf_, sizeof inbuf_);
        if (!got) return got.error();
        in_total_ += *got;
        if (*got == 0) {
          if (started_) return tar_error(what_, "The compressed data ends early (truncated gzip stream)");
          done_ = true;
          return std::size_t{0};
        }
        zs_.next_in = reinterpret_cast<Bytef*>(inbuf_);
        zs_.avail_in = static_cast<uInt>(*got);
      }
      started_ = true;
      int rc = inflate(&zs_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        // Concatenated gzip members are valid gzip; keep going if more input follows.
        if (zs_.avail_in == 0) {
          auto got = in_.read(inbuf_, sizeof inbuf_);
          if (!got) return got.error();
          in_total_ += *got;
          if (*got == 0) {
            done_ = true;
            break;
          }
          zs_.next_in = reinterpret_cast<Bytef*>(inbuf_);
          zs_.avail_in = static_cast<uInt>(*got);
        }
        inflateReset(&zs_);
        started_ = false;
        continue;
      }
      if (rc != Z_OK && rc != Z_BUF_ERROR) return tar_error(what_, "The gzip data is corrupt");
      const std::uint64_t so_far = total_ + (want - zs_.avail_out);
      if (so_far > kRatioFreeBytes && so_far / kMaxRatio > in_total_)
        return tar_error(what_, "The compressed data expands more than " + std::to_string(kMaxRatio) +
                                    " times (a decompression bomb)");
    }
    std::size_t produced = want - zs_.avail_out;
    total_ += produced;
    if (total_ > max_out_) return tar_error(what_, "The decompressed data is larger than the limit");
    return produced;
  }

 private:
  ByteSource& in_;
  std::string what_;
  std::uint64_t max_out_;
  z_stream zs_;
  bool ok_ = false;
  bool done_ = false;
  bool started_ = false;
  std::uint64_t total_ = 0;
  std::uint64_t in_total_ = 0;  // compressed bytes read
  char inbuf_[65536];
};

// The member's bytes: refuses to read past its end and reports a short archive.
class BoundedSource : public ByteSource {
 public:
  BoundedSource(ByteSource& in, std::uint64_t size, const std::string& archive, const std::string& member)
      : in_(in), left_(size), archive_(archive), member_(member) {}
  Result<std::size_t> read(char* buf, std::size_t n) override {
    n = static_cast<std::size_t>(std::min<std::uint64_t>(n, left_));
    std::size_t total = 0;
    while (total < n) {
      auto got = in_.read(buf + total, n - total);
      if (!got) return got.error();
      if (*got == 0) return tar_error(archive_, "The archive is truncated inside member \"" + member_ + "\"", "member " + member_);
      total += *got;
    }
    left_ -= total;
    return total;
  }
  Result<bool> skip_rest() {
    char tmp[65536];
    while (left_ > 0) {
      auto got = read(tmp, sizeof tmp);
      if (!got) return got.error();
    }
    return true;
  }

 private:
  ByteSource& in_;
  std::uint64_t left_;
  const std::string& archive_;
  const std::string& member_;
};

std::uint64_t parse_octal(const char* p, std::size_t n, bool& ok) {
  // GNU base-256 for large sizes.
  if (n > 0 && (static_cast<unsigned char>(p[0]) & 0x80)) {
    std::uint64_t v = 0;
    for (std::size_t i = 1; i < n; ++i) {
      if (v >> 55) {
        ok = false;
        return 0;
      }
      v = (v << 8) | static_cast<unsigned char>(p[i]);
    }
    return v;
  }
  std::uint64_t v = 0;
  std::size_t i = 0;
  while (i < n && (p[i] == ' ' || p[i] == '\0')) ++i;
  for (; i < n && p[i] >= '0' && p[i] <= '7'; ++i) {
    if (v >> 60) {
      ok = false;
      return 0;
    }
    v = v * 8 + static_cast<std::uint64_t>(p[i] - '0');
  }
  for (; i < n; ++i)
    if (p[i] != ' ' && p[i] != '\0') ok = false;
  return v;
}

std::string field(const char* p, std::size_t n) { return std::string(p, strnlen(p, n)); }

std::string normalise(std::string name) {
  while (name.rfind("./", 0) == 0) name.erase(0, 2);
  while (!name.empty() && name.front() == '/') name.erase(0, 1);
  return name;
}

// Pax extended header: records "LEN key=value\n"; only "path" matters here.
std::string pax_path(const std::string& data) {
  std::size_t pos = 0;
  std::string path;
  while (pos < data.size()) {
    std::size_t sp = data.find(' ', pos);
    if (sp == std::string::npos) break;
    std::size_t len = 0;
    for (std::size_t i = pos; i < sp; ++i) {
      if (data[i] < '0' || data[i] > '9' || len > data.size()) return path;
      len = len * 10 + static_cast<std::size_t>(data[i] - '0');
    }
    if (len == 0 || pos + len > data.size() || sp + 1 > pos + len) break;
    std::string rec = data.substr(sp + 1, pos + len - sp - 1);
    if (!rec.empty() && rec.back() == '\n') rec.pop_back();
    if (rec.rfind("path=", 0) == 0) path = rec.substr(5);
    pos += len;
  }
  return path;
}

}  // namespace

std::unique_ptr<ByteSource> memory_source(std::string_view bytes) { return std::make_unique<MemorySource>(bytes); }

Result<std::unique_ptr<ByteSource>> file_source(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    Error e;
    e.code = ErrorCode::io;
    e.key = "error.file.open";
    e.message = "Could not open the file";
    e.file = path;
    return e;
  }
  return std::unique_ptr<ByteSource>(std::make_unique<FileSource>(f, path));
}

std::unique_ptr<ByteSource> prefixed_source(std::string prefix, ByteSource& rest) {
  return std::make_unique<PrefixedSource>(std::move(prefix), rest);
}

std::unique_ptr<ByteSource> gunzip_source(ByteSource& in, std::string what, std::uint64_t max_out) {
  return std::make_unique<GunzipSource>(in, std::move(what), max_out);
}

Result<std::string> read_up_to(ByteSource& src, std::size_t n) {
  std::string out(n, '\0');
  std::size_t total = 0;
  while (total < n) {
    auto got = src.read(out.data() + total, n - total);
    if (!got) return got.error();
    if (*got == 0) break;
    total += *got;
  }
  out.resize(total);
  return out;
}

bool looks_gzip(std::string_view head) {
  return head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x1f && static_cast<unsigned char>(head[1]) == 0x8b;
}

bool looks_tar(std::string_view head) { return head.size() >= 262 && head.substr(257, 5) == "ustar"; }

Result<bool> walk_tar(ByteSource& src, const std::string& archive, const TarVisitor& visit, const TarLimits& limits) {
  std::string long_name;
  std::uint64_t members = 0;
  std::string last = "(start of archive)";
  char hdr[512];
  for (;;) {
    std::size_t got_total = 0;
    while (got_total < sizeof hdr) {
      auto got = src.read(hdr + got_total, sizeof hdr - got_total);
      if (!got) return got.error();
      if (*got == 0) break;
      got_total += *got;
    }
    if (got_total == 0) return true;  // no end-of-archive blocks: accept, as GNU tar does
    if (got_total < sizeof hdr)
      return tar_error(archive, "The archive is truncated in the header after member \"" + last + "\"", "member " + last);
    if (std::all_of(hdr, hdr + 512, [](char c) { return c == '\0'; })) return true;

    unsigned sum = 0;
    for (int i = 0; i < 512; ++i) sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(hdr[i]);
    bool ok = true;
    std::uint64_t stored = parse_octal(hdr + 148, 8, ok);
    std::uint64_t size = parse_octal(hdr + 124, 12, ok);
    if (!ok || stored != sum)
      return tar_error(archive, "The archive has a damaged header after member \"" + last + "\"", "member " + last);
    if (++members > limits.max_members) return tar_error(archive, "The archive has too many members");

    const char type = hdr[156] == '\0' ? '0' : hdr[156];
    std::string name;
    if (!long_name.empty()) {
      name = std::move(long_name);
      long_name.clear();
    } else {
      name = field(hdr, 100);
      if (std::string_view(hdr + 257, 5) == "ustar") {
        std::string prefix = field(hdr + 345, 155);
        if (!prefix.empty()) name = prefix + "/" + name;
      }
    }
    name = normalise(std::move(name));
    if (type == '1' || type == '2' || type == '5') size = 0;  // links and folders carry no data
    const std::string member = name.empty() ? std::string("(unnamed)") : name;
    BoundedSource data(src, size, archive, member);

    if (type == 'L' || type == 'x') {
      if (size > limits.max_name * 4 + 1024) return tar_error(archive, "A tar name record is too long", "member " + last);
      auto text = read_up_to(data, static_cast<std::size_t>(size));
      if (!text) return text.error();
      if (text->size() < size) return tar_error(archive, "The archive is truncated inside a name record", "member " + last);
      long_name = type == 'L' ? field(text->data(), text->size()) : pax_path(*text);
      if (long_name.size() > limits.max_name) long_name.resize(limits.max_name);
    } else if (type == '0' || type == '7') {
      TarEntry e{name, size, '0'};
      auto r = visit(e, data);
      if (!r) return r.error();
      if (!*r) return false;   // the visitor has what it wanted: the rest is not read
    }
    auto s = data.skip_rest();
    if (!s) return s.error();
    // Members are padded to 512-byte blocks.
    std::uint64_t pad = (512 - size % 512) % 512;
    if (pad) {
      auto got = read_up_to(src, static_cast<std::size_t>(pad));
      if (!got) return got.error();
      if (got->size() < pad)
        return tar_error(archive, "The archive is truncated inside member \"" + member + "\"", "member " + member);
    }
    last = member;
  }
}

}  // namespace domoguard::archive
