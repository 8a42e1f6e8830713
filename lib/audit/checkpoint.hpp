#pragma once
// Where the tailer was in the audit file: device, inode, a fingerprint of the file's first bytes,
// and the offset just past the last line it handed out (SPEC §7). Saved atomically (write a
// temporary file, fsync it, rename it over the old one, fsync the directory) so a crash at any
// moment leaves either the old or the new checkpoint, never a torn one.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace vw::audit {

struct Checkpoint {
  std::string path;               // the configured audit path it belongs to
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  std::uint64_t offset = 0;
  std::uint64_t fingerprint_len = 0;  // how many leading bytes the fingerprint covers
  std::uint64_t fingerprint = 0;      // FNV-1a 64 of those bytes
  bool operator==(const Checkpoint&) const = default;
};

/// FNV-1a, 64 bit: stable across builds and machines (std::hash is neither guaranteed).
std::uint64_t fingerprint_of(std::string_view bytes);

/// Loads a checkpoint; nullopt when the file does not exist; an error when it is unreadable or
/// malformed (the caller logs it and starts without one).
result<std::optional<Checkpoint>> load_checkpoint(const std::string& file);
/// Writes it atomically (tmp + fsync + rename + fsync of the directory).
result<void> save_checkpoint(const std::string& file, const Checkpoint& cp);

}  // namespace vw::audit
