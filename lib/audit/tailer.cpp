#include "audit/tailer.hpp"

#include <fcntl.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <tuple>

#include "audit/decoder.hpp"

namespace vw::audit {

namespace fs = std::filesystem;

namespace {

constexpr std::uint32_t dir_mask = IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |
                                   IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;
constexpr std::uint32_t ancestor_mask = IN_CREATE | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF |
                                        IN_ONLYDIR;
// IN_MODIFY: new data. IN_ATTRIB: link count changed (unlinked). IN_MOVE_SELF / IN_DELETE_SELF:
// renamed or gone.
constexpr std::uint32_t file_mask = IN_MODIFY | IN_ATTRIB | IN_MOVE_SELF | IN_DELETE_SELF;

ssize_t pread_full(int fd, char* buf, std::size_t n, std::uint64_t off) {
  for (;;) {
    ssize_t r = ::pread(fd, buf, n, static_cast<off_t>(off));
    if (r < 0 && errno == EINTR) continue;
    return r;
  }
}

}  // namespace

Tailer::Tailer(net::any_io_executor ex, TailerOptions opts, AuditMetrics& m,
               std::shared_ptr<spdlog::logger> log, LineSink sink)
    : ex_(ex),
      opts_(std::move(opts)),
      m_(m),
      log_(std::move(log)),
      sink_(std::move(sink)),
      inotify_(ex),
      tick_(ex) {
  std::error_code ec;
  auto abs = fs::absolute(opts_.path, ec);
  if (!ec) opts_.path = abs.lexically_normal().string();
  fs::path p(opts_.path);
  dir_ = p.parent_path().string();
  base_ = p.filename().string();
  opts_.read_chunk_bytes = std::max<std::size_t>(opts_.read_chunk_bytes, 4096);
  opts_.max_line_bytes = std::max<std::size_t>(opts_.max_line_bytes, 1);
}

Tailer::~Tailer() { stop(); }

void Tailer::start() {
  if (running_) return;
  running_ = true;
  alive_ = std::make_shared<bool>(true);
  ensure_buffer(opts_.read_chunk_bytes);
  int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) {
    log_->error("inotify unavailable, following the audit log by the 1s tick only: err={}",
                std::strerror(errno));
  } else {
    inotify_.assign(fd);
  }
  writer_on_rotated_ = &m_.writer_on_rotated.Add({});
  writer_on_rotated_->Set(0);
  ensure_dir_watch();
  initial_open();
  if (inotify_.is_open()) read_events();
  arm_tick();
  dirty_ = false;  // initial_open() just looked
  schedule();
}

void Tailer::stop() {
  if (!running_) return;
  running_ = false;
  *alive_ = false;
  tick_.cancel();
  save_checkpoint_now();
  boost::system::error_code ignored;
  inotify_.close(ignored);  // removes every watch with it
  dir_wd_ = -1;
  for (auto& f : rotated_) {
    f->wd = -1;
    close_file(*f);
  }
  rotated_.clear();
  if (current_) {
    current_->wd = -1;
    close_file(*current_);
    current_.reset();
  }
  if (file_info_) {
    m_.file_info.Remove(file_info_);
    file_info_ = nullptr;
  }
  if (writer_on_rotated_) {
    m_.writer_on_rotated.Remove(writer_on_rotated_);
    writer_on_rotated_ = nullptr;
  }
}

void Tailer::ensure_buffer(std::size_t want) {
  if (want <= buf_cap_) return;
  // Value-initialised: the padding simdjson may read past a line is never uninitialised memory.
  buf_ = std::make_unique<char[]>(want + line_padding);
  buf_cap_ = want;
}

// ---- opening and identifying files ---------------------------------------------------------

