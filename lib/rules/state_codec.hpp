#pragma once
// The on-disk form of the alert state (state_dir/alerts.json) and the /api/v1/alerts body.
// JSON stays behind these functions (STYLE: decode at the edge into structs).
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "rules/engine.hpp"

namespace vw::rules {

/// Versioned JSON of an EngineState. Never contains an accessor or token: alerts keep only
/// sanitized audit events.
std::string encode_state(const EngineState& s);
/// Reads what encode_state wrote; an unknown version or malformed file is an error (the caller
/// starts with no state and says so).
result<EngineState> decode_state(std::string_view json);

/// GET /api/v1/alerts (SPEC §3), shaped like Prometheus' /api/v1/alerts:
/// {"status":"success","data":{"alerts":[{labels, annotations, state, activeAt, value, ...}]}}
/// Every pending and firing alert; audit alerts carry `lastEvent` (no HMAC'd fields).
std::string alerts_api_json(const Engine& engine);

/// Writes `content` to `path` so that a crash leaves either the old or the new file: a temporary
/// file in the same directory, fsync, rename over the target, fsync of the directory. Creates
/// the directory if needed.
result<void> write_file_atomic(const std::string& path, std::string_view content);

}  // namespace vw::rules
