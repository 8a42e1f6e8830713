#include "daemon/status_view.hpp"

#include "core/version.hpp"

namespace vw::daemon {

void EntryRate::start() {
  // One sample every 5 s (CounterRate's default pace); the first at start, when the counter is 0.
  rate_.sample(std::chrono::system_clock::now(), total_());
  timer_.expires_after(std::chrono::seconds(5));
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) start();
  });
}

double EntryRate::per_second(Duration window) const {
  return rate_.rate(std::chrono::system_clock::now(), total_(), window).per_second;
}

namespace {

web::VaultStatus vault_status(const StatusSources& in) {
  web::VaultStatus v;
  v.address = in.vault_address;
  if (in.node_state) {
    const auto& ns = *in.node_state;
    if (const auto& h = ns.last_health()) {
      v.state = to_string(h->state());
      if (h->body) v.version = h->body->version;
    }
    v.cluster_name = ns.cluster_name();
    v.clock_skew_seconds = ns.clock_skew_seconds();
    if (const auto& l = ns.last_leader(); l && l->body) {
      v.is_leader = l->body->is_self;
      v.leader_address = l->body->leader_address;
    }
  }
  if (in.metrics)
    for (const auto& [endpoint, rec] : in.metrics->poll.records) v.polls.push_back(rec);
  return v;
}

web::AuditStatus audit_status(const audit::AuditPipeline& audit, const audit::AuditMetrics& m,
                              const StatusSources& in) {
  const auto st = audit.status();
  web::AuditStatus a;
  a.enabled = true;
  a.path = st.path;
  a.device = st.device;
  a.inode = st.inode;
  a.offset = st.offset;
  a.size = st.size;
  a.lag_bytes = st.lag;
  a.state = st.open ? "following" : "waiting for the file to appear";
  if (st.rotated_open > 0) a.state += " (+" + std::to_string(st.rotated_open) + " rotated file(s) still open)";
  a.lines_total = static_cast<std::uint64_t>(m.lines.Value());
  a.entries_total = static_cast<std::uint64_t>(m.entries.sum());
  a.decode_errors_total = static_cast<std::uint64_t>(m.decode_errors.sum());
  a.rotations_total = static_cast<std::uint64_t>(m.rotations.sum());
  if (const double last = m.last_entry.max(); last > 0) a.last_entry_time = from_unix_seconds(last);
  a.entries_per_second_1m = in.audit_entries_per_second_1m;
  a.entries_per_second_5m = in.audit_entries_per_second_5m;
  return a;
}

}  // namespace

web::StatusSnapshot status_snapshot(const StatusSources& in) {
  web::StatusSnapshot s;
  s.version = vw::version;
  s.revision = vw::revision;
  s.config_path = in.config_path;
  s.started = in.started;
  s.last_reload = in.last_reload;
  s.last_reload_ok = in.last_reload_error.empty();
  s.last_reload_error = in.last_reload_error;
  s.ready = in.ready;
  s.vault = vault_status(in);
  if (in.audit && in.metrics)
    s.audit = audit_status(*in.audit, in.metrics->audit, in);
  if (in.notifier) s.receivers = in.notifier->status();
  s.alerts = alert_views(in.rules);
  s.rotation = rotation_view(in.rotation);
  s.behaviour = detector_views(in.rules, std::chrono::system_clock::now());
  return s;
}

std::string status_line(const std::string& vault_address, bool polled, vault::NodeState state,
                        const http::Server* server, bool tls) {
  std::string s = "vault " + vault_address + ": " + (polled ? to_string(state) : "first poll pending");
  if (server)
    s += "; serving " + std::string(tls ? "https" : "http") + " on port " +
         std::to_string(server->local_endpoint().port());
  return s;
}

std::vector<web::DetectorStatus> detector_views(const rules::RuleManager* rules, SysTime now) {
  std::vector<web::DetectorStatus> out;
  if (!rules) return out;
  for (const auto& [name, st] : rules->engine().learnt_stats(now))
    out.push_back(web::DetectorStatus{name, st.values, st.evicted, st.learning});
  return out;
}

std::vector<web::AlertView> alert_views(const rules::RuleManager* rules) {
  std::vector<web::AlertView> out;
  if (!rules) return out;
  for (const rules::Alert* a : rules->active_alerts()) {
    web::AlertView v;
    v.labels = a->labels;
    v.annotations = a->annotations;
    v.state = to_string(a->state);
    v.active_at = a->active_at;
    v.value = a->value;
    if (a->last_event)
      for (const auto& field : {"time", "type", "operation", "path", "display_name", "entity_id", "policies",
                                "remote_address", "namespace", "error"})
        v.last_event[field] = rules::audit_event_field(*a->last_event, field);
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace vw::daemon
