#include "audit/resume.hpp"

namespace vw::audit {

bool same_start(const Checkpoint& cp, std::string_view head) {
  return head.size() == cp.fingerprint_len && fingerprint_of(head) == cp.fingerprint;
}

bool resumes(const Checkpoint& cp, const FileFacts& f) {
  return f.dev == cp.device && f.ino == cp.inode && f.size >= cp.offset && same_start(cp, f.head);
}

bool holds_checkpointed(const Checkpoint& cp, const FileFacts& candidate) {
  return candidate.size >= cp.offset && same_start(cp, candidate.head);
}

const char* change_kind(const Checkpoint& cp, const FileFacts* current, const FileFacts* old) {
  if (old) return old->dev == cp.device && old->ino == cp.inode ? "rename" : "truncate";
  const bool same_inode = current && current->dev == cp.device && current->ino == cp.inode;
  return same_inode && current->size < cp.offset ? "truncate" : "recreate";
}

}  // namespace vw::audit