std::unique_ptr<Tailer::File> Tailer::open_file(const std::string& path, bool quiet, bool watch) {
  // Retried on every tick and inotify event until it works: counted each time, logged once
  // per episode (a permission flipped for an hour must not write 3600 lines).
  auto failed = [&](const std::string& why) {
    if (quiet) return;
    m_.open_failures.Increment();
    if (!warned_open_) log_->error("cannot open audit log (retrying every second): path={} err={}", path, why);
    warned_open_ = true;
  };
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    if (errno != ENOENT) failed(std::strerror(errno));
    return nullptr;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    failed("not a regular file");
    ::close(fd);
    return nullptr;
  }
  if (warned_open_ && !quiet) log_->info("audit log can be opened again: path={}", path);
  if (!quiet) warned_open_ = false;
  auto f = std::make_unique<File>();
  f->fd = fd;
  f->dev = st.st_dev;
  f->ino = st.st_ino;
  f->size = static_cast<std::uint64_t>(st.st_size);
  f->split.want = opts_.read_chunk_bytes;
  f->last_data = std::chrono::steady_clock::now();
  if (watch) watch_file(*f);
  return f;
}

void Tailer::watch_file(File& f) {
  if (!inotify_.is_open() || f.wd >= 0) return;
  // Watch the inode we opened, not whatever the path names a microsecond later: /proc/self/fd/N
  // resolves to the open file itself, even once it is renamed or unlinked.
  const std::string self = "/proc/self/fd/" + std::to_string(f.fd);
  f.wd = ::inotify_add_watch(inotify_.native_handle(), self.c_str(), file_mask);
  if (f.wd < 0) log_->warn("cannot watch the audit log file, relying on the 1s tick: err={}", std::strerror(errno));
}

void Tailer::close_file(File& f) {
  if (f.wd >= 0 && inotify_.is_open()) {
    // Several open files may share a watch only if they are the same inode, which we never keep
    // twice; a watch already dropped by the kernel (file deleted) just returns EINVAL.
    ::inotify_rm_watch(inotify_.native_handle(), f.wd);
  }
  f.wd = -1;
  if (f.fd >= 0) ::close(f.fd);
  f.fd = -1;
}

void Tailer::fill_head(File& f, std::uint64_t upto) {
  const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(upto, opts_.fingerprint_bytes));
  f.head.resize(n);
  ssize_t r = n ? pread_full(f.fd, f.head.data(), n, 0) : 0;
  f.head.resize(r > 0 ? static_cast<std::size_t>(r) : 0);
}

bool Tailer::head_unchanged(File& f) {
  if (f.head.empty()) return true;
  char tmp[8192];
  std::string_view want = f.head;
  std::uint64_t off = 0;
  while (!want.empty()) {
    const std::size_t n = std::min(want.size(), sizeof tmp);
    ssize_t r = pread_full(f.fd, tmp, n, off);
    if (r != static_cast<ssize_t>(n) || std::memcmp(tmp, want.data(), n) != 0) return false;
    want.remove_prefix(n);
    off += n;
  }
  return true;
}

std::uint64_t Tailer::start_offset_at_end(File& f) {
  const std::uint64_t size = f.size;
  const std::uint64_t span = std::min<std::uint64_t>(size, 64 * 1024);
  std::string tail(span, '\0');
  ssize_t r = span ? pread_full(f.fd, tail.data(), span, size - span) : 0;
  if (r != static_cast<ssize_t>(span)) tail.clear();  // unreadable: skip to the next line
  const auto at = start_at_end(tail, size);
  f.split.skipping = f.split.skip_silently = at.skip_rest_of_line;
  return at.offset;
}

std::optional<Checkpoint> Tailer::checkpoint() const {
  if (!current_) return std::nullopt;
  Checkpoint cp;
  cp.path = opts_.path;
  cp.device = current_->dev;
  cp.inode = current_->ino;
  cp.offset = current_->offset;
  cp.fingerprint_len = current_->head.size();
  cp.fingerprint = fingerprint_of(current_->head);
  return cp;
}

