#include "audit/checkpoint.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/json_number.hpp"

namespace vw::audit {

namespace {

std::string errno_text(const std::string& what, int err) { return what + ": " + std::strerror(err); }

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

std::uint64_t fingerprint_of(std::string_view bytes) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

result<std::optional<Checkpoint>> load_checkpoint(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return std::optional<Checkpoint>{};
    return make_error(errno_text(file, errno));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  auto j = nlohmann::json::parse(ss.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return make_error(file + ": not a checkpoint (bad JSON)");
  try {
    if (j.value("version", 0) != 1) return make_error(file + ": unknown checkpoint version");
    Checkpoint cp;
    cp.path = j.at("path").get<std::string>();
    cp.device = require_integer<std::uint64_t>(j, "device");
    cp.inode = require_integer<std::uint64_t>(j, "inode");
    cp.offset = require_integer<std::uint64_t>(j, "offset");
    cp.fingerprint_len = require_integer<std::uint64_t>(j, "fingerprint_len");
    cp.fingerprint = std::stoull(j.at("fingerprint").get<std::string>(), nullptr, 16);
    return std::optional<Checkpoint>{cp};
  } catch (const std::exception& e) {
    return make_error(file + ": not a checkpoint (" + e.what() + ")");
  }
}

result<void> save_checkpoint(const std::string& file, const Checkpoint& cp) {
  char fp[17];
  std::snprintf(fp, sizeof fp, "%016llx", static_cast<unsigned long long>(cp.fingerprint));
  nlohmann::json j = {{"version", 1},          {"path", cp.path},
                      {"device", cp.device},   {"inode", cp.inode},
                      {"offset", cp.offset},   {"fingerprint_len", cp.fingerprint_len},
                      {"fingerprint", fp}};
  const std::string body = j.dump() + "\n";
  const std::string tmp = file + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return make_error(errno_text(tmp, errno));
  bool ok = write_all(fd, body) && ::fsync(fd) == 0;
  int err = errno;
  ::close(fd);
  if (!ok) {
    ::unlink(tmp.c_str());
    return make_error(errno_text(tmp, err));
  }
  if (::rename(tmp.c_str(), file.c_str()) != 0) {
    err = errno;
    ::unlink(tmp.c_str());
    return make_error(errno_text(file, err));
  }
  // The rename is durable only once the directory entry is.
  auto dir = std::filesystem::path(file).parent_path();
  if (dir.empty()) dir = ".";
  if (int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return {};
}

}  // namespace vw::audit
