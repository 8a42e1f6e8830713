#include "config/load.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "config/yaml_reader.hpp"
#include "core/glob.hpp"
#include "core/schedule.hpp"
#include "core/url.hpp"

namespace vw::config {

std::vector<std::string> default_metrics_keep() {
  return {"vault_core_unsealed",       "vault_core_active",
          "vault_core_performance_standby", "vault_token_count.*",
          "vault_secret_kv_count",     "vault_runtime_.*",
          "vault_expire_num_leases",   "vault_audit_log_.*",
          "vault_core_handle_request", "vault_core_handle_login_request",
          "vault_barrier_.*",          "vault_raft_.*",
          "vault_autopilot_.*",        "vault_identity_.*",
          "vault_core_leadership_.*",  "vault_route_.*",
          "vault_policy_.*"};
}

namespace {

// The VAULT_* variables the Vault CLI reads, applied where the YAML does not set the key.
void apply_vault_env(VaultConfig& v, const EnvLookup& env, Context& ctx) {
  auto get = [&](const char* name) { return env(name).value_or(""); };
  if (auto a = get("VAULT_ADDR"); !a.empty()) v.address = a;
  v.tls.ca_file = get("VAULT_CACERT");
  v.tls.cert_file = get("VAULT_CLIENT_CERT");
  v.tls.key_file = get("VAULT_CLIENT_KEY");
  v.tls.server_name = get("VAULT_TLS_SERVER_NAME");
  v.namespace_ = get("VAULT_NAMESPACE");
  if (auto s = get("VAULT_SKIP_VERIFY"); !s.empty()) {
    // The Vault CLI parses this with strconv.ParseBool.
    if (s == "1" || s == "t" || s == "T" || s == "true" || s == "TRUE" || s == "True")
      v.tls.insecure_skip_verify = true;
    else if (s == "0" || s == "f" || s == "F" || s == "false" || s == "FALSE" || s == "False")
      v.tls.insecure_skip_verify = false;
    else
      ctx.error(YAML::Mark::null_mark(), "$VAULT_SKIP_VERIFY", "must be true or false, got \"" + s + "\"");
  }
}

void positive(Context& ctx, MapReader& r, std::string_view key, Duration d) {
  if (d <= Duration::zero()) ctx.error(r.node(key), r.path_of(key), "must be greater than 0");
}

void read_vault(MapReader& r, VaultConfig& v) {
  auto& ctx = r.ctx();
  r.str("address", v.address);
  r.map("tls", [&](MapReader& t) {
    t.str("ca_file", v.tls.ca_file);
    t.str("cert_file", v.tls.cert_file);
    t.str("key_file", v.tls.key_file);
    t.str("server_name", v.tls.server_name);
    t.boolean("insecure_skip_verify", v.tls.insecure_skip_verify);
  });
  r.str("token_file", v.token_file);
  r.str("namespace", v.namespace_);
  if (r.duration("timeout", v.timeout)) positive(ctx, r, "timeout", v.timeout);
  if (r.duration("health_interval", v.health_interval))
    positive(ctx, r, "health_interval", v.health_interval);
  if (r.duration("leader_interval", v.leader_interval))
    positive(ctx, r, "leader_interval", v.leader_interval);
  r.duration("metrics_interval", v.metrics_interval);
  if (r.str_list("metrics_keep", v.metrics_keep)) {
    auto n = r.node("metrics_keep");
    for (std::size_t i = 0; i < v.metrics_keep.size(); ++i) {
      try {
        std::regex re(v.metrics_keep[i], std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        ctx.error(n.IsSequence() ? n[i] : n, r.path_of("metrics_keep") + "[" + std::to_string(i) + "]",
                  "bad regex \"" + v.metrics_keep[i] + "\": " + e.what());
      }
    }
  }
  r.duration("token_check_interval", v.token_check_interval);
  r.list("secrets", [&](const YAML::Node& n, const std::string& p) {
    MapReader s(ctx, n, p);
    WatchedSecret w;
    if (!s.str("path", w.path)) ctx.error(n, p + ".path", "is required");
    else if (w.path.find('/') == std::string::npos || w.path.front() == '/')
      ctx.error(s.node("path"), p + ".path", "must be <mount>/<secret path>, e.g. secret/app/db");
    if (!s.duration("max_age", w.max_age)) ctx.error(n, p + ".max_age", "is required");
    else if (w.max_age <= Duration::zero()) ctx.error(s.node("max_age"), p + ".max_age", "must be greater than 0");
    // The path is the series' identity (vaultwatch_secret_*{path}): a repeat would export the
    // same series twice.
    for (const auto& earlier : v.secrets)
      if (!w.path.empty() && earlier.path == w.path)
        ctx.error(s.node("path"), p + ".path", "is listed twice: \"" + w.path + "\"");
    v.secrets.push_back(std::move(w));
  });
  if (r.duration("secrets_interval", v.secrets_interval))
    positive(ctx, r, "secrets_interval", v.secrets_interval);
  if (auto u = parse_url(v.address); !u)
    ctx.error(r.node("address"), r.path_of("address"), u.error().message);
}

void read_audit(MapReader& r, AuditConfig& a) {
  auto& ctx = r.ctx();
  if (r.str("path", a.path)) a.path_explicit = true;
  r.str("prefix", a.prefix);
  std::string start;
  if (r.str("start_at", start)) {
    if (start == "end") a.start_at = AuditConfig::StartAt::end;
    else if (start == "beginning") a.start_at = AuditConfig::StartAt::beginning;
    else ctx.error(r.node("start_at"), r.path_of("start_at"), "must be end or beginning");
  }
  std::uint64_t max_line = a.max_line_bytes;
  if (r.size("max_line_bytes", max_line)) {
    if (max_line < 1024 || max_line > (1ULL << 30))
      ctx.error(r.node("max_line_bytes"), r.path_of("max_line_bytes"), "must be between 1KiB and 1GiB");
    else a.max_line_bytes = max_line;
  }
  r.map("ignore", [&](MapReader& i) {
    i.str_list("display_names", a.ignore_display_names);
    i.str_list("accessors", a.ignore_accessors);
  });
  r.count("mount_label_limit", a.mount_label_limit, 1, 10000);
  if (r.duration("disk_forecast_window", a.disk_forecast_window)) {
    if (a.disk_forecast_window < std::chrono::seconds(2) || a.disk_forecast_window > std::chrono::hours(7 * 24))
      ctx.error(r.node("disk_forecast_window"), r.path_of("disk_forecast_window"), "must be between 2s and 7d");
  }
  if (r.duration("reopen_grace", a.reopen_grace)) positive(ctx, r, "reopen_grace", a.reopen_grace);
  r.duration("alert_max_age", a.alert_max_age);
  r.list("watch", [&](const YAML::Node& n, const std::string& p) {
    MapReader w(ctx, n, p);
    AuditWatch aw;
    if (!w.str("name", aw.name) || aw.name.empty()) ctx.error(n, p + ".name", "is required");
    for (const auto& other : a.watch)
      if (!aw.name.empty() && other.name == aw.name)
        ctx.error(w.node("name"), p + ".name", "duplicate watch name \"" + aw.name + "\"");
    if (!w.str_list("paths", aw.paths) || aw.paths.empty())
      ctx.error(n, p + ".paths", "needs at least one path glob");
    for (std::size_t i = 0; i < aw.paths.size(); ++i)
      if (auto g = Glob::compile(aw.paths[i]); !g)
        ctx.error(w.node("paths"), p + ".paths[" + std::to_string(i) + "]", g.error().message);
    a.watch.push_back(std::move(aw));
  });
}

void read_rotation(MapReader& r, RotationConfig& c) {
  auto& ctx = r.ctx();
  if (r.str_list("secrets", c.secrets)) {
    auto n = r.node("secrets");
    for (std::size_t i = 0; i < c.secrets.size(); ++i) {
      const auto at = n.IsSequence() ? n[i] : n;
      const auto path = r.path_of("secrets") + "[" + std::to_string(i) + "]";
      const std::string& g = c.secrets[i];
      if (auto compiled = Glob::compile(g); !compiled) ctx.error(at, path, compiled.error().message);
      // The KV v2 API path (secret/app/db) never appears in the audit log: the data path does.
      else if (g.find("data/") == std::string::npos && !g.starts_with("*"))
        ctx.error(at, path, "must be a KV v2 data path as Vault logs it, e.g. secret/data/app/** (got \"" + g + "\")");
    }
  }
  if (r.duration("consumer_window", c.consumer_window)) positive(ctx, r, "consumer_window", c.consumer_window);
  if (r.duration("deadline", c.deadline)) positive(ctx, r, "deadline", c.deadline);
  if (r.str_list("consumer_key", c.consumer_key)) {
    auto n = r.node("consumer_key");
    if (c.consumer_key.empty()) ctx.error(n, r.path_of("consumer_key"), "needs at least one of entity_id, display_name, remote_address");
    for (std::size_t i = 0; i < c.consumer_key.size(); ++i) {
      const auto& k = c.consumer_key[i];
      if (k != "entity_id" && k != "display_name" && k != "remote_address")
        ctx.error(n.IsSequence() ? n[i] : n, r.path_of("consumer_key") + "[" + std::to_string(i) + "]",
                  "must be entity_id, display_name or remote_address, got \"" + k + "\"");
    }
  }
  r.count("max_tracked", c.max_tracked, 1, 10'000'000);
}

void read_receiver_tls(MapReader& t, TlsClientConfig& tls) {

  t.str("ca_file", tls.ca_file);
  t.str("cert_file", tls.cert_file);
  t.str("key_file", tls.key_file);
  t.str("server_name", tls.server_name);
  t.boolean("insecure_skip_verify", tls.insecure_skip_verify);
}

void check_url(Context& ctx, MapReader& r, const std::string& url, const std::string& p) {
  if (url.empty()) {
    ctx.error(r.self(), p + ".url", "is required");
    return;
  }
  if (auto u = parse_url(url); !u) ctx.error(r.node("url"), p + ".url", u.error().message);
}

void read_notify(MapReader& r, NotifyConfig& n) {
  auto& ctx = r.ctx();
  r.str_map("external_labels", n.external_labels);
  static const std::regex label_name("[A-Za-z_][A-Za-z0-9_]*");
  for (const auto& [k, v] : n.external_labels)
    if (!std::regex_match(k, label_name))
      ctx.error(r.node("external_labels"), r.path_of("external_labels") + "." + k,
                "not a valid label name");
  if (r.duration("resend_interval", n.resend_interval))
    positive(ctx, r, "resend_interval", n.resend_interval);
  r.list("alertmanagers", [&](const YAML::Node& node, const std::string& p) {
    MapReader a(ctx, node, p);
    AlertmanagerConfig am;
    a.str("url", am.url);
    check_url(ctx, a, am.url, p);
    if (a.duration("timeout", am.timeout)) positive(ctx, a, "timeout", am.timeout);
    a.map("tls", [&](MapReader& t) { read_receiver_tls(t, am.tls); });
    a.map("basic_auth", [&](MapReader& b) {
      b.str("username", am.basic_auth_username);
      b.str("password_file", am.basic_auth_password_file);
    });
    a.str("bearer_token_file", am.bearer_token_file);
    if (!am.bearer_token_file.empty() && !am.basic_auth_username.empty())
      ctx.error(node, p, "basic_auth and bearer_token_file are mutually exclusive");
    n.alertmanagers.push_back(std::move(am));
  });
  r.list("webhooks", [&](const YAML::Node& node, const std::string& p) {
    MapReader w(ctx, node, p);
    WebhookConfig wh;
    if (!w.str("name", wh.name) || wh.name.empty()) ctx.error(node, p + ".name", "is required");
    for (const auto& other : n.webhooks)
      if (!wh.name.empty() && other.name == wh.name)
        ctx.error(w.node("name"), p + ".name", "duplicate webhook name \"" + wh.name + "\"");
    w.str("url", wh.url);
    check_url(ctx, w, wh.url, p);
    w.boolean("send_resolved", wh.send_resolved);
    if (w.duration("timeout", wh.timeout)) positive(ctx, w, "timeout", wh.timeout);
    w.str_map("headers", wh.headers);
    w.str("hmac_secret_file", wh.hmac_secret_file);
    w.count("max_alerts", wh.max_alerts);
    n.webhooks.push_back(std::move(wh));
  });
  r.count("queue_capacity", n.queue_capacity, 1, 10'000'000);
  if (r.duration("max_retry_duration", n.max_retry_duration))
    positive(ctx, r, "max_retry_duration", n.max_retry_duration);
}

void read_server(MapReader& r, ServerConfig& s) {
  if (r.str("listen_address", s.listen_address)) {
    if (auto hp = split_listen_address(s.listen_address); !hp)
      r.ctx().error(r.node("listen_address"), r.path_of("listen_address"), hp.error().message);
  }
  r.str("web_config_file", s.web_config_file);
  if (r.str("telemetry_path", s.telemetry_path)) {
    if (auto why = telemetry_path_problem(s.telemetry_path); !why.empty())
      r.ctx().error(r.node("telemetry_path"), r.path_of("telemetry_path"), why);
  }
  r.count("max_connections", s.max_connections, 1, 100000);
}

void read_log(MapReader& r, LogConfig& l) {
  if (r.str("level", l.level) && l.level != "debug" && l.level != "info" && l.level != "warn" &&
      l.level != "error")
    r.ctx().error(r.node("level"), r.path_of("level"), "must be debug, info, warn or error");
  if (r.str("format", l.format) && l.format != "text" && l.format != "json")
    r.ctx().error(r.node("format"), r.path_of("format"), "must be text or json");
}


void read_behaviour(MapReader& r, BehaviourConfig& b) {
  if (r.str("working_hours", b.working_hours) && !b.working_hours.empty()) {
    auto s = WeeklySchedule::parse(b.working_hours);
    if (!s) r.ctx().error(r.node("working_hours"), r.path_of("working_hours"), s.error().message);
  }
}

void read_builtin_rules(MapReader& r, BuiltinRulesConfig& b) {
  r.boolean("enabled", b.enabled);
  r.str_list("disable", b.disable);
}

LoadResult load_node(const YAML::Node& root, const std::string& file, const EnvLookup& env,
                     const ExtraReader& extra) {
  LoadResult out;
  out.config.source = file;
  Context ctx(file, out.diagnostics, env);
  apply_vault_env(out.config.vault, env, ctx);
  out.config.vault.metrics_keep = default_metrics_keep();
  {
    MapReader top(ctx, root, "");
    auto& c = out.config;
    top.map("vault", [&](MapReader& r) { read_vault(r, c.vault); });
    top.map("audit", [&](MapReader& r) { read_audit(r, c.audit); });
    top.map("rotation", [&](MapReader& r) { read_rotation(r, c.rotation); });
    top.str_list("rules_files", c.rules_files);
    top.map("notify", [&](MapReader& r) { read_notify(r, c.notify); });
    top.map("server", [&](MapReader& r) { read_server(r, c.server); });
    top.str("state_dir", c.state_dir);
    top.map("log", [&](MapReader& r) { read_log(r, c.log); });
    top.map("builtin_rules", [&](MapReader& r) { read_builtin_rules(r, c.builtin_rules); });
    top.map("behaviour", [&](MapReader& r) { read_behaviour(r, c.behaviour); });
    // Rules last (vw::rules_config): their templates are checked against notify.external_labels.
    // Without a reader for them the key is accepted unread.
    if (extra) extra(top, file, c);
    else top.present("rules");
  }
  return out;
}

}  // namespace

std::string telemetry_path_problem(std::string_view path) {
  if (!path.starts_with('/')) return "must be a path starting with /";
  if (path.find_first_of("?# \t") != std::string_view::npos) return "must be a plain path (no query, fragment or space)";
  for (std::string_view own : {"/", "/healthz", "/readyz", "/-/reload"})
    if (path == own) return "is already the daemon's " + std::string(own) + " endpoint";
  if (path.starts_with("/api/") || path.starts_with("/-/")) return "must not be under /api/ or /-/ (the daemon's own endpoints)";
  return "";
}

std::string describe(const RuleSet& s) {
  std::string out = s.source + ": ";
  if (!s.enabled) return out + "off (builtin_rules.enabled: false)";
  out += std::to_string(s.rules) + (s.rules == 1 ? " rule" : " rules");
  auto join = [](const std::vector<std::string>& v, const char* sep) {
    std::string j;
    for (const auto& x : v) j += (j.empty() ? "" : sep) + x;
    return j;
  };
  std::vector<std::string> notes;
  if (!s.disabled.empty()) notes.push_back("disabled: " + join(s.disabled, ", "));
  if (!s.replaced.empty()) notes.push_back("replaced by yours: " + join(s.replaced, ", "));
  if (!s.inactive.empty())
    notes.push_back("inactive until behaviour.working_hours is set: " + join(s.inactive, ", "));
  if (!notes.empty()) out += " (" + join(notes, "; ") + ")";
  return out;
}

LoadResult defaults(const EnvLookup& env, const ExtraReader& extra) {
  return load_node(YAML::Node(), "", env, extra);
}

LoadResult load_string(std::string_view yaml, const std::string& file_name, const EnvLookup& env,
                       const ExtraReader& extra) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    LoadResult out;
    Diagnostic d{file_name, e.mark.is_null() ? 0 : e.mark.line + 1,
                 e.mark.is_null() ? 0 : e.mark.column + 1, "", "YAML syntax error: " + e.msg};
    out.diagnostics.push_back(std::move(d));
    return out;
  }
  if (root.IsDefined() && !root.IsNull() && !root.IsMap()) {
    LoadResult out;
    out.diagnostics.push_back(
        Diagnostic{file_name, root.Mark().line + 1, root.Mark().column + 1, "", "the top level must be a mapping"});
    return out;
  }
  return load_node(root, file_name, env, extra);
}