void Tailer::save_checkpoint_now() {
  if (opts_.checkpoint_file.empty()) return;
  auto cp = checkpoint();
  if (!cp || cp == saved_) return;
  if (auto r = save_checkpoint(opts_.checkpoint_file, *cp); !r) {
    m_.checkpoint_failures.Increment();
    if (!warned_checkpoint_) log_->error("cannot save the audit checkpoint: {}", r.error().message);
    warned_checkpoint_ = true;
    return;
  }
  if (warned_checkpoint_) log_->info("audit checkpoint saved again: file={}", opts_.checkpoint_file);
  warned_checkpoint_ = false;
  saved_ = cp;
}

void Tailer::count_rotation(const char* kind) {
  m_.rotations.Add({{"kind", kind}}).Increment();
}

void Tailer::set_current(std::unique_ptr<File> f) {
  if (file_info_) {
    m_.file_info.Remove(file_info_);
    file_info_ = nullptr;
  }
  current_ = std::move(f);
  if (current_) {
    file_info_ = &m_.file_info.Add({{"path", opts_.path}, {"inode", std::to_string(current_->ino)}});
    file_info_->Set(1);
  }
}

bool Tailer::holds(std::uint64_t dev, std::uint64_t ino) const {
  if (current_ && current_->dev == dev && current_->ino == ino) return true;
  return std::any_of(rotated_.begin(), rotated_.end(),
                     [&](const auto& r) { return r->dev == dev && r->ino == ino; });
}

std::unique_ptr<Tailer::File> Tailer::find_rotated(const Checkpoint& cp) {
  // The checkpointed file under another name in the same directory (logrotate's audit.log.1,
  // audit.log-20260101): same inode and same first bytes, or a copy (copytruncate) with the same
  // first bytes that is at least as long as where we were (not necessarily as long as the size
  // we saw: the writer may have appended between logrotate's copy and its truncate). Of several,
  // the most recently modified: a short fingerprint may match an older rotation too.
  std::error_code ec;
  std::size_t seen = 0;
  std::unique_ptr<File> best;
  struct timespec best_mtime {};
  for (fs::directory_iterator it(dir_, ec), end; !ec && it != end && seen < 1000; it.increment(ec), ++seen) {
    const auto name = it->path().filename().string();
    if (name == base_ || !name.starts_with(base_)) continue;
    auto f = open_file(it->path().string(), /*quiet=*/true, /*watch=*/false);
    if (!f) continue;
    if (holds(f->dev, f->ino)) {  // already being read (or the current file): never twice
      close_file(*f);
      continue;
    }
    fill_head(*f, cp.fingerprint_len);
    struct stat st {};
    const bool newer = ::fstat(f->fd, &st) == 0 &&
                       (!best || std::tie(st.st_mtim.tv_sec, st.st_mtim.tv_nsec) >
                                     std::tie(best_mtime.tv_sec, best_mtime.tv_nsec));
    if (holds_checkpointed(cp, facts(*f)) && newer) {
      if (best) close_file(*best);
      best = std::move(f);
      best_mtime = st.st_mtim;
      best->path_hint = it->path().string();
    } else {
      close_file(*f);
    }
  }
  if (best) {
    best->offset = cp.offset;
    log_->info("reading the rest of the rotated audit log {} from offset {}", best->path_hint, cp.offset);
  }
  return best;
}

