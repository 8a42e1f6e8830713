#pragma once
// The tailer's pure core, part 2: what a checkpoint means for the files found at start (SPEC §7).
// No I/O: the tailer opens the file (and, when needed, looks for rotated copies next to it),
// describes each as FileFacts, and these functions decide.
//
//   checkpoint vs the file at the path      decision
//   same inode, as long, same first bytes   resume at the checkpoint's offset
//   anything else                           the file changed: read its copy under a rotated
//                                           name (if one holds the checkpointed content) from
//                                           the offset, then the file at the path from its start
//   no checkpoint                           start_at (end: after the last complete line)
#include <cstdint>
#include <string_view>

#include "audit/checkpoint.hpp"

namespace vw::audit {

/// What the tailer read about one open file.
struct FileFacts {
  std::uint64_t dev = 0, ino = 0;
  std::uint64_t size = 0;
  std::string_view head;  // its first min(size, cp.fingerprint_len) bytes
};

/// The file starts with the bytes the checkpoint fingerprinted.
bool same_start(const Checkpoint& cp, std::string_view head);

/// The checkpoint still describes the file at the path: resume at cp.offset.
bool resumes(const Checkpoint& cp, const FileFacts& f);

/// A file under a rotated name holds the checkpointed content: same first bytes, at least as
/// long as where we were (a rename keeps the inode; a copytruncate copy has its own, and may be
/// longer than the size we saw: the writer appended between logrotate's copy and its truncate).
bool holds_checkpointed(const Checkpoint& cp, const FileFacts& candidate);

/// When resumes() is false: what happened while we were down, for rotations_total{kind}.
/// `current`: the file at the path (null: none); `old`: the rotated copy found (null: none).
///   old with the checkpointed inode -> "rename"; another old (a copy) -> "truncate";
///   no old, the same inode shorter than the offset -> "truncate"; otherwise -> "recreate"
///   (deleted and created again, or the same inode now holding other content).
const char* change_kind(const Checkpoint& cp, const FileFacts* current, const FileFacts* old);

}  // namespace vw::audit
