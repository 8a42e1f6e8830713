#pragma once
// Text forms the way Alertmanager 0.25 (Go) writes them, so that our webhook payloads are
// byte-identical to the ones Alertmanager sends for the same alert: Go's encoding/json string
// escaping (HTML-safe: <, >, & become \u003c, \u003e, \u0026), Go maps marshalled with sorted
// keys, strconv.Quote (used inside groupKey), and time.Time's RFC 3339 with trailing zeros of
// the fraction trimmed. We write these ourselves because no JSON library we use reproduces Go's
// escaping rules, and the point is to match Alertmanager exactly. Pure; never throws.
#include <string>
#include <string_view>

#include "core/alert.hpp"

namespace vw::notify::go {

/// Appends `s` as a JSON string literal exactly as Go's json.Marshal does (escapeHTML on):
/// `"` and `\` backslashed; \n \r \t short forms; other bytes < 0x20 and < > & as \u00XX;
/// U+2028/U+2029 as \u2028/\u2029; each byte of invalid UTF-8 as \ufffd.
void append_json_string(std::string& out, std::string_view s);

/// Appends a JSON object of string values with keys in byte order (Go's map marshalling).
void append_json_object(std::string& out, const Labels& kv);

/// strconv.Quote: a double-quoted Go string literal. Printable runes are kept as they are;
/// control characters and the non-printable code points listed in go_text.cpp are escaped
/// (\a \b \f \n \r \t \v, \xNN, \uNNNN, \UNNNNNNNN); invalid UTF-8 bytes become \xNN.
std::string quote(std::string_view s);

/// model.LabelSet.String() of the prometheus/common version Alertmanager 0.25 uses: the strings
/// `name="quoted value"` sorted as whole strings and joined by ", ", in braces. (Sorting whole
/// strings, not names, is measurable: {vault="a", vault2="b"} prints vault2 first.)
std::string label_set_string(const Labels& labels);

/// time.Time.MarshalJSON content (without quotes) of a UTC time: RFC 3339 with the fraction's
/// trailing zeros trimmed ("2026-01-01T00:00:00.12Z", "2026-01-01T00:00:01Z").
std::string format_time(SysTime t);

/// Go's zero time.Time as JSON: what Alertmanager puts in `endsAt` of a firing alert.
inline constexpr std::string_view zero_time = "0001-01-01T00:00:00Z";

/// regexp.QuoteMeta: backslashes before \.+*?()|[]{}^$ (Alertmanager escapes the receiver name
/// in webhook payloads with it).
std::string quote_meta(std::string_view s);

}  // namespace vw::notify::go
