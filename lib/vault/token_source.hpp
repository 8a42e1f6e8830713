#pragma once
// Where the monitor token comes from (SPEC §2 vault.token_file, §8).
#include <sys/types.h>

#include <cstdint>
#include <ctime>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/redact.hpp"
#include "core/result.hpp"

namespace spdlog {
class logger;
}

namespace vw::vault {

struct TokenSourceOptions {
  std::string token_file;                  // vault.token_file; "" = not configured
  bool allow_insecure_token_file = false;  // --allow-insecure-token-file
  std::optional<std::string> env_token;    // $VAULT_TOKEN, as read by the daemon
  std::string credentials_directory;       // $CREDENTIALS_DIRECTORY (systemd LoadCredential=)
};

/// Why a token file's permissions are unacceptable ("" when they are fine): any permission bit
/// for group or others (like ssh with a private key: a token readable by another user is a
/// leaked token, and one writable by another user lets them choose what this daemon sends).
std::string token_file_mode_problem(mode_t mode);

/// The monitor token, chosen once at startup in SPEC order: vault.token_file, else $VAULT_TOKEN,
/// else $CREDENTIALS_DIRECTORY/vault-token (when that file exists), else none (health and
/// leader polls work without a token).
///
/// A token file is checked with a stat() before each use and re-read when its identity changes
/// (device, inode, size, mtime, ctime): Vault Agent's file sink writes a new file and renames it
/// over the old one, so the inode changes; an in-place rewrite changes mtime/size. A stat per
/// request (a few per 10 s) costs less than an inotify watch on the directory and cannot miss a
/// rename. The file is opened, then checked with fstat() on the same descriptor (no
/// check-then-open race), must be a regular file with no group/other permission bits (unless
/// allow_insecure_token_file: then one warning per file version), at most 64 KiB, and hold one
/// token of printable ASCII (surrounding whitespace is trimmed, as the Vault CLI does).
///
/// At runtime: a file that disappears leaves the last token in use (some setups delete the sink
/// after reading it); an empty file (a writer caught mid-write) keeps the last token until the
/// next change; a new version that is refused (permissions, content) drops the token, logged
/// as an error once per version. The token never appears in a message, log line or metric:
/// messages name the path only.
///
/// io thread only. `on_change` runs (synchronously, from token()) whenever the token value
/// changes after startup.
class TokenSource {
 public:
  enum class Kind { none, file, env, credential };
  using OnChange = std::function<void()>;

  /// Fails (a startup error, exit 78) when a token file exists but is not a regular file, has
  /// group/other permissions without allow_insecure_token_file, cannot be read, or holds no
  /// valid token. A configured token_file that does not exist yet is not an error: it is logged
  /// and picked up when it appears (Vault Agent may start after us).
  static result<std::unique_ptr<TokenSource>> open(TokenSourceOptions opts,
                                                   std::shared_ptr<spdlog::logger> log,
                                                   OnChange on_change = {});

  /// The current token, re-reading the file first when it changed.
  std::optional<Secret> token();
  Kind kind() const { return kind_; }
  /// The file in use ("" for env/none).
  const std::string& path() const { return path_; }
  /// "token_file /run/vault/token", "$VAULT_TOKEN", "systemd credential <path>" or "none";
  /// never the token.
  std::string describe() const;
  /// Increments every time the token value changes (0 for the token found at startup).
  std::uint64_t generation() const { return generation_; }

 private:
  TokenSource(TokenSourceOptions opts, std::shared_ptr<spdlog::logger> log, OnChange on_change)
      : opts_(std::move(opts)), log_(std::move(log)), on_change_(std::move(on_change)) {}
  struct Identity {
    bool exists = false;
    dev_t dev = 0;
    ino_t ino = 0;
    off_t size = 0;
    timespec mtime{};
    timespec ctime{};
    bool operator==(const Identity& o) const;
  };
  static Identity stat_identity(const std::string& path);
  /// Opens, checks and reads the file; the token ("" for an empty file) or why it was refused.
  result<std::string> read_file();
  void set_token(std::optional<Secret> t);

  TokenSourceOptions opts_;
  std::shared_ptr<spdlog::logger> log_;
  OnChange on_change_;
  Kind kind_ = Kind::none;
  std::string path_;
  Identity seen_;
  std::optional<Secret> token_;
  std::uint64_t generation_ = 0;
};

}  // namespace vw::vault
