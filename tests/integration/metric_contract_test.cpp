// The metric-name contract (SPEC §4) against a real scrape: the daemon is driven through every
// component (Vault polls with a token, KV metadata, sys/metrics, an audit log with every kind of
// entry, a webhook receiver), then every family of tests/deploy/spec_metric_names.txt (the list
// the dashboard and Prometheus rules in deploy/ are checked against) must be in its `# TYPE`
// lines with the listed type, every vaultwatch_* / process_* family of the scrape must be in
// docs/metrics.md with its type, and the exposition must pass `promtool check metrics`.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "fake_vault/fake_vault.hpp"
#include "support/daemon_process.hpp"
#include "support/subprocess.hpp"
#include "support/test_support.hpp"

namespace vw::test {
namespace {

constexpr const char* token = "hvs.CAESIcontractAAAAAAAAAAAAAAAAAAAAAAAAAAA";

// One request entry in Vault's file-device format (old key layout).
std::string entry(const std::string& op, const std::string& path, const std::string& mount,
                  const std::string& mount_type, const std::string& policies, const std::string& error = "") {
  return R"({"time":"2026-11-28T10:00:00.000000Z","type":"request","auth":{"client_token":"hmac-sha256:aa",)"
         R"("accessor":"hmac-sha256:bb","display_name":"approle","policies":[)" + policies +
         R"(],"token_type":"service"},"request":{"id":"r","operation":")" + op + R"(","mount_point":")" + mount +
         R"(","mount_type":")" + mount_type + R"(","client_token":"hmac-sha256:aa","path":")" + path +
         R"(","remote_address":"10.0.0.1","namespace":{"id":"root"}},"error":")" + error + "\"}\n";
}

