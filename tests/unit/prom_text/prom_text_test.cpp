// The Prometheus text parser against Vault's real output shapes (tests/fixtures/vault/) and
// hand-written edge cases of the format.
#include "prom_text/prom_text.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <regex>
#include <sstream>

#include "support/test_support.hpp"

namespace vw::prom_text {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double inf = std::numeric_limits<double>::infinity();

std::vector<Family> parse_ok(std::string_view body) {
  auto r = parse(body);
  EXPECT_TRUE(r) << (r ? "" : r.error().message);
  return r ? *r : std::vector<Family>{};
}

const Family* find(const std::vector<Family>& fs, std::string_view name) {
  for (const auto& f : fs)
    if (f.name == name) return &f;
  return nullptr;
}

std::vector<std::string> names(const std::vector<Family>& fs) {
  std::vector<std::string> out;
  for (const auto& f : fs) out.push_back(f.name);
  return out;
}

TEST(PromText, ParsesVaultsDocsSampleWithSummariesAndCountersWithoutTotal) {
  auto fs = parse_ok(test::read_fixture("vault/metrics_prometheus_docs_sample.txt"));
  EXPECT_EQ(names(fs), (std::vector<std::string>{"vault_audit_log_request", "vault_audit_log_request_failure",
                                                  "vault_audit_log_response", "vault_audit_log_response_failure",
                                                  "vault_barrier_get"}));
  const Family want{"vault_audit_log_request",
                    "vault_audit_log_request",
                    MetricType::summary,
                    {
                        {Suffix::none, {{"quantile", "0.5"}}, 0.005927000194787979, {}},
                        {Suffix::none, {{"quantile", "0.9"}}, 0.005927000194787979, {}},
                        {Suffix::none, {{"quantile", "0.99"}}, 0.005927000194787979, {}},
                        {Suffix::sum, {}, 0.014550999738276005, {}},
                        {Suffix::count, {}, 2, {}},
                    }};
  EXPECT_EQ(fs[0], want);
  EXPECT_EQ(fs[0].sample_name(fs[0].samples[3]), "vault_audit_log_request_sum");
  const Family failure{"vault_audit_log_request_failure", "vault_audit_log_request_failure", MetricType::counter,
                       {{Suffix::none, {}, 0, {}}}};
  EXPECT_EQ(fs[1], failure);
  // Nothing observed in the last 10 s: NaN quantiles, but _sum and _count go on.
  const auto& resp = fs[2];
  ASSERT_EQ(resp.samples.size(), 5u);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(std::isnan(resp.samples[i].value));
  EXPECT_EQ(resp.samples[4].suffix, Suffix::count);
  EXPECT_EQ(resp.samples[4].value, 1);
  EXPECT_EQ(fs[4].samples.back().value, 36);
}

TEST(PromText, ParsesTheReconstructedBodyWithGoFamiliesAndClusterAndNamespaceLabels) {
  auto fs = parse_ok(test::read_fixture("vault/reconstructed/metrics_prometheus_reconstructed.txt"));
  EXPECT_EQ(fs.size(), 10u);
  const auto* go = find(fs, "go_goroutines");
  ASSERT_TRUE(go);
  EXPECT_EQ(go->help, "Number of goroutines that currently exist.");
  EXPECT_EQ(go->type, MetricType::gauge);
  EXPECT_EQ(go->samples.at(0).value, 412);
  const auto* kv = find(fs, "vault_secret_kv_count");
  ASSERT_TRUE(kv);
  EXPECT_EQ(kv->samples.at(0).labels,
            (Labels{{"cluster", "vault-cluster-5f2a1b7c"}, {"mount_point", "secret/"}, {"namespace", "root"}}));
  const auto* pol = find(fs, "vault_token_count_by_policy");
  ASSERT_TRUE(pol);
  ASSERT_EQ(pol->samples.size(), 2u);
  EXPECT_EQ(*pol->samples[1].label("policy"), "payments-read");
  EXPECT_EQ(pol->samples[1].value, 12);
  const auto* alloc = find(fs, "vault_runtime_alloc_bytes");
  ASSERT_TRUE(alloc);
  EXPECT_EQ(alloc->samples.at(0).value, 7.3326136e+07);
  const auto* hr = find(fs, "vault_core_handle_request");
  ASSERT_TRUE(hr);
  EXPECT_EQ(hr->samples.size(), 5u);
  EXPECT_EQ(hr->samples[4].value, 31377);
}

// Vault's SIGUSR1 dump (the in-memory sink) shows the keys go-metrics builds with the hostname
// enabled. Rendered the way the Prometheus sink names them (go-metrics prometheus.go: key parts
// joined with '_', ' ', '.', '=', '-', '/' replaced by '_'): gauges as gauges, samples as
// summaries with NaN quantiles.
std::string dump_to_prometheus(const std::string& dump) {
  static const std::regex gauge(R"(\]\[G\] '([^']+)': ([0-9.e+-]+))");
  static const std::regex sample(R"(\]\[S\] '([^']+)': Count: ([0-9]+).* Sum: ([0-9.]+))");
  auto flatten = [](std::string k) {
    for (auto& c : k)
      if (c == '.' || c == '-' || c == ' ' || c == '=' || c == '/') c = '_';
    return k;
  };
  std::map<std::string, std::string> out;  // expfmt writes families sorted by name
  std::istringstream in(dump);
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_search(line, m, gauge)) {
      auto n = flatten(m[1]);
      out[n] = "# HELP " + n + " " + n + "\n# TYPE " + n + " gauge\n" + n + " " + m[2].str() + "\n";
    } else if (std::regex_search(line, m, sample)) {
      auto n = flatten(m[1]);
      out[n] = "# HELP " + n + " " + n + "\n# TYPE " + n + " summary\n" + n + "{quantile=\"0.5\"} NaN\n" + n +
               "{quantile=\"0.9\"} NaN\n" + n + "{quantile=\"0.99\"} NaN\n" + n + "_sum " + m[3].str() + "\n" + n +
               "_count " + m[2].str() + "\n";
    }
  }
  std::string body;
  for (const auto& [n, text] : out) body += text;
  return body;
}