void Tailer::initial_open() {
  std::optional<Checkpoint> cp;
  if (!opts_.checkpoint_file.empty()) {
    auto loaded = load_checkpoint(opts_.checkpoint_file);
    if (!loaded) log_->warn("ignoring the audit checkpoint: {}", loaded.error().message);
    else if (*loaded && (*loaded)->path == opts_.path) cp = **loaded;
    else if (*loaded) log_->info("audit checkpoint is for another path ({}), ignoring it", (*loaded)->path);
  }
  auto f = open_file(opts_.path);
  if (cp) {
    if (f && f->dev == cp->device && f->ino == cp->inode) {  // else no need to read its head
      fill_head(*f, cp->fingerprint_len);
      if (resumes(*cp, facts(*f))) {
        f->offset = cp->offset;
        fill_head(*f, std::max<std::uint64_t>(cp->offset, cp->fingerprint_len));
        log_->info("resuming the audit log at the checkpoint: path={} inode={} offset={}",
                   opts_.path, f->ino, f->offset);
        saved_ = cp;
        set_current(std::move(f));
        return;
      }
    }
    // The file changed while we were down. Its old content may live on under a rotated name:
    // read that first, then the new file from its start.
    auto old = find_rotated(*cp);
    if (old && f && old->dev == f->dev && old->ino == f->ino) {
      close_file(*old);
      old.reset();
    }
    const FileFacts cur_facts = f ? facts(*f) : FileFacts{};
    const FileFacts old_facts = old ? facts(*old) : FileFacts{};
    const char* kind = change_kind(*cp, f ? &cur_facts : nullptr, old ? &old_facts : nullptr);
    count_rotation(kind);
    log_->info("audit log changed since the checkpoint ({}): reading {} from its start", kind, opts_.path);
    if (old) {
      old->retire = true;  // a file rotated away while we were down no longer grows
      watch_file(*old);
      rotated_.push_back(std::move(old));
    }
    if (f) {
      f->head.clear();
      set_current(std::move(f));
    }
    return;
  }
  if (!f) {
    log_->info("audit log does not exist yet, waiting for it: path={}", opts_.path);
    warned_missing_ = true;
    return;
  }
  if (opts_.start_at_end) f->offset = start_offset_at_end(*f);
  fill_head(*f, f->size);  // all we may need to recognise its copy after a copytruncate
  log_->info("following the audit log: path={} inode={} from={}", opts_.path, f->ino,
             f->offset == 0 ? "beginning" : "end");
  set_current(std::move(f));
}

// ---- the event loop side -------------------------------------------------------------------

void Tailer::schedule() {
  if (scheduled_ || !running_) return;
  scheduled_ = true;
  net::post(ex_, [this, alive = alive_] {
    if (!*alive) return;
    scheduled_ = false;
    step();
  });
}

void Tailer::arm_tick() {
  tick_.expires_after(opts_.tick);
  tick_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
    if (ec || !*alive) return;
    save_checkpoint_now();
    dirty_ = true;
    schedule();
    arm_tick();
  });
}

void Tailer::read_events() {
  inotify_.async_read_some(
      net::buffer(events_), [this, alive = alive_](const boost::system::error_code& ec, std::size_t n) {
        if (!*alive || ec == net::error::operation_aborted) return;
        if (ec) {
          // The 1 s tick keeps us going; say it once.
          log_->error("reading inotify events failed, relying on the 1s tick: err={}", ec.message());
          return;
        }
        for (std::size_t off = 0; off + sizeof(inotify_event) <= n;) {
          inotify_event ev;
          std::memcpy(&ev, events_.data() + off, sizeof ev);
          const std::string_view name(events_.data() + off + sizeof ev,
                                      ev.len ? ::strnlen(events_.data() + off + sizeof ev, ev.len) : 0);
          off += sizeof ev + ev.len;
          if (ev.mask & IN_Q_OVERFLOW) {
            dirty_ = true;
          } else if (ev.wd == dir_wd_) {
            if (ev.mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED | IN_UNMOUNT)) {
              dir_wd_ = -1;
              dirty_ = true;
            } else if (watched_dir_ != dir_ || name.starts_with(base_)) {
              // Our file (or a rotated copy of it) appeared, moved or went; or, on an ancestor,
              // anything that may be the missing directory.
              dirty_ = true;
            }
          } else if (ev.mask & (IN_ATTRIB | IN_MOVE_SELF | IN_DELETE_SELF | IN_IGNORED)) {
            dirty_ = true;
          }
          // IN_MODIFY needs no state change: the scheduled step reads whatever is new.
        }
        schedule();
        read_events();
      });
}

