#include "web/status.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

#include "core/duration.hpp"
#include "core/error_text.hpp"

namespace vw::web {

using ojson = nlohmann::ordered_json;

namespace {

ojson time_or_null(const std::optional<SysTime>& t) {
  return t ? ojson(format_rfc3339_ms(*t)) : ojson(nullptr);
}

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string ago(const std::optional<SysTime>& t, SysTime now) {
  if (!t) return "never";
  auto d = std::chrono::duration_cast<std::chrono::milliseconds>(now - *t);
  if (d < std::chrono::milliseconds(0)) d = std::chrono::milliseconds(0);
  // Whole seconds are enough for people.
  return format_duration(std::chrono::duration_cast<std::chrono::seconds>(d)) + " ago";
}

// Severity for the node state badge.
const char* state_class(const std::string& state) {
  if (state == "active") return "ok";
  if (state == "standby" || state == "performance_standby" || state == "dr_secondary") return "info";
  if (state == "unknown") return "muted";
  return "bad";
}

// "1234", "16.7", "0.017", "0": per-second rates for people (two significant digits when small:
// one entry a minute is 0.017/s, not "0.0").
std::string rate_text(double per_second) {
  if (per_second <= 0) return "0";
  char buf[32];
  std::snprintf(buf, sizeof buf, per_second >= 100 ? "%.0f" : per_second >= 0.1 ? "%.1f" : "%.2g", per_second);
  return buf;
}

std::string bytes(std::uint64_t b) {
  char buf[32];
  if (b >= (1ULL << 30)) std::snprintf(buf, sizeof buf, "%.1f GiB", double(b) / double(1ULL << 30));
  else if (b >= (1ULL << 20)) std::snprintf(buf, sizeof buf, "%.1f MiB", double(b) / double(1ULL << 20));
  else if (b >= 1024) std::snprintf(buf, sizeof buf, "%.1f KiB", double(b) / 1024.0);
  else std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(b));
  return buf;
}

}  // namespace

std::string render_status_json(const StatusSnapshot& s, SysTime now) {
  ojson j;
  j["version"] = s.version;
  j["revision"] = s.revision;
  j["time"] = format_rfc3339_ms(now);
  j["started"] = format_rfc3339_ms(s.started);
  j["ready"] = s.ready;
  j["config"] = {{"path", s.config_path.empty() ? ojson(nullptr) : ojson(s.config_path)},
                 {"lastReload", time_or_null(s.last_reload)},
                 {"lastReloadSuccessful", s.last_reload_ok},
                 {"lastReloadError", s.last_reload_error.empty() ? ojson(nullptr) : ojson(s.last_reload_error)}};
  ojson polls = ojson::object();
  for (const auto& p : s.vault.polls) {
    polls[p.endpoint] = {{"lastAttempt", time_or_null(p.last_attempt)},
                         {"lastSuccess", time_or_null(p.last_success)},
                         {"httpStatus", p.http_status},
                         {"ok", p.error.empty() && p.last_attempt.has_value()},
                         {"error", p.error.empty() ? ojson(nullptr) : ojson(p.error)},
                         {"errorReason", p.error_reason.empty() ? ojson(nullptr) : ojson(p.error_reason)}};
  }
  j["vault"] = {{"address", s.vault.address},
                {"state", s.vault.state},
                {"version", s.vault.version},
                {"clusterName", s.vault.cluster_name},
                {"isLeader", s.vault.is_leader ? ojson(*s.vault.is_leader) : ojson(nullptr)},
                {"leaderAddress", s.vault.leader_address},
                {"clockSkewSeconds", s.vault.clock_skew_seconds ? ojson(*s.vault.clock_skew_seconds) : ojson(nullptr)},
                {"polls", polls}};
  const auto& a = s.audit;
  if (a.enabled) {
    j["audit"] = {{"enabled", true},
                  {"path", a.path},
                  {"state", a.state},
                  {"device", a.device},
                  {"inode", a.inode},
                  {"offset", a.offset},
                  {"size", a.size},
                  {"lagBytes", a.lag_bytes},
                  {"linesTotal", a.lines_total},
                  {"entriesTotal", a.entries_total},
                  {"decodeErrorsTotal", a.decode_errors_total},
                  {"rotationsTotal", a.rotations_total},
                  {"entriesPerSecond1m", a.entries_per_second_1m},
                  {"entriesPerSecond5m", a.entries_per_second_5m},
                  {"lastEntryTime", time_or_null(a.last_entry_time)}};
  } else {
    j["audit"] = {{"enabled", false}};
  }
  ojson receivers = ojson::array();
  for (const auto& r : s.receivers) {
    receivers.push_back({{"name", r.receiver},
                         {"kind", r.kind},
                         {"url", r.endpoint},
                         {"queueLength", r.queue_length},
                         {"queueCapacity", r.queue_capacity},
                         {"sent", r.sent},
                         {"failed", r.failed},
                         {"dropped", r.dropped},
                         {"lastAttempt", time_or_null(r.last_attempt)},
                         {"lastSuccess", time_or_null(r.last_success)},
                         {"lastError", r.current_error().empty() ? ojson(nullptr) : ojson(r.current_error())},
                         {"spooled", r.spooled}});
  }
  j["notifier"] = {{"receivers", receivers}};
  std::size_t firing = 0, pending = 0;
  for (const auto& al : s.alerts) (al.state == "firing" ? firing : pending)++;
  j["alerts"] = {{"firing", firing}, {"pending", pending}};
  ojson detectors = ojson::array();
  for (const auto& d : s.behaviour)
    detectors.push_back(
        {{"rule", d.rule}, {"values", d.values}, {"evicted", d.evicted}, {"learning", d.learning}});
  j["behaviour"] = {{"detectors", detectors}};
  // The envelope of every JSON answer (web/routes.hpp), compact like Prometheus' API.
  return ojson{{"status", "success"}, {"data", std::move(j)}}.dump() + "\n";
}