TEST(PromText, NormalisesTheHostnamePrefixOfTheSigusr1DumpsGauges) {
  const auto body = dump_to_prometheus(test::read_fixture("vault/telemetry_raw_dump_sigusr1_docs.txt"));
  ASSERT_NE(body.find("vault_7f320e57f9fe_runtime_alloc_bytes 73326136.000"), std::string::npos) << body;
  auto fs = parse_ok(body);
  EXPECT_EQ(normalise_hostname_prefix(fs), "7f320e57f9fe");
  const auto* alloc = find(fs, "vault_runtime_alloc_bytes");
  ASSERT_TRUE(alloc);
  EXPECT_EQ(alloc->help, "vault_runtime_alloc_bytes") << "HELP is the name, so it follows the rename";
  EXPECT_EQ(alloc->samples.at(0).value, 73326136);
  ASSERT_TRUE(find(fs, "vault_expire_num_leases"));
  EXPECT_EQ(find(fs, "vault_expire_num_leases")->samples.at(0).value, 5100);
  for (const char* g : {"vault_runtime_num_goroutines", "vault_runtime_sys_bytes", "vault_runtime_malloc_count",
                        "vault_runtime_free_count", "vault_runtime_heap_objects", "vault_runtime_total_gc_runs",
                        "vault_runtime_total_gc_pause_ns"})
    EXPECT_TRUE(find(fs, g)) << g;
  for (const auto& f : fs) EXPECT_EQ(f.name.find("7f320e57f9fe"), std::string::npos) << f.name;
  // Samples (summaries) never carried the hostname and keep their names.
  const auto* merkle = find(fs, "vault_merkle_flushDirty");
  ASSERT_TRUE(merkle);
  EXPECT_EQ(merkle->type, MetricType::summary);
  EXPECT_TRUE(find(fs, "vault_route_rollback_consul_"));
}