void Tailer::ensure_dir_watch() {
  if (!inotify_.is_open()) return;
  std::error_code ec;
  fs::path want = dir_;
  bool exact = fs::is_directory(want, ec);
  while (!exact && want.has_parent_path() && want != want.parent_path()) {
    want = want.parent_path();
    if (fs::is_directory(want, ec)) break;
  }
  const std::string w = want.string();
  if (dir_wd_ >= 0 && watched_dir_ == w) return;
  if (dir_wd_ >= 0) ::inotify_rm_watch(inotify_.native_handle(), dir_wd_);
  dir_wd_ = ::inotify_add_watch(inotify_.native_handle(), w.c_str(), exact ? dir_mask : ancestor_mask);
  watched_dir_ = dir_wd_ >= 0 ? w : std::string();
  if (dir_wd_ < 0) log_->warn("cannot watch directory: dir={} err={}", w, std::strerror(errno));
  else if (!exact) log_->info("audit log directory does not exist yet, watching {}", w);
}

void Tailer::retire_current(const char* kind) {
  count_rotation(kind);
  current_->last_data = current_->rotated_at = std::chrono::steady_clock::now();
  rotated_.push_back(std::move(current_));
  set_current(nullptr);
  // Each rotation may leave a writer on the old file for a while (Vault until its SIGHUP), but
  // not forever: beyond max_rotated_open, the oldest are closed once read to their end.
  std::size_t live = 0;
  for (auto& r : rotated_) live += r->retire ? 0 : 1;
  for (auto& r : rotated_) {
    if (live <= opts_.max_rotated_open) break;
    if (!r->retire) {
      r->retire = true;
      --live;
    }
  }
}

void Tailer::reconcile() {
  ensure_dir_watch();
  struct stat st {};
  const int rc = ::stat(opts_.path.c_str(), &st);
  if (rc == 0 && S_ISREG(st.st_mode)) {
    warned_missing_ = false;
    const bool moved = current_ && (static_cast<std::uint64_t>(st.st_dev) != current_->dev ||
                                    static_cast<std::uint64_t>(st.st_ino) != current_->ino);
    if (!current_ || moved) {
      // Was the new file one we already hold (renamed back)? Then take it back as it is.
      std::unique_ptr<File> next;
      for (auto it = rotated_.begin(); it != rotated_.end(); ++it) {
        if ((*it)->dev == static_cast<std::uint64_t>(st.st_dev) && (*it)->ino == static_cast<std::uint64_t>(st.st_ino)) {
          next = std::move(*it);
          rotated_.erase(it);
          next->retire = false;
          break;
        }
      }
      if (!next) next = open_file(opts_.path);
      if (next) {
        if (moved) {
          struct stat old {};
          const bool unlinked = ::fstat(current_->fd, &old) == 0 && old.st_nlink == 0;
          log_->info("audit log rotated ({}): old inode={} new inode={}", unlinked ? "recreate" : "rename",
                     current_->ino, next->ino);
          retire_current(unlinked ? "recreate" : "rename");
        } else {
          log_->info("audit log appeared: path={} inode={}", opts_.path, next->ino);
        }
        // A file that appears after we started is new: read it from its beginning.
        set_current(std::move(next));
      }
    }
  } else if (rc != 0 && errno == ENOENT) {
    // Moved or deleted and not (yet) replaced: keep reading the open file, a writer may still be
    // appending to it (Vault until its SIGHUP, or forever to an unlinked file).
    if (!current_ && !warned_missing_) log_->info("waiting for the audit log: path={}", opts_.path);
    warned_missing_ = true;
  } else if (!warned_missing_) {
    log_->error("cannot follow the audit log: path={} err={}", opts_.path,
                rc == 0 ? "not a regular file" : std::strerror(errno));
    warned_missing_ = true;
  }

  if (current_) {
    struct stat cs {};
    if (::fstat(current_->fd, &cs) == 0) {
      // A file only shrinks when truncated: below where we read, below the size we saw (data we
      // had not read yet), or with other first bytes (truncated and regrown).
      const auto size = static_cast<std::uint64_t>(cs.st_size);
      if (size < current_->offset || size < current_->size || !head_unchanged(*current_))
        truncated(*current_);
      else
        current_->size = static_cast<std::uint64_t>(cs.st_size);
    }
  }

  // Close rotated files that are done: read to their end and idle for the grace period (or
  // retired). Not while the new file has no data: Vault may not have reopened, and whatever it
  // still writes to the old file must be read -- except a deleted file nobody wrote to since
  // the rotation, whose disk space our descriptor alone would hold (an audit device disabled
  // and its file removed).
  const bool reopened = check_reopen();
  auto keep_for_writer = [&](const File& f) {
    if (reopened) return false;
    if (f.last_data > f.rotated_at) return true;
    struct stat fs_st {};
    return ::fstat(f.fd, &fs_st) == 0 && fs_st.st_nlink > 0;
  };
  const auto now = std::chrono::steady_clock::now();
  for (auto it = rotated_.begin(); it != rotated_.end();) {
    File& f = **it;
    if (f.caught_up && (f.retire || (now - f.last_data >= opts_.rotate_grace && !keep_for_writer(f)))) {
      close_file(f);
      it = rotated_.erase(it);
    } else {
      ++it;
    }
  }
}

