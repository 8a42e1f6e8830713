#include "vault/token_source.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace vw::vault {

namespace {

constexpr std::size_t max_token_file_bytes = 64 * 1024;

std::string octal_mode(mode_t m) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(m & 07777));
  return buf;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

// Trims like Go's strings.TrimSpace (what the Vault CLI does with token files) and accepts only
// what can go into an HTTP header verbatim: one run of printable ASCII. A CR/LF inside would be
// header injection; anything else is not a Vault token.
std::optional<std::string> clean_token(std::string_view raw) {
  while (!raw.empty() && is_space(raw.front())) raw.remove_prefix(1);
  while (!raw.empty() && is_space(raw.back())) raw.remove_suffix(1);
  for (char c : raw)
    if (c < 0x21 || c > 0x7e) return std::nullopt;
  return std::string(raw);
}

}  // namespace

std::string token_file_mode_problem(mode_t mode) {
  if ((mode & (S_IRWXG | S_IRWXO)) == 0) return {};
  return "is accessible by group or others (mode " + octal_mode(mode) + ")";
}

bool TokenSource::Identity::operator==(const Identity& o) const {
  return exists == o.exists && dev == o.dev && ino == o.ino && size == o.size &&
         mtime.tv_sec == o.mtime.tv_sec && mtime.tv_nsec == o.mtime.tv_nsec &&
         ctime.tv_sec == o.ctime.tv_sec && ctime.tv_nsec == o.ctime.tv_nsec;
}

TokenSource::Identity TokenSource::stat_identity(const std::string& path) {
  Identity id;
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) return id;
  id.exists = true;
  id.dev = st.st_dev;
  id.ino = st.st_ino;
  id.size = st.st_size;
  id.mtime = st.st_mtim;
  id.ctime = st.st_ctim;
  return id;
}

result<std::unique_ptr<TokenSource>> TokenSource::open(TokenSourceOptions opts,
                                                       std::shared_ptr<spdlog::logger> log,
                                                       OnChange on_change) {
  std::unique_ptr<TokenSource> ts(new TokenSource(std::move(opts), std::move(log), std::move(on_change)));
  auto& o = ts->opts_;
  if (!o.token_file.empty()) {
    ts->kind_ = Kind::file;
    ts->path_ = o.token_file;
  } else if (o.env_token && !o.env_token->empty()) {
    ts->kind_ = Kind::env;
    auto t = clean_token(*o.env_token);
    if (!t || t->empty())
      return make_error("$VAULT_TOKEN does not hold a token (printable ASCII on one line)");
    ts->token_ = Secret(std::move(*t));
    return ts;
  } else if (!o.credentials_directory.empty()) {
    std::string p = o.credentials_directory + "/vault-token";
    struct stat st{};
    if (::stat(p.c_str(), &st) == 0) {
      ts->kind_ = Kind::credential;
      ts->path_ = std::move(p);
    }
  }
  if (ts->kind_ == Kind::none) return ts;

  struct stat st{};
  if (::stat(ts->path_.c_str(), &st) != 0) {
    if (errno != ENOENT)
      return make_error("token file " + ts->path_ + ": " + std::strerror(errno));
    ts->log_->warn("token file does not exist yet: path={} (running without a token until it appears)",
                   ts->path_);
    return ts;
  }
  auto content = ts->read_file();
  if (!content) return content.error();
  if (content->empty())
    ts->log_->warn("token file is empty: path={} (running without a token until it changes)", ts->path_);
  else
    ts->token_ = Secret(std::move(*content));
  return ts;
}

result<std::string> TokenSource::read_file() {
  // O_NONBLOCK: opening a FIFO put there by mistake must not block the io thread.
  const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    seen_ = stat_identity(path_);
    return make_error("token file " + path_ + ": cannot open: " + std::strerror(errno));
  }
  struct stat st{};
  if (::fstat(fd, &st) != 0) {
    const int e = errno;
    ::close(fd);
    return make_error("token file " + path_ + ": " + std::strerror(e));
  }
  // Remember exactly what was read, so the next stat() sees no change for this version.
  seen_.exists = true;
  seen_.dev = st.st_dev;
  seen_.ino = st.st_ino;
  seen_.size = st.st_size;
  seen_.mtime = st.st_mtim;
  seen_.ctime = st.st_ctim;
  auto fail = [&](std::string why) -> result<std::string> {
    ::close(fd);
    return make_error("token file " + path_ + " " + why);
  };
  if (!S_ISREG(st.st_mode)) return fail("is not a regular file");
  if (auto problem = token_file_mode_problem(st.st_mode); !problem.empty()) {
    if (!opts_.allow_insecure_token_file)
      return fail(problem + ": chmod 600 it (for a Vault Agent file sink set mode = 0600), or start with "
                            "--allow-insecure-token-file");
    log_->warn("token file {}: using it anyway because of --allow-insecure-token-file: path={}", problem, path_);
  }
  if (static_cast<std::size_t>(st.st_size) > max_token_file_bytes) return fail("is larger than 64 KiB");
  std::string buf(max_token_file_bytes + 1, '\0');
  std::size_t got = 0;
  while (got < buf.size()) {
    const ssize_t n = ::read(fd, buf.data() + got, buf.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(std::string("cannot be read: ") + std::strerror(errno));
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (got > max_token_file_bytes) return make_error("token file " + path_ + " is larger than 64 KiB");
  buf.resize(got);
  auto t = clean_token(buf);
  // Wipe the raw copy: it may hold the token.
  std::fill(buf.begin(), buf.end(), '\0');
  if (!t) return make_error("token file " + path_ + " does not hold a token (printable ASCII on one line)");
  return result<std::string>(boost::system::in_place_value, std::move(*t));
}

void TokenSource::set_token(std::optional<Secret> t) {
  if (t == token_) return;
  token_ = std::move(t);
  ++generation_;
  if (token_)
    log_->info("monitor token changed: source={} generation={}", describe(), generation_);
  else
    log_->warn("monitor token dropped: source={}", describe());
  if (on_change_) on_change_();
}

std::optional<Secret> TokenSource::token() {
  if (kind_ != Kind::file && kind_ != Kind::credential) return token_;
  const Identity id = stat_identity(path_);
  if (id == seen_) return token_;
  seen_ = id;
  if (!id.exists) {
    if (token_) log_->info("token file disappeared, keeping the last token read from it: path={}", path_);
    return token_;
  }
  auto content = read_file();
  if (!content) {
    log_->error("token file refused, no token in use until it changes: {}", content.error().message);
    set_token(std::nullopt);
  } else if (content->empty()) {
    log_->warn("token file is empty, keeping the last token until it changes: path={}", path_);
  } else {
    set_token(Secret(std::move(*content)));
  }
  return token_;
}

std::string TokenSource::describe() const {
  switch (kind_) {
    case Kind::none: return "none";
    case Kind::file: return "token_file " + path_;
    case Kind::env: return "$VAULT_TOKEN";
    case Kind::credential: return "systemd credential " + path_;
  }
  return "none";
}

}  // namespace vw::vault