TEST(PromText, HostnameWithDotsAndDashesSpansSeveralParts) {
  // os.Hostname() "vault-1.example.com" becomes vault_1_example_com in a metric name.
  auto fs = parse_ok(
      "# TYPE vault_vault_1_example_com_runtime_alloc_bytes gauge\n"
      "vault_vault_1_example_com_runtime_alloc_bytes 10\n"
      "# TYPE vault_vault_1_example_com_core_unsealed gauge\n"
      "vault_vault_1_example_com_core_unsealed{cluster=\"c\"} 1\n"
      "# TYPE vault_core_handle_request summary\n"
      "vault_core_handle_request_count 3\n"
      "# TYPE vault_vault_1_example_com_token_create counter\n"
      "vault_vault_1_example_com_token_create 2\n");
  EXPECT_EQ(normalise_hostname_prefix(fs), "vault_1_example_com");
  EXPECT_EQ(names(fs), (std::vector<std::string>{"vault_runtime_alloc_bytes", "vault_core_unsealed",
                                                  "vault_core_handle_request",
                                                  "vault_vault_1_example_com_token_create"}))
      << "only gauges carry the prefix";
}

TEST(PromText, HostnamePrefixedFamilyMergesIntoAnExistingOne) {
  auto fs = parse_ok(
      "# TYPE vault_h1_runtime_alloc_bytes gauge\nvault_h1_runtime_alloc_bytes 10\n"
      "# TYPE vault_h1_token_count gauge\nvault_h1_token_count{namespace=\"a\"} 1\n"
      "# TYPE vault_token_count gauge\nvault_token_count{namespace=\"b\"} 2\n");
  EXPECT_EQ(normalise_hostname_prefix(fs), "h1");
  EXPECT_EQ(names(fs), (std::vector<std::string>{"vault_runtime_alloc_bytes", "vault_token_count"}));
  EXPECT_EQ(find(fs, "vault_token_count")->samples.size(), 2u);
}

TEST(PromText, NoHostnamePrefixLeavesEverythingAlone) {
  auto fs = parse_ok(test::read_fixture("vault/reconstructed/metrics_prometheus_reconstructed.txt"));
  auto before = fs;
  EXPECT_EQ(normalise_hostname_prefix(fs), "");
  EXPECT_EQ(fs, before);
}

TEST(PromText, EdgeCasesOfTheFormat) {
  auto fs = parse_ok(
      "# A free comment\n"
      "#\n"
      "\n"
      "# HELP esc A help with a \\\\ backslash and a \\n newline\n"
      "# TYPE esc gauge\n"
      "esc{path=\"a\\\"b\\\\c\\nd\",empty=\"\"} +Inf\n"
      "esc{path=\"x\",} -Inf 1700000000000\n"
      "  esc { path = \"y\" , other=\"z\" }\tInf  \r\n"
      "esc{path=\"n\"} nan\n"
      "bare_untyped 1e-3\n"
      "# TYPE h histogram\n"
      "h_bucket{le=\"0.5\"} 1\n"
      "h_bucket{le=\"+Inf\"} 3\n"
      "h_sum 2.5\n"
      "h_count 3\n"
      "# TYPE Upper_case GAUGE\n"
      "Upper_case -0\n"
      "colon:name 5\n"
      "last_line_without_newline 7");
  ASSERT_EQ(names(fs), (std::vector<std::string>{"esc", "bare_untyped", "h", "Upper_case", "colon:name",
                                                  "last_line_without_newline"}));
  const auto& esc = fs[0];
  EXPECT_EQ(esc.help, "A help with a \\ backslash and a \n newline");
  ASSERT_EQ(esc.samples.size(), 4u);
  EXPECT_EQ(esc.samples[0].labels, (Labels{{"path", "a\"b\\c\nd"}, {"empty", ""}}));
  EXPECT_EQ(esc.samples[0].value, inf);
  EXPECT_EQ(esc.samples[1].value, -inf);
  EXPECT_EQ(esc.samples[1].timestamp_ms, 1700000000000);
  EXPECT_EQ(esc.samples[2].labels, (Labels{{"path", "y"}, {"other", "z"}}));
  EXPECT_EQ(esc.samples[2].value, inf);
  EXPECT_TRUE(std::isnan(esc.samples[3].value));
  EXPECT_EQ(fs[1].type, MetricType::untyped);
  EXPECT_EQ(fs[1].help, "");
  EXPECT_DOUBLE_EQ(fs[1].samples.at(0).value, 0.001);
  const Family h{"h", "", MetricType::histogram,
                 {{Suffix::bucket, {{"le", "0.5"}}, 1, {}},
                  {Suffix::bucket, {{"le", "+Inf"}}, 3, {}},
                  {Suffix::sum, {}, 2.5, {}},
                  {Suffix::count, {}, 3, {}}}};
  EXPECT_EQ(fs[2], h);
  EXPECT_EQ(fs[3].type, MetricType::gauge);
  EXPECT_EQ(fs[5].samples.at(0).value, 7);
}

