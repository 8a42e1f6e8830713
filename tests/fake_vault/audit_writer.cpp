#include "fake_vault/audit_writer.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>

namespace vw::fake {

using json = nlohmann::json;  // std::map keys: alphabetical, like Vault >= 1.17

namespace {

std::string now_rfc3339() {
  auto now = std::chrono::system_clock::now();
  auto secs = std::chrono::system_clock::to_time_t(now);
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() % 1000000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long>(micros));
  return buf;
}

const char* apps[] = {"billing", "gitlab", "grafana", "keycloak", "airflow", "harbor"};
const char* leaves[] = {"database", "api-keys", "smtp", "oauth"};

}  // namespace

AuditWriter::AuditWriter(std::string path, std::uint32_t seed)
    : out_(path, std::ios::app | std::ios::binary), rng_(seed) {}

std::string AuditWriter::hmac() {
  static const char* hex = "0123456789abcdef";
  std::string s = "hmac-sha256:";
  for (int i = 0; i < 64; ++i) s += hex[rng_() % 16];
  return s;
}

std::string AuditWriter::uuid() {
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 36; ++i) s += (i == 8 || i == 13 || i == 18 || i == 23) ? '-' : hex[rng_() % 16];
  return s;
}

void AuditWriter::pair(const std::string& op, const std::string& path, const std::string& mount,
                       const std::string& mount_type, const std::string& display_name,
                       const std::vector<std::string>& policies, const std::string& error) {
  const std::string t = now_rfc3339();
  json auth;
  if (!display_name.empty()) {
    auth = {{"accessor", hmac()},         {"client_token", hmac()},
            {"display_name", display_name}, {"policies", policies},
            {"token_policies", policies},  {"token_type", "service"},
            {"entity_id", uuid()},         {"token_ttl", 3600},
            {"token_issue_time", "2026-11-28T10:00:00Z"}};
    if (!error.empty()) auth["policy_results"] = {{"allowed", false}};
  }
  json req = {{"id", uuid()},
              {"operation", op},
              {"mount_point", mount},
              {"mount_type", mount_type},
              {"mount_accessor", mount_type + "_1a2b3c4d"},
              {"mount_class", "secret"},
              {"namespace", {{"id", "root"}}},
              {"path", path},
              {"remote_address", "10.0." + std::to_string(rng_() % 4) + "." + std::to_string(1 + rng_() % 250)},
              {"remote_port", 30000 + rng_() % 30000}};
  if (!display_name.empty()) {
    req["client_token"] = auth["client_token"];
    req["client_token_accessor"] = auth["accessor"];
  }
  json first = {{"time", t}, {"type", "request"}, {"request", req}};
  if (!display_name.empty()) first["auth"] = auth;
  if (!error.empty()) first["error"] = error;
  json second = first;
  second["type"] = "response";
  second["response"] = {{"mount_point", mount}, {"mount_type", mount_type}, {"mount_class", "secret"}};
  if (error.empty() && op == "read") second["response"]["data"] = {{"data", {{"password", hmac()}}}};
  out_ << first.dump() << "\n" << second.dump() << "\n";
}

void AuditWriter::normal() {
  const std::string app = apps[rng_() % 6];
  const std::string leaf = leaves[rng_() % 4];
  auto roll = rng_() % 100;
  if (roll < 70)
    pair("read", "secret/data/cwiq/shared/" + app + "/" + leaf, "secret/", "kv", "approle",
         {"default", app + "-read"});
  else if (roll < 80)
    pair("update", "auth/approle/login", "auth/approle/", "approle", "", {});
  else if (roll < 90)
    pair("update", "secret/data/cwiq/shared/" + app + "/" + leaf, "secret/", "kv", "jwt-gitlab-ci",
         {"default", "ci-" + app});
  else
    pair("update", "auth/token/renew-self", "auth/token/", "token", "approle", {"default", app + "-read"});
}

void AuditWriter::root_token_use() {
  pair("read", "secret/data/cwiq/shared/billing/database", "secret/", "kv", "root", {"root"});
}

void AuditWriter::permission_denied(const std::string& display_name) {
  pair("read", "secret/data/cwiq/shared/billing/database", "secret/", "kv", display_name,
       {"default", "ci-gitlab"}, "1 error occurred:\n\t* permission denied\n\n");
}

void AuditWriter::policy_write(const std::string& name) {
  pair("update", "sys/policies/acl/" + name, "sys/", "system", "oidc-admin", {"default", "vault-admin"});
}

void AuditWriter::flush() { out_.flush(); }

}  // namespace vw::fake