std::string render_status_html(const StatusSnapshot& s, SysTime now) {
  const auto& v = s.vault;
  std::string h;
  h.reserve(16 * 1024);
  h += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
       "<meta http-equiv=\"refresh\" content=\"10\">\n<title>vaultwatch: ";
  h += html_escape(v.state);
  h += " - " + html_escape(v.address) + "</title>\n<style>\n"
       "body{font-family:system-ui,sans-serif;margin:1rem auto;max-width:60rem;padding:0 .8rem;color:#222}\n"
       "h1{font-size:1.3rem}h2{font-size:1.1rem;margin-top:1.6rem;border-bottom:1px solid #ddd}\n"
       "table{border-collapse:collapse;width:100%;font-size:.9rem}td,th{text-align:left;padding:.25rem .4rem;"
       "border-bottom:1px solid #eee;vertical-align:top;word-break:break-word}\n"
       ".badge{display:inline-block;padding:.1rem .5rem;border-radius:.3rem;font-weight:bold;white-space:nowrap}th{white-space:nowrap}\n"
       // Names (alerts, endpoints, receivers) are read as one word: never broken inside. Long
       // paths and error texts elsewhere may still wrap anywhere (word-break above).
       "td.name{white-space:nowrap;word-break:normal}\n"
       ".ok{background:#d4edda;color:#155724}.info{background:#d1ecf1;color:#0c5460}"
       ".bad{background:#f8d7da;color:#721c24}.warn{background:#fff3cd;color:#856404}.muted{background:#eee;color:#555}\n"
       "code{font-size:.85rem}footer{margin-top:2rem;font-size:.8rem;color:#666}\n"
       "</style></head><body>\n";
  h += "<h1>vaultwatch &mdash; Vault node <code>" + html_escape(v.address) + "</code></h1>\n";
  h += "<p>State: <span class=\"badge " + std::string(state_class(v.state)) + "\">" + html_escape(v.state) +
       "</span>";
  if (!v.version.empty()) h += " &middot; version <code>" + html_escape(v.version) + "</code>";
  if (!v.cluster_name.empty()) h += " &middot; cluster <code>" + html_escape(v.cluster_name) + "</code>";
  if (v.is_leader) h += *v.is_leader ? " &middot; <strong>leader</strong>" : " &middot; not the leader";
  if (!v.leader_address.empty()) h += " (leader <code>" + html_escape(v.leader_address) + "</code>)";
  h += "</p>\n";

  // Alerts first: during an incident they are what matters.
  std::size_t firing = 0;
  for (const auto& a : s.alerts) firing += a.state == "firing";
  h += "<h2>Alerts (" + std::to_string(firing) + " firing, " + std::to_string(s.alerts.size() - firing) +
       " pending)</h2>\n";
  if (s.alerts.empty()) {
    h += "<p>No active alerts.</p>\n";
  } else {
    h += "<table><tr><th>alert</th><th>state</th><th>since</th><th>details</th></tr>\n";
    for (const auto& a : s.alerts) {
      auto name = a.labels.count("alertname") ? a.labels.at("alertname") : "?";
      auto sev = a.labels.count("severity") ? a.labels.at("severity") : "";
      h += "<tr><td class=\"name\"><strong>" + html_escape(name) + "</strong>";
      if (!sev.empty()) h += "<br><small>" + html_escape(sev) + "</small>";
      h += "</td><td><span class=\"badge " + std::string(a.state == "firing" ? "bad" : "warn") + "\">" +
           html_escape(a.state) + "</span></td><td>" + html_escape(ago(a.active_at, now)) + "</td><td>";
      if (a.annotations.count("summary")) h += html_escape(a.annotations.at("summary")) + "<br>";
      if (a.annotations.count("description"))
        h += "<small>" + html_escape(a.annotations.at("description")) + "</small><br>";
      if (!a.last_event.empty()) {
        h += "<small>last event:";
        for (const auto& [k, val] : a.last_event)
          if (!val.empty())
            h += " " + html_escape(k) + "=<code>" + html_escape(k == "error" ? readable_error(val) : val) + "</code>";
        h += "</small><br>";
      }
      if (a.annotations.count("runbook_url"))
        h += "<a href=\"" + html_escape(a.annotations.at("runbook_url")) + "\">runbook</a>";
      h += "</td></tr>\n";
    }
    h += "</table>\n";
  }

  h += "<h2>Vault polls</h2>\n<table><tr><th>endpoint</th><th>last poll</th><th>result</th></tr>\n";
  for (const auto& p : v.polls) {
    h += "<tr><td class=\"name\">" + html_escape(p.endpoint) + "</td><td>" + html_escape(ago(p.last_attempt, now)) +
         "</td><td>";
    if (!p.last_attempt) h += "<span class=\"badge muted\">not yet</span>";
    else if (p.error.empty()) h += "<span class=\"badge ok\">ok</span> HTTP " + std::to_string(p.http_status);
    else h += "<span class=\"badge bad\">" + html_escape(p.error_reason) + "</span> " + html_escape(readable_error(p.error));
    h += "</td></tr>\n";
  }
  h += "</table>\n";

  h += "<h2>Audit log</h2>\n";
  if (!s.audit.enabled) {
    h += "<p>Audit tailing is disabled.</p>\n";
  } else {
    const auto& a = s.audit;
    h += "<table>";
    h += "<tr><th>file</th><td><code>" + html_escape(a.path) + "</code> (inode " + std::to_string(a.inode) +
         ")</td></tr>";
    h += "<tr><th>state</th><td>" + html_escape(a.state) + "</td></tr>";
    // Over real windows (core/counter_rate.hpp); while the daemon is younger than a window the
    // entries before its start are unknown, and the page says so.
    const auto up = std::chrono::duration_cast<std::chrono::seconds>(now - s.started);
    h += "<tr><th>rate</th><td>" + rate_text(a.entries_per_second_1m) + " entries/s over 1m &middot; " +
         rate_text(a.entries_per_second_5m) + " entries/s over 5m";
    if (up < std::chrono::minutes(5))
      h += " <small>(up " + format_duration(std::max(up, std::chrono::seconds(0))) + ": the windows are not full yet)</small>";
    h += "</td></tr>";
    h += "<tr><th>tail lag</th><td>" + bytes(a.lag_bytes) + " (offset " + bytes(a.offset) + " of " +
         bytes(a.size) + ")</td></tr>";
    h += "<tr><th>entries</th><td>" + std::to_string(a.entries_total) + " (" + std::to_string(a.decode_errors_total) +
         " undecodable lines, " + std::to_string(a.rotations_total) + " rotations)</td></tr>";
    h += "<tr><th>newest entry</th><td>" +
         (a.last_entry_time ? html_escape(format_rfc3339_ms(*a.last_entry_time)) : std::string("none yet")) +
         "</td></tr>";
    h += "</table>\n";
  }

  if (s.rotation.enabled) {
    const auto& r = s.rotation;
    h += "<h2>Secret rotation</h2>\n";
    if (r.secrets.empty()) {
      h += "<p>No write or read of a tracked secret seen yet.</p>\n";
    } else {
      h += "<table><tr><th>secret</th><th>version</th><th>consumers</th><th>not on the current version</th></tr>\n";
      for (const auto& sec : r.secrets) {
        h += "<tr><td><code>" + html_escape(sec.path) + "</code></td><td>" + std::to_string(sec.version);
        if (sec.deleted) h += " <span class=\"badge muted\">deleted</span>";
        if (sec.written_at) {
          h += "<br><small>written " + html_escape(ago(*sec.written_at, now));
          if (!sec.writer.empty()) h += " by " + html_escape(sec.writer);
          h += "</small>";
        }
        h += "</td><td>";
        if (sec.stale) h += "<span class=\"badge bad\">" + std::to_string(sec.stale) + " stale</span> ";
        if (sec.pending) h += "<span class=\"badge warn\">" + std::to_string(sec.pending) + " pending</span> ";
        h += "<span class=\"badge ok\">" + std::to_string(sec.current) + " current</span></td><td>";
        for (const auto& c : sec.consumers) {
          h += "<span class=\"badge " + std::string(c.state == rotation::State::stale ? "bad" : "warn") + "\">" +
               rotation::to_string(c.state) +
               "</span> " + html_escape(c.identity) + " <small>read version " + std::to_string(c.last_version) + " " +
               html_escape(ago(c.last_read, now));
          if (!c.remote_address.empty()) h += " from <code>" + html_escape(c.remote_address) + "</code>";
          if (c.deadline) h += ", due " + html_escape(format_rfc3339_ms(*c.deadline));
          h += "</small><br>";
        }
        const std::size_t behind = sec.stale + sec.pending;
        if (behind > sec.consumers.size())
          h += "<small>and " + std::to_string(behind - sec.consumers.size()) + " more</small>";
        h += "</td></tr>\n";
      }
      h += "</table>\n";
    }
    h += "<p><small>" + std::to_string(r.secrets_total) + " secrets, " + std::to_string(r.pairs) +
         " (secret, consumer) pairs tracked";
    if (r.secrets_total > r.secrets.size()) h += "; the first " + std::to_string(r.secrets.size()) + " shown";
    h += " &middot; every consumer: <a href=\"/api/v1/rotation\">/api/v1/rotation</a></small></p>\n";
  }

  h += "<h2>Behaviour</h2>\n";
  if (s.behaviour.empty()) {
    h += "<p>No behavioural rules (new_value, baseline_rate) in force.</p>\n";
  } else {
    h += "<table><tr><th>rule</th><th>state</th><th>learnt values</th><th>evicted</th></tr>\n";
    for (const auto& d : s.behaviour) {
      h += "<tr><td class=\"name\">" + html_escape(d.rule) + "</td><td>" +
           (d.learning ? "<span class=\"badge info\">learning</span>"
                       : "<span class=\"badge ok\">detecting</span>") +
           "</td><td>" + std::to_string(d.values) + "</td><td>" + std::to_string(d.evicted) +
           "</td></tr>\n";
    }
    h += "</table>\n";
  }

  h += "<h2>Notifications</h2>\n";
  if (s.receivers.empty()) {
    h += "<p>No Alertmanager or webhook configured.</p>\n";
  } else {
    h += "<table><tr><th>receiver</th><th>queue</th><th>sent / failed / dropped</th><th>last success</th>"
         "<th>last error</th></tr>\n";
    for (const auto& r : s.receivers) {
      h += "<tr><td class=\"name\">" + html_escape(r.receiver) + "<br><small>" + html_escape(r.kind) + " " + html_escape(r.endpoint) +
           "</small></td><td>" + std::to_string(r.queue_length) + " / " + std::to_string(r.queue_capacity) +
           "</td><td>" + std::to_string(r.sent) + " / " + std::to_string(r.failed) + " / " +
           std::to_string(r.dropped) + "</td><td>" + html_escape(ago(r.last_success, now)) + "</td><td>" +
           html_escape(readable_error(r.current_error())) + "</td></tr>\n";
    }
    h += "</table>\n";
  }

  h += "<footer><a href=\"" + html_escape(s.metrics_path) + "\">" + html_escape(s.metrics_path) + "</a> &middot; "
       "<a href=\"/api/v1/alerts\">/api/v1/alerts</a> &middot; "
       "<a href=\"/api/v1/status\">/api/v1/status</a> &middot; <a href=\"/healthz\">/healthz</a> &middot; "
       "<a href=\"/readyz\">/readyz</a><br>vaultwatch " +
       html_escape(s.version) + " (" + html_escape(s.revision) + ") &middot; config " +
       html_escape(s.config_path.empty() ? "built-in defaults" : s.config_path) + " &middot; up since " +
       html_escape(format_rfc3339_ms(s.started));
  if (!s.last_reload_ok) h += " &middot; <span class=\"badge bad\">last reload failed</span>";
  h += " &middot; page generated " + html_escape(format_rfc3339_ms(now)) + "</footer>\n</body></html>\n";
  return h;
}

}  // namespace vw::web
