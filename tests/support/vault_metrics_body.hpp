#pragma once
// A synthetic sys/metrics?format=prometheus body of a busy Vault, for size tests and benchmarks.
#include <cstddef>
#include <string>

namespace vw::test {

/// Vault-shaped Prometheus text of at least `min_bytes`: the runtime and core gauges, then per
/// KV mount the route summaries (read/create/update/delete/list, NaN quantiles for the idle
/// ones), a vault_secret_kv_count gauge and a vault_token_count_by_policy gauge, with Vault's
/// cluster/namespace labels. Families are sorted by name, as expfmt writes them.
std::string synthetic_vault_metrics(std::size_t min_bytes);

}  // namespace vw::test