// Reads a config or rules file. Bounded and non-blocking where it matters, because the path
// comes from the operator and --check-config must always finish: a directory is an error (an
// ifstream "opens" one and reads nothing, which looked like an empty file = defaults), a FIFO
// nobody writes to reads as empty instead of blocking in open(), and /dev/zero or a runaway
// generated file stops at max_config_bytes instead of eating memory.
constexpr std::size_t max_config_bytes = 16 * 1024 * 1024;

std::optional<std::string> read_config_text(const std::string& path, std::string& error) {
  const auto fail = [&](const std::string& why) {
    error = "cannot read: " + why;
    return std::nullopt;
  };
  const auto too_large = [&] { return fail("larger than " + std::to_string(max_config_bytes >> 20) + " MiB"); };
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return fail(std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) return fail(std::strerror(errno));
  if (S_ISDIR(st.st_mode)) return fail("is a directory, not a file");
  if (S_ISREG(st.st_mode) && static_cast<std::uint64_t>(st.st_size) > max_config_bytes) return too_large();
  // Blocking reads from here on: a pipe with a writer (`--config.file=<(...)`) delivers all of it.
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  std::string out;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(std::strerror(errno));
    if (n == 0) break;
    if (out.size() + static_cast<std::size_t>(n) > max_config_bytes) return too_large();
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

LoadResult load_file(const std::string& path, const EnvLookup& env, const ExtraReader& extra) {
  std::string why;
  auto text = read_config_text(path, why);
  if (!text) {
    LoadResult out;
    out.diagnostics.push_back(Diagnostic{path, 0, 0, "", why});
    return out;
  }
  return load_string(*text, path, env, extra);
}

}  // namespace vw::config