TEST(PromText, SumAndCountOfANonSummaryAreTheirOwnFamilies) {
  auto fs = parse_ok("# TYPE x counter\nx 1\nx_sum 2\nx_count 3\n# TYPE s summary\ns_count 1\n");
  EXPECT_EQ(names(fs), (std::vector<std::string>{"x", "x_sum", "x_count", "s"}));
  EXPECT_EQ(fs[3].samples.at(0).suffix, Suffix::count);
}

TEST(PromText, EmptyBodyHasNoFamilies) {
  EXPECT_TRUE(parse_ok("").empty());
  EXPECT_TRUE(parse_ok("\n\n# just a comment\n").empty());
}

TEST(PromText, RejectsMalformedLinesWithTheLineNumber) {
  struct Case {
    const char* body;
    const char* error;
  } cases[] = {
      {"1abc 1\n", "line 1: invalid metric name"},
      {"ok 1\nbad-name 1\n", "line 2: invalid value"},  // "bad" then "-name": not a value
      {"x{a=\"b\\q\"} 1\n", "line 1: invalid escape sequence"},
      {"x{a=\"b\",a=\"c\"} 1\n", "line 1: duplicate label name a"},
      {"x{a=\"b\" 1\n", "line 1: expected ',' or '}'"},
      {"x{a=\"b} 1\n", "line 1: unterminated"},
      {"x{a=b} 1\n", "line 1: expected '\"'"},
      {"x{1a=\"b\"} 1\n", "line 1: invalid label name"},
      {"x\n", "line 1: missing value"},
      {"x one\n", "line 1: invalid value"},
      {"x 1 2 3\n", "line 1: unexpected text"},
      {"x 1 1.5\n", "line 1: invalid timestamp"},
      {"# TYPE x gauge\n# TYPE x gauge\n", "line 2: second TYPE line"},
      {"# HELP x a\n# HELP x b\n", "line 2: second HELP line"},
      {"x 1\n# TYPE x gauge\n", "line 2: TYPE line for metric x after its samples"},
      {"# TYPE x nonsense\n", "line 1: unknown metric type"},
      {"# TYPE s summary\ns 1\n", "line 2: summary s sample without a valid quantile label"},
      {"# TYPE h histogram\nh_bucket 1\n", "line 2: histogram h bucket without a valid le label"},
      {"# TYPE h histogram\nh 1\n", "line 2: histogram h sample without"},
      {"# HELP\n", "line 1: HELP line without a valid metric name"},
  };
  for (const auto& c : cases) {
    auto r = parse(c.body);
    ASSERT_FALSE(r) << c.body;
    EXPECT_NE(r.error().message.find(c.error), std::string::npos) << c.body << " -> " << r.error().message;
  }
}

