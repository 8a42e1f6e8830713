// Republishing Vault's telemetry: keep filter, conversion, collector states, and the round trip
// through prometheus-cpp's serializer, our parser and `promtool check metrics`.
#include "vault/vault_metrics_collector.hpp"

#include "vault/republish.hpp"

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include <charconv>
#include <cmath>
#include <map>
#include <regex>
#include <sstream>

#include "config/load.hpp"
#include "support/http_get.hpp"
#include "support/subprocess.hpp"
#include "support/test_support.hpp"

namespace vw::vault {
namespace {

KeepFilter keep(std::vector<std::string> patterns) {
  auto k = KeepFilter::compile(patterns);
  EXPECT_TRUE(k);
  return std::move(*k);
}

MetricsSample available(std::string_view body, const KeepFilter& k) {
  MetricsSample s;
  s.state = MetricsState::available;
  s.status = 200;
  auto f = prom_text::parse(body);
  EXPECT_TRUE(f) << (f ? "" : f.error().message);
  if (f) {
    s.hostname_prefix = prom_text::normalise_hostname_prefix(*f);
    s.families = std::make_shared<const std::vector<prom_text::Family>>(std::move(*f));
    s.republished = std::make_shared<const std::vector<prometheus::MetricFamily>>(republish(*s.families, k));
  }
  return s;
}

std::string render(const VaultMetricsCollector& c) { return prometheus::TextSerializer{}.Serialize(c.Collect()); }

TEST(KeepFilter, MatchesWholeNamesOnly) {
  auto k = keep(config::default_metrics_keep());
  struct Case {
    const char* name;
    bool kept;
  } cases[] = {
      {"vault_core_unsealed", true},          {"vault_core_unsealed_extra", false},
      {"xvault_core_unsealed", false},        {"vault_token_count", true},
      {"vault_token_count_by_policy", true},  {"vault_runtime_alloc_bytes", true},
      {"vault_core_handle_request", true},    {"vault_core_handle_request_x", false},
      {"vault_audit_log_request_failure", true}, {"vault_route_read_secret_", true},
      {"vault_raft_leader_lastContact", true}, {"go_goroutines", false},
      {"process_cpu_seconds_total", false},   {"vault_core_check_token", false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(k.keep(c.name), c.kept) << c.name;
    EXPECT_EQ(k.keep(c.name), c.kept) << c.name << " (cached)";
  }
  EXPECT_FALSE(KeepFilter::compile({"vault_(unclosed"}));
}

TEST(VaultMetricsCollector, ExportsNothingBeforeTheFirstPoll) {
  VaultMetricsCollector c;
  EXPECT_TRUE(c.Collect().empty());
}

TEST(VaultMetricsCollector, RepublishesKeptFamiliesUnderTheirOwnNamesTypesHelpAndLabels) {
  auto k = keep(config::default_metrics_keep());
  VaultMetricsCollector c;
  c.update(available(test::read_fixture("vault/reconstructed/metrics_prometheus_reconstructed.txt"), k));
  const auto text = render(c);
  auto m = test::parse_samples(text);
  EXPECT_EQ(m["vaultwatch_vault_metrics_available"], 1);
  EXPECT_EQ(m["vault_core_unsealed{cluster=\"vault-cluster-5f2a1b7c\"}"], 1);
  EXPECT_EQ(m["vault_secret_kv_count{cluster=\"vault-cluster-5f2a1b7c\",mount_point=\"secret/\",namespace=\"root\"}"], 42);
  EXPECT_EQ(m["vault_token_count_by_policy{cluster=\"vault-cluster-5f2a1b7c\",namespace=\"root\",policy=\"payments-read\"}"], 12);
  EXPECT_EQ(m["vault_core_handle_request_count"], 31377);
  EXPECT_DOUBLE_EQ(m["vault_core_handle_request{quantile=\"0.99\"}"], 2.119999885559082);
  EXPECT_EQ(m["vault_audit_log_request_failure"], 0);
  EXPECT_EQ(m.count("go_goroutines"), 0u) << "not in the keep list";
  EXPECT_NE(text.find("# HELP vault_core_unsealed vault_core_unsealed\n# TYPE vault_core_unsealed gauge\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("# TYPE vault_audit_log_request_failure counter\nvault_audit_log_request_failure 0\n"),
            std::string::npos)
      << "counters keep Vault's name, no _total: " << text;
  EXPECT_NE(text.find("# TYPE vault_core_handle_request summary\n"), std::string::npos);
  EXPECT_EQ(c.republished(), 9u);
}

TEST(VaultMetricsCollector, AFamilyThatDisappearsFromVaultDisappearsFromUs) {
  auto k = keep({"vault_.*"});
  VaultMetricsCollector c;
  c.update(available("# TYPE vault_a gauge\nvault_a 1\n# TYPE vault_b gauge\nvault_b{x=\"1\"} 2\nvault_b{x=\"2\"} 3\n", k));
  auto m = test::parse_samples(render(c));
  EXPECT_EQ(m.count("vault_a"), 1u);
  EXPECT_EQ(m.count("vault_b{x=\"2\"}"), 1u);
  c.update(available("# TYPE vault_b gauge\nvault_b{x=\"1\"} 5\n", k));
  m = test::parse_samples(render(c));
  EXPECT_EQ(m.count("vault_a"), 0u);
  EXPECT_EQ(m.count("vault_b{x=\"2\"}"), 0u) << "a label set that vanished is gone too";
  EXPECT_EQ(m["vault_b{x=\"1\"}"], 5);
}

TEST(VaultMetricsCollector, UnavailableStatesRepublishNothingAndSayWhy) {
  auto k = keep({".*"});
  VaultMetricsCollector c;
  c.update(available("# TYPE vault_a gauge\nvault_a 1\n", k));
  for (auto state : {MetricsState::standby, MetricsState::disabled, MetricsState::forbidden, MetricsState::sealed,
                     MetricsState::error}) {
    MetricsSample s;
    s.state = state;
    c.update(s);
    auto m = test::parse_samples(render(c));
    const std::string key = std::string("vaultwatch_vault_metrics_available{reason=\"") + to_string(state) + "\"}";
    EXPECT_EQ(m.count(key), 1u) << key;
    EXPECT_EQ(m[key], 0);
    EXPECT_EQ(m.count("vault_a"), 0u);
    EXPECT_EQ(m.size(), 1u);
    EXPECT_EQ(c.republished(), 0u);
  }
}

TEST(VaultMetricsCollector, NeverRepublishesNamesVaultwatchExportsItself) {
  auto k = keep({".*"});
  VaultMetricsCollector c;
  c.update(available(
      "# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total 5\n"
      "# TYPE vault_up gauge\nvault_up 1\n# TYPE vaultwatch_x gauge\nvaultwatch_x 1\n"
      "# TYPE go_goroutines gauge\ngo_goroutines 9\n", k));
  auto m = test::parse_samples(render(c));
  EXPECT_EQ(m.count("process_cpu_seconds_total"), 0u);
  EXPECT_EQ(m.count("vault_up"), 0u);
  EXPECT_EQ(m.count("vaultwatch_x"), 0u);
  EXPECT_EQ(m["go_goroutines"], 9) << "Vault's go_* families are fine to keep";
}

TEST(ToMetricFamily, GroupsHistogramsAndSummariesAndDropsDuplicateSeries) {
  auto fs = prom_text::parse(
      "# HELP h A histogram with a \\\\ and a \\n in its help\n# TYPE h histogram\n"
      "h_bucket{path=\"a\",le=\"1\"} 2\nh_bucket{path=\"a\",le=\"0.5\"} 1\nh_bucket{path=\"a\",le=\"+Inf\"} 3\n"
      "h_sum{path=\"a\"} 2.5\nh_count{path=\"a\"} 3\nh_bucket{path=\"b\",le=\"+Inf\"} 0\nh_count{path=\"b\"} 0\n"
      "# TYPE g gauge\ng{a=\"1\",b=\"2\"} 1\ng{b=\"2\",a=\"1\"} 2\n");
  ASSERT_TRUE(fs);
  auto h = to_metric_family((*fs)[0]);
  EXPECT_EQ(h.help, "A histogram with a \\\\ and a \\n in its help") << "escaped for prometheus-cpp";
  ASSERT_EQ(h.metric.size(), 2u);
  const auto& a = h.metric[0].histogram;
  ASSERT_EQ(a.bucket.size(), 3u);
  EXPECT_EQ(a.bucket[0].upper_bound, 0.5) << "sorted";
  EXPECT_EQ(a.bucket[2].upper_bound, std::numeric_limits<double>::infinity());
  EXPECT_EQ(a.sample_count, 3u);
  EXPECT_EQ(a.sample_sum, 2.5);
  auto g = to_metric_family((*fs)[1]);
  ASSERT_EQ(g.metric.size(), 1u) << "the same label set in another order is the same series";
  EXPECT_EQ(g.metric[0].gauge.value, 1);
  const auto text = prometheus::TextSerializer{}.Serialize({h});
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2 + 5 + 3) << text;  // no second +Inf bucket
}

// Every sample as `name{sorted labels}` -> value, with le/quantile values normalised
// numerically (prometheus-cpp prints 0.5 and +Inf its own way).
std::map<std::string, double> series_of(const std::vector<prom_text::Family>& fs) {
  std::map<std::string, double> out;
  for (const auto& f : fs) {
    for (const auto& s : f.samples) {
      auto labels = s.labels;
      for (auto& l : labels) {
        if (l.name != "le" && l.name != "quantile") continue;
        char buf[64];
        auto r = std::to_chars(buf, buf + sizeof buf, *prom_text::parse_value(l.value));
        l.value.assign(buf, r.ptr);
      }
      std::sort(labels.begin(), labels.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
      std::string key = f.sample_name(s) + "{";
      for (const auto& l : labels) key += l.name + "=" + l.value + ",";
      out[key + "}"] = s.value;
    }
  }
  return out;
}

// A body covering everything Vault sends and the format allows: the reconstructed body (go_*,
// cluster/namespace labels), the docs sample's summaries with NaN quantiles, camelCase and _ms
// names from raft, a hostname-prefixed gauge, ±Inf, escapes in labels and HELP, a histogram,
// an untyped family without HELP.
std::string round_trip_body() {
  std::string body = test::read_fixture("vault/reconstructed/metrics_prometheus_reconstructed.txt");
  const auto docs = test::read_fixture("vault/metrics_prometheus_docs_sample.txt");
  // The docs sample repeats vault_audit_log_request_failure; take its other families.
  body += docs.substr(0, docs.find("# HELP vault_audit_log_request_failure"));
  body += docs.substr(docs.find("# HELP vault_audit_log_response "));
  body +=
      "# HELP vault_raft_leader_lastContact vault_raft_leader_lastContact\n"
      "# TYPE vault_raft_leader_lastContact summary\n"
      "vault_raft_leader_lastContact{quantile=\"0.5\"} NaN\nvault_raft_leader_lastContact{quantile=\"0.9\"} NaN\n"
      "vault_raft_leader_lastContact{quantile=\"0.99\"} NaN\nvault_raft_leader_lastContact_sum 12\n"
      "vault_raft_leader_lastContact_count 4\n"
      "# HELP vault_raft_storage_follower_last_heartbeat_ms vault_raft_storage_follower_last_heartbeat_ms\n"
      "# TYPE vault_raft_storage_follower_last_heartbeat_ms gauge\n"
      "vault_raft_storage_follower_last_heartbeat_ms{peer_id=\"node-2\"} 31\n"
      "# HELP vault_h7f3_runtime_sys_bytes vault_h7f3_runtime_sys_bytes\n"
      "# TYPE vault_h7f3_runtime_sys_bytes gauge\nvault_h7f3_runtime_sys_bytes 2.2274688e+08\n"
      "# HELP vault_route_read_secret_ vault_route_read_secret_\n# TYPE vault_route_read_secret_ summary\n"
      "vault_route_read_secret_{quantile=\"0.5\"} 0.25\nvault_route_read_secret__sum 3\n"
      "vault_route_read_secret__count 7\n"
      "# HELP vault_weird_labels A help with \\\\ and \\n inside.\n# TYPE vault_weird_labels gauge\n"
      "vault_weird_labels{v=\"quote \\\" back \\\\ nl \\n end\"} +Inf\nvault_weird_labels{v=\"neg\"} -Inf\n"
      "vault_weird_labels{v=\"nan\"} NaN\n"
      "# TYPE vault_request_seconds histogram\n"
      "vault_request_seconds_bucket{le=\"0.1\"} 1\nvault_request_seconds_bucket{le=\"1\"} 4\n"
      "vault_request_seconds_bucket{le=\"+Inf\"} 5\nvault_request_seconds_sum 3.5\nvault_request_seconds_count 5\n"
      "vault_untyped_thing{a=\"b\"} 3\n";
  return body;
}

TEST(VaultMetricsCollector, RoundTripsThroughTheSerializerAndOurParser) {
  auto k = keep({".*"});
  VaultMetricsCollector c;
  auto sample = available(round_trip_body(), k);
  ASSERT_EQ(sample.hostname_prefix, "h7f3");
  c.update(sample);
  const auto text = render(c);
  auto back = prom_text::parse(text);
  ASSERT_TRUE(back) << back.error().message << "\n" << text;
  std::vector<prom_text::Family> republished;
  for (auto& f : *back)
    if (f.name != "vaultwatch_vault_metrics_available") republished.push_back(f);
  std::vector<prom_text::Family> kept;
  for (const auto& f : *sample.families)
    if (!is_reserved_name(f.name)) kept.push_back(f);
  const auto want = series_of(kept), got = series_of(republished);
  ASSERT_EQ(got.size(), want.size()) << text;
  for (const auto& [k, v] : want) {
    ASSERT_TRUE(got.count(k)) << k << "\n" << text;
    // prometheus-cpp 1.0.1 prints 16 significant digits (prom-am.md §5.6): a 17-digit value of
    // Vault's comes back within a few ULPs, not bit for bit.
    if (std::isnan(v)) EXPECT_TRUE(std::isnan(got.at(k))) << k;
    else EXPECT_DOUBLE_EQ(got.at(k), v) << k;
  }
  // HELP and types survive too.
  for (const auto& f : republished) {
    auto it = std::find_if(kept.begin(), kept.end(), [&](const auto& k) { return k.name == f.name; });
    ASSERT_NE(it, kept.end()) << f.name;
    EXPECT_EQ(f.type, it->type) << f.name;
    EXPECT_EQ(f.help, it->help.empty() ? it->name : it->help) << f.name;
  }
  EXPECT_NE(text.find("vault_runtime_sys_bytes 222746880"), std::string::npos) << "prefix normalised";
}

TEST(VaultMetricsCollector, RepublishedOutputPassesPromtoolApartFromVaultsOwnNaming) {
  ASSERT_TRUE(test::have_program("promtool")) << "promtool comes with Debian's prometheus package";
  auto k = keep({".*"});
  VaultMetricsCollector c;
  c.update(available(round_trip_body(), k));
  test::TempDir dir;
  test::write_file(dir / "metrics.txt", render(c));
  auto r = test::run_command({"sh", "-c", "promtool check metrics < " + (dir / "metrics.txt").string()});
  // 0 = clean, 3 = lint findings only; anything else is a format error.
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 3) << r.output;
  // Vault's naming (SPEC §3) is all promtool may complain about: counters without _total,
  // gauges named *_count (vault_token_count), camelCase raft names, unit abbreviations. Never
  // missing HELP, duplicates or format problems.
  static const std::regex allowed(
      R"(^(vault_[A-Za-z0-9_]+) (counter metrics should have "_total" suffix|non-histogram and non-summary metrics should not have "_count" suffix|metric names should be written in 'snake_case' not 'camelCase'|metric names should not contain abbreviated units|use base unit "[a-z]+" instead of "[a-z]+")$)");
  std::istringstream lines(r.output);
  int findings = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    ++findings;
    EXPECT_TRUE(std::regex_match(line, allowed)) << "unexpected promtool finding: " << line;
  }
  EXPECT_GT(findings, 0) << "the body has Vault-style counters; promtool should have flagged them";
}

TEST(ClassifyMetricsResponse, StatusCodesAreStates) {
  const auto now = std::chrono::system_clock::now();
  struct Case {
    unsigned status;
    std::string body;
    MetricsState state;
    std::string reason;
  } cases[] = {
      {200, "x 1\n", MetricsState::available, ""},
      {307, "", MetricsState::standby, ""},
      {400, "prometheus is not enabled", MetricsState::disabled, ""},
      {400, "no prometheus metrics could be decoded: boom", MetricsState::error, "http_status"},
      {403, "{\"errors\":[\"permission denied\"]}\n", MetricsState::forbidden, ""},
      {503, "{\"errors\":[\"Vault is sealed\"]}\n", MetricsState::sealed, ""},
      {503, "<html>proxy</html>", MetricsState::error, "http_status"},
      {500, "{\"errors\":[\"internal error\"]}\n", MetricsState::error, "http_status"},
  };
  for (const auto& c : cases) {
    auto s = classify_metrics_response(http::Response{c.status, {}, c.body}, now);
    EXPECT_EQ(s.state, c.state) << c.status << " " << c.body;
    EXPECT_EQ(s.error_reason, c.reason) << c.status << " " << c.body;
    EXPECT_EQ(s.status, c.status);
  }
  auto e = classify_metrics_response(http::Response{400, {}, "no prometheus metrics could be decoded: boom\nmore"}, now);
  EXPECT_EQ(e.error, "HTTP 400: no prometheus metrics could be decoded: boom");
  auto t = classify_metrics_response(http::Failure{http::FailureKind::timeout, "timed out"}, now);
  EXPECT_EQ(t.state, MetricsState::error);
  EXPECT_EQ(t.error_reason, "timeout");
}

}  // namespace
}  // namespace vw::vault
