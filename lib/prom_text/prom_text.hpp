#pragma once
// The Prometheus text exposition format 0.0.4 as Vault writes it at
// GET /v1/sys/metrics?format=prometheus, parsed into plain values. Pure: depends only on core,
// never throws, never allocates beyond the parsed result.
//
// What Vault's output looks like (research/vault-api.md §2.5, fixtures under
// tests/fixtures/vault/): client_golang's expfmt encoder over go-metrics' Prometheus sink, so
// HELP is the metric name itself, counters have no `_total`, summaries carry 0.5/0.9/0.99
// quantiles that are `NaN` when nothing was observed for 10 s, the go_* / process_* families of
// client_golang's default registry come along, and gauges may carry the node's hostname
// (`vault_<host>_runtime_alloc_bytes`, §2.6) unless `disable_hostname` is set.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.hpp"

namespace vw::prom_text {

enum class MetricType { counter, gauge, summary, histogram, untyped };
const char* to_string(MetricType t);

struct Label {
  std::string name;
  std::string value;  // unescaped
  bool operator==(const Label&) const = default;
};
using Labels = std::vector<Label>;  // in the order the exposition wrote them

/// Which line of its family a sample is: the family name itself (counter, gauge, untyped, a
/// summary quantile) or one of the reserved suffixes of summaries and histograms.
enum class Suffix : std::uint8_t { none, sum, count, bucket };
const char* to_string(Suffix s);  // "", "_sum", "_count", "_bucket"

struct Sample {
  Suffix suffix = Suffix::none;
  Labels labels;
  double value = 0;
  std::optional<std::int64_t> timestamp_ms;  // Vault never sets one
  /// The value of label `name`, or nullptr.
  const std::string* label(std::string_view name) const;
  /// Equality treats NaN as equal to NaN (Vault's idle quantiles are NaN).
  bool operator==(const Sample& o) const;
};

struct Family {
  std::string name;
  std::string help;  // unescaped; "" when the exposition had no HELP line
  MetricType type = MetricType::untyped;
  std::vector<Sample> samples;
  /// The full sample name as written: name + suffix.
  std::string sample_name(const Sample& s) const { return name + to_string(s.suffix); }
  bool operator==(const Family&) const = default;
};

/// Parses an exposition incrementally so that a large body can be parsed in slices with the
/// event loop yielding between them (a 2 MB sys/metrics body is real on busy clusters).
/// `body` must outlive the parser. Usage: `while (p.step(64 * 1024)) co_await yield;` then
/// `std::move(p).finish()`. Pure; never throws.
///
/// Accepted (as Prometheus' own expfmt parser accepts it): `# HELP`/`# TYPE` lines (types
/// case-insensitive), other comments and blank lines ignored, samples with optional labels
/// (a trailing comma is fine), values in Go ParseFloat syntax (`NaN`, `+Inf`, `-Inf`, `Inf`,
/// any case), an optional integer millisecond timestamp, `\r\n` line ends. Samples without a
/// TYPE line become untyped families of their own name; `x_sum`/`x_count` (and `x_bucket`)
/// belong to `x` when `x` is a declared summary (histogram). Rejected, with the line number:
/// bad names, bad escapes in label values (only `\\`, `\"`, `\n` exist), duplicate label
/// names, unparsable values, a second HELP or TYPE for a family, a TYPE after the family's
/// samples, a summary quantile line without `quantile`, a histogram bucket without `le`.
class Parser {
 public:
  explicit Parser(std::string_view body) : body_(body) {}

  /// Parses whole lines until at least `max_bytes` more of the body were consumed or the body
  /// ends. Returns true while there is more to parse (and no error occurred).
  bool step(std::size_t max_bytes);
  /// Bytes consumed so far.
  std::size_t position() const { return pos_; }
  /// The families in order of first appearance, or the first error ("line N: why").
  result<std::vector<Family>> finish() &&;

 private:
  bool line(std::string_view l);
  bool comment(std::string_view l);
  bool sample(std::string_view l);
  Family& family_for(std::string_view name, bool& created);
  bool fail(std::string why);

  std::string_view body_;
  std::size_t pos_ = 0;
  std::size_t line_no_ = 0;
  std::vector<Family> families_;
  struct State {
    bool has_help = false;
    bool has_type = false;
  };
  std::vector<State> state_;
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::size_t, NameHash, std::equal_to<>> index_;
  std::size_t current_ = static_cast<std::size_t>(-1);  // last family a sample went to
  std::optional<Error> error_;
};

/// Parses a whole exposition in one go (tests, small bodies).
result<std::vector<Family>> parse(std::string_view body);

/// Parses a Go ParseFloat-style sample value: decimal or scientific, optional sign, and
/// NaN / Inf / Infinity in any case with optional sign. Pure.
std::optional<double> parse_value(std::string_view text);

/// Vault's hostname-prefixed gauges (research/vault-api.md §2.6): when telemetry has another
/// sink besides Prometheus and `disable_hostname` is false, go-metrics puts the node's
/// hostname after the service name of every gauge: `vault_7f320e57f9fe_runtime_alloc_bytes`.
/// The hostname (dots and dashes already turned into `_`, so it may span several `_` parts)
/// is learned from the Go runtime gauges Vault emits every second on every node
/// (`vault_<host>_runtime_alloc_bytes`, `..._num_goroutines`, ...); every gauge whose name starts
/// with `vault_<host>_` is then renamed to `vault_<rest>` (and a HELP that was the old name
/// becomes the new name, as Vault's HELP is the name). A renamed family whose name already
/// exists is merged into it. Counters and summaries never carry the prefix and are untouched.
/// Returns the hostname part that was removed ("" when there was none). Pure.
std::string normalise_hostname_prefix(std::vector<Family>& families);

/// Escapes HELP text for the text format (`\` -> `\\`, newline -> `\n`).
std::string escape_help(std::string_view help);

}  // namespace vw::prom_text
