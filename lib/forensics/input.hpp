#pragma once
// One input of `audit search`: a plain file, a gzip file (rotated logs) or stdin ("-"),
// delivered as a stream of decompressed bytes.
//
// gzip is recognised by its magic bytes (1f 8b), not by the name: logrotate's `compress` makes
// .gz files, but a rotated file may also be renamed, and stdin has no name. Concatenated gzip
// members (what `gzip -c a >> b` and some logrotate setups write) are read one after the other,
// like `zcat` does. Damage to the data (a truncated or corrupt gzip stream, garbage after the
// last member) is not an error: the bytes decoded up to that point are delivered, and damage()
// says what happened so the summary can report it. Failing to open or read the file is an
// error (the CLI exits 1 after searching the other inputs).
//
// Owns its file descriptor (not stdin's). Single-threaded.
#include <zlib.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace vw::forensics {

class Input {
 public:
  /// "-" is stdin. Fails (with "name: reason") when the file cannot be opened or is a directory.
  static result<std::unique_ptr<Input>> open(const std::string& name);
  ~Input();
  Input(const Input&) = delete;
  Input& operator=(const Input&) = delete;

  /// Reads up to `n` decompressed bytes into `dst`; 0 at the end of the data (or after an error
  /// or damage, see below). Never throws.
  std::size_t read(char* dst, std::size_t n);

  const std::string& name() const { return name_; }
  bool is_gzip() const { return gzip_; }
  /// Bytes read from the file or stdin so far (compressed bytes for gzip).
  std::uint64_t raw_bytes() const { return raw_total_; }
  /// The file's size when it is a regular file (progress bar), else nullopt.
  std::optional<std::uint64_t> size() const { return size_; }
  /// "" or why reading stopped early: a read error (e.g. EIO) — an input error.
  const std::string& error() const { return error_; }
  /// "" or how the gzip data was damaged ("truncated gzip data", "corrupt gzip data: ...",
  /// "trailing garbage after gzip data") — reported, not an error.
  const std::string& damage() const { return damage_; }

 private:
  Input() = default;
  bool fill();  // reads more raw bytes; false at EOF or on error
  std::size_t read_gzip(char* dst, std::size_t n);

  std::string name_;
  int fd_ = -1;
  bool own_fd_ = false;
  bool gzip_ = false;
  bool eof_ = false;
  bool done_ = false;
  std::optional<std::uint64_t> size_;
  std::uint64_t raw_total_ = 0;
  std::vector<unsigned char> raw_;  // raw bytes not consumed yet: [raw_pos_, raw_len_)
  std::size_t raw_pos_ = 0, raw_len_ = 0;
  z_stream zs_{};
  bool zs_init_ = false;
  bool in_member_ = false;
  std::string error_;
  std::string damage_;
};

}  // namespace vw::forensics
