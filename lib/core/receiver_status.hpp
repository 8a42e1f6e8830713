#pragma once
// The delivery state of one notification receiver (an Alertmanager or a webhook): lib/notify
// produces it, the status page and /api/v1/status (lib/web) show it. One type for the concept.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "core/time.hpp"

namespace vw {

struct ReceiverStatus {
  std::string receiver;            // the `receiver` label value
  std::string kind;                // alertmanager | webhook
  std::string endpoint;            // Alertmanager URL; scheme://host:port of a webhook (no credentials)
  std::size_t queue_length = 0;    // waiting + in flight
  std::size_t queue_capacity = 0;
  std::uint64_t sent = 0, failed = 0, dropped = 0;  // since this receiver was built
  std::optional<SysTime> last_attempt;
  std::optional<SysTime> last_success;
  std::string last_outcome;        // "" (none yet), sent, failed
  std::string last_error;          // of the last failed attempt ("HTTP 503: ...", "connect: ...")
  unsigned consecutive_failures = 0;
  std::size_t spooled = 0;         // notifications in the spool file (kept for after a restart)
  bool operator==(const ReceiverStatus&) const = default;

  /// The error of the last attempt, "" when it succeeded (or none was made yet).
  std::string current_error() const { return last_outcome == "failed" ? last_error : std::string(); }
};

}  // namespace vw
