// A small, bounded, streaming tar reader (ustar, GNU long names, pax path records) with optional
// gzip decompression. Backups can hold gigabytes (recorder databases, media); members the caller
// does not want are skipped without being kept in memory.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace domoguard::archive {

// A forward-only byte stream. read() returns the number of bytes read, 0 at the end.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual Result<std::size_t> read(char* buf, std::size_t n) = 0;
};

std::unique_ptr<ByteSource> memory_source(std::string_view bytes);
Result<std::unique_ptr<ByteSource>> file_source(const std::string& path);
// Serves `prefix` first, then the rest of `rest` (used after peeking at magic bytes).
std::unique_ptr<ByteSource> prefixed_source(std::string prefix, ByteSource& rest);
// Decompresses gzip; `what` names the stream in errors. Output is capped at `max_out` bytes.
std::unique_ptr<ByteSource> gunzip_source(ByteSource& in, std::string what, std::uint64_t max_out);

// Reads up to `n` bytes (fewer only at the end of the stream).
Result<std::string> read_up_to(ByteSource& src, std::size_t n);

bool looks_gzip(std::string_view head);
bool looks_tar(std::string_view head);   // needs at least 263 bytes to say yes

struct TarEntry {
  std::string name;      // path inside the archive, "./" prefix removed
  std::uint64_t size = 0;
  char type = '0';       // '0' file, '5' directory, ...
};

struct TarLimits {
  std::uint64_t max_members = 200000;
  std::uint64_t max_name = 4096;
};

// Calls `visit` for each regular file. The visitor may read the member's bytes from `data` (a stream
// bounded to the member); what it leaves unread is skipped. A visitor error stops the walk. A stream
// that ends inside a header or a member gives an Error naming `archive` and the member. A visitor
// that returns false ends the walk there (walk_tar then returns false); true walks on.
using TarVisitor = std::function<Result<bool>(const TarEntry&, ByteSource& data)>;
Result<bool> walk_tar(ByteSource& src, const std::string& archive, const TarVisitor& visit,
                      const TarLimits& limits = {});

}  // namespace domoguard::archive