TEST(PromText, ParsesValuesLikeGoParseFloat) {
  struct Case {
    const char* text;
    std::optional<double> want;
  } cases[] = {
      {"0", 0.0},         {"-0", -0.0},          {"1.5", 1.5},      {"+1.5", 1.5},     {"-2e-3", -2e-3},
      {"7.3326136e+07", 7.3326136e+07},          {".5", 0.5},       {"NaN", nan},      {"Nan", nan},
      {"nan", nan},       {"+Inf", inf},         {"-Inf", -inf},    {"Inf", inf},      {"inf", inf},
      {"+infinity", inf}, {"1e400", inf},        {"", std::nullopt}, {"+", std::nullopt},
      {"--1", std::nullopt}, {"1x", std::nullopt}, {"0x10", std::nullopt}, {"1.2.3", std::nullopt},
  };
  for (const auto& c : cases) {
    auto v = parse_value(c.text);
    ASSERT_EQ(v.has_value(), c.want.has_value()) << c.text;
    if (!v) continue;
    if (std::isnan(*c.want)) EXPECT_TRUE(std::isnan(*v)) << c.text;
    else EXPECT_EQ(*v, *c.want) << c.text;
  }
}

TEST(PromText, ParsingInSlicesGivesTheSameResultAsOneGo) {
  // The docs sample repeats a family of the reconstructed body: take its last family only.
  const auto docs = test::read_fixture("vault/metrics_prometheus_docs_sample.txt");
  const auto body = test::read_fixture("vault/reconstructed/metrics_prometheus_reconstructed.txt") +
                    docs.substr(docs.find("# HELP vault_barrier_get"));
  const auto whole = parse_ok(body);
  for (std::size_t slice : {1u, 7u, 64u, 1000u}) {
    Parser p(body);
    std::size_t steps = 0;
    while (p.step(slice)) ++steps;
    EXPECT_EQ(p.position(), body.size());
    if (slice == 1) {
      EXPECT_GT(steps, 20u);
    }
    auto r = std::move(p).finish();
    ASSERT_TRUE(r);
    EXPECT_EQ(*r, whole) << "slice " << slice;
  }
}

TEST(PromText, AnErrorStopsSteppingAndIsReportedByFinish) {
  Parser p("a 1\nb 2\nc oops\nd 4\n");
  while (p.step(1)) {}
  auto r = std::move(p).finish();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message.rfind("line 3:", 0), 0u) << r.error().message;
}

// Truncations and byte flips of real bodies: every one parses or fails with a line number, and
// the slice API agrees with the one-shot one. (Run under -DVW_SANITIZE=address,undefined too.)
TEST(PromText, MutatedBodiesParseOrFailCleanly) {
  const auto base = test::read_fixture("vault/reconstructed/metrics_prometheus_reconstructed.txt");
  std::mt19937 rng(12345);
  const char alphabet[] = "{}\",=\\\n #aZ09_:+-.eINf\t\r";
  for (int i = 0; i < 3000; ++i) {
    std::string body = base;
    if (i % 3 == 0) body.resize(1 + rng() % body.size());
    for (int flips = 1 + static_cast<int>(rng() % 4); flips > 0; --flips)
      body[rng() % body.size()] = alphabet[rng() % (sizeof alphabet - 1)];
    auto whole = parse(body);
    Parser p(body);
    while (p.step(1 + rng() % 200)) {}
    auto sliced = std::move(p).finish();
    ASSERT_EQ(static_cast<bool>(whole), static_cast<bool>(sliced)) << body;
    if (!whole) {
      EXPECT_EQ(whole.error().message.rfind("line ", 0), 0u) << whole.error().message;
      EXPECT_EQ(whole.error(), sliced.error());
    } else {
      EXPECT_EQ(*whole, *sliced);
      auto copy = *whole;
      normalise_hostname_prefix(copy);
    }
  }
}

TEST(PromText, EscapeHelpRoundTrips) {
  const std::string help = "a \\ b\nc";
  EXPECT_EQ(escape_help(help), "a \\\\ b\\nc");
  auto fs = parse_ok("# HELP x " + escape_help(help) + "\nx 1\n");
  EXPECT_EQ(fs.at(0).help, help);
}

}  // namespace
}  // namespace vw::prom_text
