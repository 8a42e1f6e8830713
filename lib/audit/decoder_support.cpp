// The parts of the decoder that must run on any CPU: this file is compiled with the project's
// ordinary flags, unlike decoder.cpp (see lib/audit/CMakeLists.txt).
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

const char* decoder_simd_target() { return VW_AUDIT_SIMD; }

std::optional<std::string> decoder_cpu_problem() {
  const std::string target = VW_AUDIT_SIMD;
#if defined(__x86_64__)
  __builtin_cpu_init();
  bool ok = true;
  if (target == "haswell")
    ok = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") &&
         __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("popcnt");
  else if (target == "westmere")
    ok = __builtin_cpu_supports("sse4.2") && __builtin_cpu_supports("pclmul");
  if (!ok)
    return "this build decodes audit lines with " + target +
           " instructions (CMake VW_AUDIT_SIMD) that this CPU lacks; rebuild with "
           "-DVW_AUDIT_SIMD=westmere or -DVW_AUDIT_SIMD=fallback";
#endif
  return std::nullopt;
}

}  // namespace vw::audit
