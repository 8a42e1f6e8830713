#include "rules/state_codec.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/json_number.hpp"
#include "core/time.hpp"

namespace vw::rules {

using nlohmann::json;

namespace {

constexpr int state_format_version = 1;

std::string ts(SysTime t) { return format_rfc3339_ms(t); }

SysTime parse_ts(const json& j) {
  if (!j.is_string()) throw std::runtime_error("time is not a string");
  auto t = parse_rfc3339(j.get<std::string>());
  if (!t) throw std::runtime_error(t.error().message);
  return *t;
}

const char* state_name(AlertState s) { return to_string(s); }

AlertState parse_state(const std::string& s) {
  if (s == "pending") return AlertState::pending;
  if (s == "firing") return AlertState::firing;
  if (s == "inactive") return AlertState::inactive;
  throw std::runtime_error("unknown alert state \"" + s + "\"");
}

json event_json(const AuditEvent& e) {
  json j = {{"time", e.time == SysTime{} ? std::string() : ts(e.time)},
            {"type", to_string(e.type)},
            {"operation", e.operation},
            {"path", e.path},
            {"mount_point", e.mount_point},
            {"mount_type", e.mount_type},
            {"namespace", audit_event_field(e, "namespace")},
            {"namespace_id", e.namespace_id},
            {"remote_address", e.remote_address},
            {"request_id", e.request_id},
            {"display_name", e.display_name},
            {"entity_id", e.entity_id},
            {"policies", e.policies},
            {"token_type", e.token_type},
            {"error", e.error}};
  return j;
}

AuditEvent event_from(const json& j) {
  AuditEvent e;
  auto s = [&](const char* k) { return j.value(k, std::string()); };
  if (auto t = s("time"); !t.empty()) e.time = parse_ts(j["time"]);
  e.type = s("type") == "response" ? AuditEvent::Type::response : AuditEvent::Type::request;
  e.operation = s("operation");
  e.path = s("path");
  e.mount_point = s("mount_point");
  e.mount_type = s("mount_type");
  e.namespace_id = s("namespace_id");
  e.namespace_path = s("namespace") == "root" ? std::string() : s("namespace");
  e.remote_address = s("remote_address");
  e.request_id = s("request_id");
  e.display_name = s("display_name");
  e.entity_id = s("entity_id");
  e.has_auth = !e.display_name.empty() || !e.entity_id.empty();
  if (j.contains("policies")) e.policies = j["policies"].get<std::vector<std::string>>();
  e.token_type = s("token_type");
  e.error = s("error");
  return e;
}

json number(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

}  // namespace

std::string encode_state(const EngineState& s) {
  json alerts = json::array();
  for (const auto& a : s.alerts) {
    json j = {{"alertname", a.alertname},
              {"labels", a.labels},
              {"annotations", a.annotations},
              {"state", state_name(a.state)},
              {"active_at", ts(a.active_at)},
              {"fired_at", ts(a.fired_at)},
              {"resolved_at", ts(a.resolved_at)},
              {"value", number(a.value)},
              {"firing_sent", a.firing_sent},
              {"change_pending", a.change_pending}};
    if (a.keep_firing_since) j["keep_firing_since"] = ts(*a.keep_firing_since);
    if (a.last_sent_at) j["last_sent_at"] = ts(*a.last_sent_at);
    if (a.last_event) j["last_event"] = event_json(*a.last_event);
    alerts.push_back(std::move(j));
  }
  json groups = json::array();
  for (const auto& g : s.groups) {
    json recent = json::array();
    for (auto t : g.window.recent) recent.push_back(ts(t));
    json buckets = json::array();
    for (const auto& [b, n] : g.window.buckets) buckets.push_back({b, n});
    json j = {{"alertname", g.alertname},
              {"key", g.key},
              {"recent", std::move(recent)},
              {"buckets", std::move(buckets)},
              {"count_since_active", g.count_since_active}};
    if (g.last_event) j["last_event"] = event_json(*g.last_event);
    groups.push_back(std::move(j));
  }
  json root = {{"version", state_format_version},
               {"saved_at", ts(s.saved_at)},
               {"last_version", s.last_version},
               {"last_leader", s.last_leader},
               {"alerts", std::move(alerts)},
               {"groups", std::move(groups)}};
  return root.dump(1) + "\n";
}

result<EngineState> decode_state(std::string_view text) {
  auto root = json::parse(text, nullptr, false);
  if (root.is_discarded() || !root.is_object()) return make_error("alert state is not a JSON object");
  if (root.value("version", 0) != state_format_version)
    return make_error("alert state has an unknown format version");
  // nlohmann's typed accessors throw on a wrong type; a damaged file is data, not a crash.
  try {
    EngineState s;
    s.saved_at = parse_ts(root.at("saved_at"));
    s.last_version = root.value("last_version", std::string());
    s.last_leader = root.value("last_leader", std::string());
    for (const auto& j : root.at("alerts")) {
      Alert a;
      a.alertname = j.at("alertname").get<std::string>();
      a.labels = j.at("labels").get<Labels>();
      a.annotations = j.at("annotations").get<Labels>();
      a.state = parse_state(j.at("state").get<std::string>());
      a.active_at = parse_ts(j.at("active_at"));
      a.fired_at = parse_ts(j.at("fired_at"));
      a.resolved_at = parse_ts(j.at("resolved_at"));
      a.value = j.at("value").is_number() ? j["value"].get<double>() : 0.0;
      a.firing_sent = j.at("firing_sent").get<bool>();
      a.change_pending = j.at("change_pending").get<bool>();
      if (j.contains("keep_firing_since")) a.keep_firing_since = parse_ts(j["keep_firing_since"]);
      if (j.contains("last_sent_at")) a.last_sent_at = parse_ts(j["last_sent_at"]);
      if (j.contains("last_event")) a.last_event = event_from(j["last_event"]);
      if (a.labels.empty()) throw std::runtime_error("an alert without labels");
      s.alerts.push_back(std::move(a));
    }
    for (const auto& j : root.at("groups")) {
      EngineState::Group g;
      g.alertname = j.at("alertname").get<std::string>();
      g.key = j.at("key").get<Labels>();
      for (const auto& t : j.at("recent")) g.window.recent.push_back(parse_ts(t));
      for (const auto& b : j.at("buckets"))
        g.window.buckets.emplace_back(require_integer<std::int64_t>(b, 0), require_integer<std::uint64_t>(b, 1));
      g.count_since_active = require_integer<std::uint64_t>(j, "count_since_active");
      if (j.contains("last_event")) g.last_event = event_from(j["last_event"]);
      s.groups.push_back(std::move(g));
    }
    return s;
  } catch (const std::exception& e) {
    return make_error(std::string("alert state is malformed: ") + e.what());
  }
}

std::string alerts_api_json(const Engine& engine) {
  json alerts = json::array();
  for (const auto& [labels, a] : engine.alerts()) {
    if (a.state == AlertState::inactive) continue;
    // Unlike Prometheus (a string, strconv.FormatFloat(v, 'e', -1, 64): "5.03e+02"), a JSON number (issue 17: "2.1e+01" was not for humans): whole numbers as integers; NaN
    // and the infinities, which JSON cannot carry as numbers, as Prometheus spells them.
    json value;
    if (std::isnan(a.value)) value = "NaN";
    else if (std::isinf(a.value)) value = a.value > 0 ? "+Inf" : "-Inf";
    else if (std::trunc(a.value) == a.value && std::fabs(a.value) < 1e15) value = static_cast<std::int64_t>(a.value);
    else value = a.value;
    json j = {{"labels", a.labels},
              {"annotations", a.annotations},
              {"state", to_string(a.state)},
              {"activeAt", ts(a.active_at)},
              {"value", value}};
    if (a.state == AlertState::firing) j["firedAt"] = ts(a.fired_at);
    if (a.keep_firing_since) j["keepFiringSince"] = ts(*a.keep_firing_since);
    if (a.last_event) j["lastEvent"] = event_json(*a.last_event);
    alerts.push_back(std::move(j));
  }
  json root = {{"status", "success"}, {"data", {{"alerts", std::move(alerts)}}}};
  return root.dump() + "\n";
}

result<void> write_file_atomic(const std::string& path, std::string_view content) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return make_error("cannot create " + dir.string() + ": " + ec.message());
  const std::string tmp = path + ".tmp";
  auto fail = [&](const std::string& what) {
    std::string msg = what + " " + tmp + ": " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return make_error(std::move(msg));
  };
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return fail("cannot create");
  std::size_t off = 0;
  while (off < content.size()) {
    ssize_t n = ::write(fd, content.data() + off, content.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      return fail("cannot write");
    }
    off += static_cast<std::size_t>(n);
  }
  // fsync before rename: otherwise a crash can leave the new name pointing at an empty file.
  if (::fsync(fd) != 0) {
    ::close(fd);
    return fail("cannot fsync");
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return fail("cannot rename");
  // And the directory, so the rename itself is durable.
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return {};
}

}  // namespace vw::rules