bool Tailer::check_reopen() {
  const bool new_has_data = current_ && current_->size > 0;
  bool stuck = false;
  for (const auto& f : rotated_)
    stuck = stuck || (!f->retire &&
                      writer_on_rotated_file({f->rotated_at, f->last_data, new_has_data}, opts_.reopen_grace));
  if (writer_on_rotated_ && (writer_on_rotated_->Value() != 0) != stuck) {
    writer_on_rotated_->Set(stuck ? 1 : 0);
    if (stuck)
      log_->warn("Vault is still writing to the rotated-away audit log and {} has no data: "
                 "it did not reopen its audit log (send it SIGHUP)", opts_.path);
    else
      log_->info("Vault writes to the audit log at {} again", opts_.path);
  }
  return new_has_data;
}

void Tailer::truncated(File& f) {
  if (&f != current_.get()) {
    // A rotated file is never truncated by a rotation scheme; whatever did it, do not read it
    // again from the start (that would count its lines twice): just let it go.
    f.retire = true;
    f.caught_up = true;
    struct stat st {};
    if (::fstat(f.fd, &st) == 0) f.offset = f.size = static_cast<std::uint64_t>(st.st_size);
    return;
  }
  count_rotation("truncate");
  log_->info("audit log truncated (copytruncate?): inode={} was_at={}", f.ino, f.offset);
  // copytruncate: what we had not read yet was copied to the rotated file before the truncate
  // (also when we had read none of it: the head is learnt before the file is read).
  if (&f == current_.get() && !f.head.empty()) recover_from_copy(f.head, f.offset);
  f.offset = 0;
  f.size = 0;
  f.high_water = 0;
  f.head.clear();
  f.split = LineSplitState{opts_.read_chunk_bytes};
  f.caught_up = false;
}

bool Tailer::recover_from_copy(std::string_view head, std::uint64_t offset) {
  Checkpoint probe;
  probe.fingerprint_len = head.size();
  probe.fingerprint = fingerprint_of(head);
  probe.offset = offset;
  auto copy = find_rotated(probe);  // never the file itself: find_rotated skips what we hold
  if (!copy) return false;
  copy->retire = true;  // a copy does not grow
  watch_file(*copy);
  rotated_.push_back(std::move(copy));
  return true;
}

// ---- reading -------------------------------------------------------------------------------

void Tailer::step() {
  if (!running_) return;
  if (dirty_) {
    dirty_ = false;
    reconcile();
  }
  // Rotated files first: an old file is read to its end before its successor.
  for (auto& f : rotated_) {
    if (pump(*f) == Pump::more) {
      update_lag();
      schedule();
      return;
    }
  }
  if (current_ && pump(*current_) == Pump::more) {
    update_lag();
    schedule();
    return;
  }
  update_lag();
}

