#include "forensics/input.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace vw::forensics {

namespace {
// Compressed bytes per read(2): large enough that syscalls do not matter, small enough to stay
// in L2 next to the decompressed buffer.
constexpr std::size_t raw_chunk = 1 << 20;
}  // namespace

result<std::unique_ptr<Input>> Input::open(const std::string& name) {
  std::unique_ptr<Input> in(new Input());
  in->name_ = name;
  if (name == "-") {
    in->fd_ = STDIN_FILENO;
  } else {
    in->fd_ = ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
    if (in->fd_ < 0) return make_error(name + ": " + std::strerror(errno));
    in->own_fd_ = true;
  }
  struct stat st {};
  if (::fstat(in->fd_, &st) == 0) {
    if (S_ISDIR(st.st_mode)) return make_error(name + ": is a directory");
    if (S_ISREG(st.st_mode)) {
      in->size_ = static_cast<std::uint64_t>(st.st_size);
      // Sequential reads: let the kernel read ahead aggressively.
      ::posix_fadvise(in->fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
    }
  }
  in->raw_.resize(raw_chunk);
  // Sniff the magic bytes. A pipe may deliver them in separate reads, so read until we have two
  // bytes or the end.
  while (in->raw_len_ < 2 && in->fill()) {
  }
  if (!in->error_.empty()) return make_error(name + ": " + in->error_);
  if (in->raw_len_ >= 2 && in->raw_[0] == 0x1f && in->raw_[1] == 0x8b) {
    in->gzip_ = true;
    // 16 + MAX_WBITS: gzip wrapper only (zlib would also take raw zlib streams with +32).
    if (inflateInit2(&in->zs_, 16 + MAX_WBITS) != Z_OK) return make_error(name + ": zlib init failed");
    in->zs_init_ = true;
    in->in_member_ = true;
  }
  return in;
}

Input::~Input() {
  if (zs_init_) inflateEnd(&zs_);
  if (own_fd_ && fd_ >= 0) ::close(fd_);
}

bool Input::fill() {
  if (eof_ || !error_.empty()) return false;
  if (raw_pos_ > 0) {
    std::memmove(raw_.data(), raw_.data() + raw_pos_, raw_len_ - raw_pos_);
    raw_len_ -= raw_pos_;
    raw_pos_ = 0;
  }
  if (raw_len_ == raw_.size()) return true;
  for (;;) {
    ssize_t r = ::read(fd_, raw_.data() + raw_len_, raw_.size() - raw_len_);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      error_ = std::string("read error: ") + std::strerror(errno);
      return false;
    }
    if (r == 0) {
      eof_ = true;
      return false;
    }
    raw_len_ += static_cast<std::size_t>(r);
    raw_total_ += static_cast<std::uint64_t>(r);
    return true;
  }
}

std::size_t Input::read(char* dst, std::size_t n) {
  if (done_ || n == 0) return 0;
  if (gzip_) return read_gzip(dst, n);
  // Plain: hand out what the sniffing read buffered, then read straight into the caller's buffer.
  if (raw_pos_ < raw_len_) {
    std::size_t k = std::min(n, raw_len_ - raw_pos_);
    std::memcpy(dst, raw_.data() + raw_pos_, k);
    raw_pos_ += k;
    return k;
  }
  if (eof_ || !error_.empty()) {
    done_ = true;
    return 0;
  }
  for (;;) {
    ssize_t r = ::read(fd_, dst, n);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      error_ = std::string("read error: ") + std::strerror(errno);
      done_ = true;
      return 0;
    }
    if (r == 0) {
      eof_ = done_ = true;
      return 0;
    }
    raw_total_ += static_cast<std::uint64_t>(r);
    return static_cast<std::size_t>(r);
  }
}

std::size_t Input::read_gzip(char* dst, std::size_t n) {
  zs_.next_out = reinterpret_cast<Bytef*>(dst);
  zs_.avail_out = static_cast<uInt>(std::min<std::size_t>(n, 1u << 30));
  const uInt want = zs_.avail_out;
  while (zs_.avail_out == want) {  // until some output (or the end)
    if (raw_pos_ == raw_len_ && !fill()) {
      // No more input. Inside a member that did not end: the file was cut (a crash during
      // logrotate's compression, a copy still being written).
      if (in_member_ && error_.empty()) damage_ = "truncated gzip data";
      done_ = true;
      break;
    }
    if (!in_member_) {
      // After a member ended: another member, or the end. Need two bytes to see the magic.
      if (raw_len_ - raw_pos_ < 2 && fill() && raw_len_ - raw_pos_ < 2) continue;
      if (raw_len_ - raw_pos_ >= 2 && raw_[raw_pos_] == 0x1f && raw_[raw_pos_ + 1] == 0x8b) {
        inflateReset(&zs_);
        in_member_ = true;
      } else {
        damage_ = "trailing garbage after gzip data";
        done_ = true;
        break;
      }
    }
    zs_.next_in = raw_.data() + raw_pos_;
    zs_.avail_in = static_cast<uInt>(raw_len_ - raw_pos_);
    int rc = inflate(&zs_, Z_NO_FLUSH);
    raw_pos_ = raw_len_ - zs_.avail_in;
    if (rc == Z_STREAM_END) {
      in_member_ = false;
      // Drop what fill() would memmove needlessly; the loop sniffs for the next member.
      if (raw_pos_ == raw_len_ && !fill() && error_.empty()) {
        done_ = true;
        break;
      }
      continue;
    }
    if (rc == Z_OK || rc == Z_BUF_ERROR) continue;  // needs more input or more output space
    damage_ = std::string("corrupt gzip data: ") + (zs_.msg ? zs_.msg : "inflate failed");
    done_ = true;
    break;
  }
  return want - zs_.avail_out;
}

}  // namespace vw::forensics
