#pragma once
// An exclusive lock on state_dir (flock on state_dir/lock), so that `vaultwatch baseline build`
// never writes learnt state under a running daemon (whose next save would overwrite it, or be
// overwritten). The daemon holds it for its whole life; the command takes it for its run.
// flock, not a PID file: the kernel drops it when the holder dies, so a crash leaves no stale
// lock behind. Owns its descriptor; not copyable.
#include <string>

#include "core/result.hpp"

namespace vw::daemon {

class StateDirLock {
 public:
  /// Creates `dir` and `dir`/lock when missing. Fails with a readable reason; "busy" is told
  /// apart by busy() so callers can name the likely holder.
  static result<StateDirLock> acquire(const std::string& dir);
  StateDirLock(StateDirLock&& o) noexcept : fd_(o.fd_), busy_(o.busy_) { o.fd_ = -1; }
  StateDirLock& operator=(StateDirLock&&) = delete;
  StateDirLock(const StateDirLock&) = delete;
  ~StateDirLock();

  /// True when another process holds the lock (then the lock is not held by this object).
  bool busy() const { return busy_; }
  bool held() const { return fd_ >= 0; }

 private:
  StateDirLock(int fd, bool busy) : fd_(fd), busy_(busy) {}
  int fd_ = -1;
  bool busy_ = false;
};

}  // namespace vw::daemon