TEST(MetricContract, EverySpecFamilyIsInARealScrapeWithItsType) {
  TempDir dir;
  fake::FakeVault vault;
  vault.start();
  vault.add_token(token, std::chrono::hours(1));
  vault.set_secret("secret/app/db", {});
  const auto log = dir / "audit.log";
  {
    std::ofstream out(log, std::ios::binary);
    out << entry("read", "secret/data/app/db", "secret/", "kv", R"("root")")
        << entry("update", "auth/approle/login", "auth/approle/", "approle", "")
        // Logins are counted from their response entry (the auth method decides the outcome).
        << R"({"time":"2026-11-28T10:00:00.100000Z","type":"response","auth":{"client_token":"hmac-sha256:cc",)"
           R"("accessor":"hmac-sha256:dd","display_name":"approle","policies":["default"],"token_type":"service"},)"
           R"("request":{"id":"r","operation":"update","mount_point":"auth/approle/","mount_type":"approle",)"
           R"("path":"auth/approle/login","remote_address":"10.0.0.1","namespace":{"id":"root"}},"response":{}})" "\n"
        << entry("update", "secret/data/app/db", "secret/", "kv", R"("default")")
        << entry("update", "sys/policy/ops", "sys/", "system", R"("default")")
        << entry("read", "secret/data/app/x", "secret/", "kv", R"("default")", "permission denied")
        << "this line is not JSON\n";
  }
  auto d = Daemon::start(
      dir.path(), {"vault:\n  address: " + vault.address() +
                       "\n  health_interval: 100ms\n  leader_interval: 100ms\n  metrics_interval: 100ms\n"
                       "  token_check_interval: 100ms\n  secrets_interval: 100ms\n"
                       "  secrets:\n    - {path: secret/app/db, max_age: 90d}\n"
                       "audit:\n  path: " + log.string() + "\n  start_at: beginning\n"
                       "  watch:\n    - {name: app, paths: [\"secret/data/app/**\"]}\n"
                       "notify:\n  webhooks:\n    - {name: dead, url: \"http://127.0.0.1:1/hook\"}\n"
                       "state_dir: " + dir.path().string() + "\n",
                   {}, {{"VAULT_TOKEN", token}}});
  ASSERT_TRUE(d);
  ASSERT_TRUE(d->wait_metric("vaultwatch_audit_lines_total", 7));
  ASSERT_TRUE(d->wait_metric("vaultwatch_vault_metrics_available", 1));
  ASSERT_TRUE(wait_until([&] { return d->scrape().count("vaultwatch_secret_age_seconds{path=\"secret/app/db\"}") > 0; },
                         default_deadline, "secret age exported"));
  ASSERT_TRUE(wait_until([&] { return d->scrape().count("vaultwatch_token_ttl_seconds") > 0; },
                         default_deadline, "token TTL exported"));

  std::map<std::string, std::string> types;  // family -> type, from the # TYPE lines of every scrape
  auto add_types = [&](const std::string& body) {
    std::set<std::string> seen;
    std::istringstream in(body);
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("# TYPE ", 0) != 0) continue;
      std::istringstream f(line.substr(7));
      std::string name, type;
      f >> name >> type;
      EXPECT_TRUE(seen.insert(name).second) << "family written twice: " << name;
      types.emplace(name, type);
    }
  };
  const auto body = d->get("/metrics").body;
  add_types(body);
  // Families that exist only in some states: a standby's HA heartbeat gauges, and poll errors
  // (no error series before the first error).
  vault.set_state(fake::VaultState::standby);
  ASSERT_TRUE(d->wait_metric("vault_standby", 1));
  vault.set_fault({fake::FaultKind::error500, "leader"});
  ASSERT_TRUE(wait_until(
      [&] { return d->scrape().count("vaultwatch_poll_errors_total{endpoint=\"leader\",reason=\"http_status\"}") > 0; },
      default_deadline, "a leader poll error"));
  add_types(d->get("/metrics").body);
  std::ifstream names(std::string(VW_SOURCE_DIR) + "/tests/deploy/spec_metric_names.txt");
  ASSERT_TRUE(names);
  std::size_t checked = 0;
  for (std::string line; std::getline(names, line);) {
    line = line.substr(0, line.find('#'));
    std::istringstream f(line);
    std::string name, type;
    if (!(f >> name)) continue;
    f >> type;
    if (type == "prometheus") continue;  // made by Prometheus itself (up, ALERTS)
    ++checked;
    auto it = types.find(name);
    if (it == types.end()) {
      ADD_FAILURE() << name << " is in the contract but not in the scrape";
      continue;
    }
    if (!type.empty()) {
      EXPECT_EQ(it->second, type) << name;
    }
  }
  EXPECT_GE(checked, 45u);  // the list was read (49 families today)

  // docs/metrics.md documents every family of vaultwatch's own in the scrape, with its type: the
  // rows of its tables are "| `family` | type | ...". Vault's republished families (vault_*)
  // keep Vault's names and are documented as a keep list, not one by one.
  std::ifstream doc(std::string(VW_SOURCE_DIR) + "/docs/metrics.md");
  ASSERT_TRUE(doc);
  std::map<std::string, std::string> documented;
  static const std::regex row(R"(^\| `([A-Za-z_:][A-Za-z0-9_:]*)` \| ([a-z]+) \|)");
  for (std::string line; std::getline(doc, line);) {
    std::smatch m;
    if (std::regex_search(line, m, row)) documented.emplace(m[1].str(), m[2].str());
  }
  std::size_t own = 0;
  for (const auto& [name, type] : types) {
    if (name.rfind("vaultwatch_", 0) != 0 && name.rfind("process_", 0) != 0) continue;
    ++own;
    auto it = documented.find(name);
    if (it == documented.end()) {
      ADD_FAILURE() << name << " is exported but not documented in docs/metrics.md";
      continue;
    }
    EXPECT_EQ(it->second, type) << name << ": docs/metrics.md gives another type than the scrape";
  }
  EXPECT_GE(own, 40u);  // the scrape had vaultwatch's families

  // The whole exposition, as Prometheus' own linter reads it. Lint findings are allowed only
  // for Vault's own families, which are republished under Vault's names (SPEC §4.3).
  ASSERT_TRUE(have_program("promtool"));
  const auto file = dir / "scrape.txt";
  write_file(file, body);
  auto r = run_command({"sh", "-c", "promtool check metrics < " + file.string()}, {}, std::chrono::seconds(30));
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 3) << r.output;
  static const std::regex allowed(
      R"(^vault_[A-Za-z0-9_]+ (counter metrics should have "_total" suffix|non-histogram and non-summary metrics should not have "_count" suffix)$)");
  std::istringstream lint(r.output);
  for (std::string line; std::getline(lint, line);) {
    if (!line.empty()) {
      EXPECT_TRUE(std::regex_match(line, allowed)) << line;
    }
  }
}

}  // namespace
}  // namespace vw::test
