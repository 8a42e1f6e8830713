#include "notify/spool.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "notify/fingerprint.hpp"
#include "notify/go_text.hpp"

namespace vw::notify {

namespace {

constexpr std::string_view format_tag = "vaultwatch-notify-spool";
constexpr int format_version = 1;

std::string encode_line(const QueuedNotification& q) {
  const auto& a = q.alert;
  std::string out = "{\"labels\":";
  go::append_json_object(out, a.labels);
  out += ",\"annotations\":";
  go::append_json_object(out, a.annotations);
  // Full precision (the format trims trailing zeros, parse_rfc3339 reads up to 9 digits).
  out += ",\"startsAt\":\"" + go::format_time(a.starts_at) + "\"";
  out += ",\"endsAt\":\"" + go::format_time(a.ends_at) + "\"";
  out += ",\"generatorURL\":";
  go::append_json_string(out, a.generator_url);
  out += ",\"resolved\":";
  out += a.resolved ? "true" : "false";
  out += ",\"stateChange\":";
  out += a.state_change ? "true" : "false";
  out += ",\"enqueuedAt\":\"" + go::format_time(q.enqueued_at) + "\"}\n";
  return out;
}

result<Labels> string_map(const nlohmann::json& j, const char* key) {
  Labels out;
  auto it = j.find(key);
  if (it == j.end()) return out;
  if (!it->is_object()) return make_error(std::string(key) + " is not an object");
  for (const auto& [k, v] : it->items()) {
    if (!v.is_string()) return make_error(std::string(key) + "." + k + " is not a string");
    out.emplace(k, v.get<std::string>());
  }
  return out;
}

result<SysTime> time_field(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return make_error(std::string(key) + " is missing");
  return parse_rfc3339(it->get_ref<const std::string&>());
}

result<QueuedNotification> decode_line(std::string_view line) {
  auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return make_error("not a JSON object");
  QueuedNotification q;
  auto labels = string_map(j, "labels");
  if (!labels) return labels.error();
  auto annotations = string_map(j, "annotations");
  if (!annotations) return annotations.error();
  auto starts = time_field(j, "startsAt");
  auto ends = time_field(j, "endsAt");
  auto enq = time_field(j, "enqueuedAt");
  if (!starts) return starts.error();
  if (!ends) return ends.error();
  if (!enq) return enq.error();
  q.alert.labels = std::move(*labels);
  q.alert.annotations = std::move(*annotations);
  q.alert.starts_at = *starts;
  q.alert.ends_at = *ends;
  q.enqueued_at = *enq;
  if (auto g = j.find("generatorURL"); g != j.end() && g->is_string()) q.alert.generator_url = *g;
  if (auto r = j.find("resolved"); r != j.end() && r->is_boolean()) q.alert.resolved = *r;
  if (auto s = j.find("stateChange"); s != j.end() && s->is_boolean()) q.alert.state_change = *s;
  if (q.alert.labels.empty()) return make_error("no labels");
  q.fingerprint = fingerprint(q.alert.labels);
  return q;
}

std::string errno_text(int e) { return std::strerror(e); }

}  // namespace

std::string encode_spool(const std::string& receiver, const std::vector<QueuedNotification>& items,
                         std::size_t max_bytes, std::size_t* omitted) {
  std::string header = "{\"format\":\"" + std::string(format_tag) +
                       "\",\"version\":" + std::to_string(format_version) + ",\"receiver\":";
  go::append_json_string(header, receiver);
  header += "}\n";
  std::vector<std::string> lines;
  lines.reserve(items.size());
  for (const auto& q : items) lines.push_back(encode_line(q));
  // Keep the newest that fit: walk back from the end.
  std::size_t total = header.size();
  std::size_t first = lines.size();
  while (first > 0 && total + lines[first - 1].size() <= max_bytes) total += lines[--first].size();
  if (omitted) *omitted = first;
  std::string out;
  out.reserve(total);
  out += header;
  for (std::size_t i = first; i < lines.size(); ++i) out += lines[i];
  return out;
}

result<SpoolContents> decode_spool(std::string_view text) {
  SpoolContents out;
  auto nl = text.find('\n');
  auto header = nlohmann::json::parse(text.substr(0, nl), nullptr, false);
  if (!header.is_object() || header.value("format", "") != format_tag)
    return make_error("not a vaultwatch notification spool (bad header line)");
  if (header.value("version", 0) != format_version)
    return make_error("unsupported spool version " + header.value("version", nlohmann::json(0)).dump());
  out.receiver = header.value("receiver", "");
  std::size_t pos = nl == std::string_view::npos ? text.size() : nl + 1;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    auto line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty()) continue;
    if (auto q = decode_line(line)) out.items.push_back(std::move(*q));
    else ++out.bad_lines;
  }
  return out;
}

std::string spool_file_name(std::string_view receiver) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out = "webhook-";
  for (unsigned char c : receiver) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
        c == '-' || c == '.') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 0xF]);
    }
  }
  return out + ".spool";
}

result<void> write_file_atomic(const std::filesystem::path& path, std::string_view content) {
  const std::filesystem::path tmp = path.string() + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return make_error("cannot create " + tmp.string() + ": " + errno_text(errno));
  std::size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return make_error("cannot write " + tmp.string() + ": " + errno_text(e));
    }
    done += static_cast<std::size_t>(n);
  }
  // Data on disk before the rename makes it visible: otherwise a power loss could leave the
  // new name pointing at an empty file.
  if (::fdatasync(fd) != 0) {
    int e = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    return make_error("cannot sync " + tmp.string() + ": " + errno_text(e));
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    return make_error("cannot rename " + tmp.string() + ": " + errno_text(e));
  }
  // The rename itself is durable once the directory entry is.
  auto dir = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return {};
}

result<std::size_t> Spool::save(const std::vector<QueuedNotification>& items) {
  if (items.empty()) {
    std::error_code ec;
    std::filesystem::remove(file_, ec);
    if (ec) return make_error("cannot remove " + file_.string() + ": " + ec.message());
    return std::size_t{0};
  }
  std::size_t omitted = 0;
  auto text = encode_spool(receiver_, items, max_bytes_, &omitted);
  if (auto w = write_file_atomic(file_, text); !w) return w.error();
  return omitted;
}

result<SpoolContents> Spool::load() const {
  std::ifstream in(file_, std::ios::binary);
  if (!in) {
    std::error_code ec;
    if (!std::filesystem::exists(file_, ec)) return SpoolContents{receiver_, {}, 0};
    return make_error("cannot read " + file_.string());
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  auto c = decode_spool(ss.str());
  if (!c) return make_error(file_.string() + ": " + c.error().message);
  return c;
}

}  // namespace vw::notify
