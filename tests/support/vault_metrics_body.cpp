#include "support/vault_metrics_body.hpp"

#include <map>
#include <string>
#include <vector>

namespace vw::test {

std::string synthetic_vault_metrics(std::size_t min_bytes) {
  const std::string cluster = "cluster=\"vault-cluster-5f2a1b7c\"";
  std::map<std::string, std::string> families;  // name -> text, sorted like expfmt
  auto gauge_header = [](const std::string& n) { return "# HELP " + n + " " + n + "\n# TYPE " + n + " gauge\n"; };
  families["vault_runtime_alloc_bytes"] = gauge_header("vault_runtime_alloc_bytes") + "vault_runtime_alloc_bytes 7.3326136e+07\n";
  families["vault_runtime_num_goroutines"] = gauge_header("vault_runtime_num_goroutines") + "vault_runtime_num_goroutines 412\n";
  families["vault_core_unsealed"] = gauge_header("vault_core_unsealed") + "vault_core_unsealed{" + cluster + "} 1\n";
  families["vault_core_active"] = gauge_header("vault_core_active") + "vault_core_active{" + cluster + "} 1\n";
  families["go_goroutines"] = "# HELP go_goroutines Number of goroutines that currently exist.\n# TYPE go_goroutines gauge\ngo_goroutines 412\n";
  std::string kv = gauge_header("vault_secret_kv_count");
  std::string policies = gauge_header("vault_token_count_by_policy");
  std::size_t size = 0;
  for (const auto& [n, t] : families) size += t.size();
  static const char* ops[] = {"read", "create", "update", "delete", "list"};
  for (int i = 0; size + kv.size() + policies.size() < min_bytes; ++i) {
    const std::string mount = "kv-team-" + std::to_string(i);
    for (int o = 0; o < 5; ++o) {
      std::string n = std::string("vault_route_") + ops[o] + "_kv_team_" + std::to_string(i) + "_";
      std::string t = "# HELP " + n + " " + n + "\n# TYPE " + n + " summary\n";
      const bool idle = (i + o) % 3 == 0;
      for (const char* q : {"0.5", "0.9", "0.99"})
        t += n + "{quantile=\"" + q + "\"} " + (idle ? std::string("NaN") : std::to_string(0.1 * (o + 1) + i * 1e-4)) + "\n";
      t += n + "_sum " + std::to_string(12.5 * (i + 1)) + "\n" + n + "_count " + std::to_string(100 + i) + "\n";
      size += t.size();
      families[n] = std::move(t);
    }
    std::string kvl = "vault_secret_kv_count{" + cluster + ",mount_point=\"" + mount + "/\",namespace=\"root\"} " +
                      std::to_string(i % 97) + "\n";
    std::string pol = "vault_token_count_by_policy{" + cluster + ",namespace=\"root\",policy=\"" + mount + "-read\"} " +
                      std::to_string(i % 13) + "\n";
    kv += kvl;
    policies += pol;
  }
  families["vault_secret_kv_count"] = kv;
  families["vault_token_count_by_policy"] = policies;
  std::string body;
  body.reserve(min_bytes + 4096);
  for (const auto& [n, t] : families) body += t;
  return body;
}

}  // namespace vw::test