Tailer::Pump Tailer::pump(File& f) {
  const std::size_t want = f.split.want;
  ensure_buffer(want);
  ssize_t r = pread_full(f.fd, buf_.get(), want, f.offset);
  if (r < 0) {
    log_->error("reading the audit log failed: inode={} err={}", f.ino, std::strerror(errno));
    f.caught_up = true;
    return Pump::idle;
  }
  const std::size_t n = static_cast<std::size_t>(r);
  if (n == 0) {
    struct stat st {};
    if (::fstat(f.fd, &st) == 0) {
      if (static_cast<std::uint64_t>(st.st_size) < std::max(f.offset, f.size)) {
        truncated(f);
        return Pump::more;
      }
      f.size = static_cast<std::uint64_t>(st.st_size);
    }
    f.caught_up = true;
    return Pump::idle;
  }
  // The bytes we just read may come from a truncated and regrown file (copytruncate racing us):
  // compare the file's first bytes with what we know they were. Checking after the read (not
  // before) means a truncation at any moment before it is seen. Also at offset 0: the head is
  // learnt before the first read, and a file truncated and regrown since is another content.
  if (!head_unchanged(f)) {
    truncated(f);
    return Pump::more;
  }
  // Grow the fingerprint while the file is young (it may have been opened nearly empty).
  if (f.head.size() < opts_.fingerprint_bytes && f.offset <= f.head.size()) {
    const std::size_t known = f.head.size() - static_cast<std::size_t>(f.offset);
    if (n > known)
      f.head.append(buf_.get() + known, std::min(n - known, opts_.fingerprint_bytes - f.head.size()));
  }
  // Reaching the end (even inside a partial last line) is "caught up"; only bytes never seen
  // before count as activity for the rotate_grace timer.
  f.caught_up = n < want;
  if (f.offset + n > f.high_water) {
    f.high_water = f.offset + n;
    f.last_data = std::chrono::steady_clock::now();
  }
  std::memset(buf_.get() + n, ' ', line_padding);
  const LineSplitOptions split_opts{opts_.read_chunk_bytes, opts_.max_line_bytes};
  const auto r_split = split_lines(std::string_view(buf_.get(), n), f.split, split_opts, sink_);
  f.offset += r_split.advance;
  if (r_split.lines) m_.lines.Increment(static_cast<double>(r_split.lines));
  if (r_split.bytes) m_.bytes.Increment(static_cast<double>(r_split.bytes));
  if (r_split.too_long) m_.decode_error(DecodeError::too_long).Increment(static_cast<double>(r_split.too_long));
  return r_split.more ? Pump::more : Pump::idle;
}

void Tailer::update_lag() {
  std::uint64_t lag = 0;
  auto add = [&](File& f) {
    struct stat st {};
    if (::fstat(f.fd, &st) == 0) {
      const auto size = static_cast<std::uint64_t>(st.st_size);
      if (&f == current_.get() && size < f.size) {
        // Shrank: truncated (copytruncate), maybe before we read a byte of it while rotated
        // files were being read first. Keep the size we saw; reconcile() handles it.
        dirty_ = true;
        schedule();
      } else {
        f.size = size;
      }
    }
    if (f.size > f.offset) lag += f.size - f.offset;
  };
  for (auto& f : rotated_) add(*f);
  if (current_) {
    add(*current_);
    // Learn the current file's first bytes as soon as it has them, not when we get to read
    // it: after a copytruncate they are how we find the copy holding what we had not read.
    File& c = *current_;
    if (c.head.size() < opts_.fingerprint_bytes && c.size > c.head.size() && c.offset <= c.head.size())
      fill_head(c, c.size);
  }
  m_.lag_bytes.Set(static_cast<double>(lag));
}

TailerStatus Tailer::status() const {
  TailerStatus s;
  s.path = opts_.path;
  s.rotated_open = rotated_.size();
  std::uint64_t lag = 0;
  for (const auto& f : rotated_)
    if (f->size > f->offset) lag += f->size - f->offset;
  if (current_) {
    s.open = true;
    s.device = current_->dev;
    s.inode = current_->ino;
    s.offset = current_->offset;
    s.size = current_->size;
    if (current_->size > current_->offset) lag += current_->size - current_->offset;
  }
  s.lag = lag;
  return s;
}

}  // namespace vw::audit
