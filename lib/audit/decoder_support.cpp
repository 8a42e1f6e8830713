// The decoder's parts that need no simdjson.
#include "audit/decoder.hpp"

#include <string>

namespace vw::audit {

const char* to_string(DecodeError e) {
  switch (e) {
    case DecodeError::bad_json: return "bad_json";
    case DecodeError::too_long: return "too_long";
    case DecodeError::missing_field: return "missing_field";
  }
  return "bad_json";
}

DecodedLine decode_line(std::string_view line, std::string_view prefix) {
  Decoder d{std::string(prefix)};
  AuditEntryView v;
  DecodedLine out;
  out.error = d.decode(line, v);
  if (!out.error) out.event = to_event(v);
  return out;
}

}  // namespace vw::audit
