#pragma once
// The last poll of one Vault endpoint: kept by lib/vault (vault::PollMetrics), shown by lib/web
// (GET / and /api/v1/status). One type for both, so nothing copies it field by field.
#include <optional>
#include <string>

#include "core/time.hpp"

namespace vw {

struct PollRecord {
  std::string endpoint;                  // health, leader, metrics, token, secrets
  std::optional<SysTime> last_attempt;   // nullopt = never
  std::optional<SysTime> last_success;
  unsigned http_status = 0;  // 0 = no HTTP answer
  std::string error;         // "" when the last poll succeeded; never contains a header value
  std::string error_reason;  // vaultwatch_poll_errors_total reason
  bool operator==(const PollRecord&) const = default;
};

}  // namespace vw
