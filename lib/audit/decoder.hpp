#pragma once
// Decodes one line of Vault's file audit device into an AuditEntryView (SPEC §4.4, §7).
//
// Pure: no I/O, no clock, no metrics. simdjson On-Demand, fields found by key, never by position
// (Vault <= 1.16 writes time,type,auth,request,...; >= 1.17 sorts keys alphabetically). Only the
// fields classification, rules and `audit search` need are read; everything else (request and
// response `data`, headers, wrap info) is skipped without being materialised. Tolerates what
// real Vault versions write: `auth` absent or {"token_type":"default"}, `"response":{}`,
// `"metadata":null`, `"policies":null`, escaped strings (\u003c, \/, \n), leading empty
// `granting_policies` entries, unknown keys (including the docs' " response" typo).
//
// A line is rejected as `bad_json` (not JSON, not an object, trailing garbage, invalid UTF-8 or
// escapes) or `missing_field` (a JSON object without a non-empty string `type` or an RFC 3339
// `time`). Everything else Vault writes is an entry: one without a `request`, a path or an
// operation (Enterprise KMIP's "kmip-request" / "kmip-response"), or of a type this version does
// not know (kept with AuditEvent::Type::other). A rejected line never throws and never stops
// anything.
//
// Not thread-safe: one Decoder per thread (io thread only in the daemon). The views it fills are
// valid until the next decode call on the same Decoder.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "audit/entry_view.hpp"

namespace vw::audit {

enum class DecodeError { bad_json, too_long, missing_field };
const char* to_string(DecodeError e);

/// Bytes that must be readable after a line passed to Decoder::decode_padded (simdjson reads
/// ahead in 64-byte blocks; the bytes are never interpreted).
inline constexpr std::size_t line_padding = 64;

class Decoder {
 public:
  /// `prefix`: the file device's `prefix` option; stripped when a line starts with it.
  explicit Decoder(std::string prefix = {});
  ~Decoder();
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  /// Decodes a line (without its '\n') that is followed in memory by at least `line_padding`
  /// readable bytes. No copy. Returns nullopt on success.
  std::optional<DecodeError> decode_padded(std::string_view line, AuditEntryView& out);
  /// Same for any line: copies it into an internal padded buffer first.
  std::optional<DecodeError> decode(std::string_view line, AuditEntryView& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Decodes one line into an owning AuditEvent, or the reason it was rejected (tests, one-offs).
struct DecodedLine {
  std::optional<DecodeError> error;
  AuditEvent event;
};
DecodedLine decode_line(std::string_view line, std::string_view prefix = {});

/// The simdjson kernel that scans lines on this CPU (selected at run time by libsimdjson, e.g.
/// "haswell" for AVX2, "icelake" for AVX-512); benchmarks print it.
std::string decoder_kernel();

}  // namespace vw::audit
