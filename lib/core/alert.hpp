#pragma once
// Alerts as the rule engine produces them and the notifiers deliver them. Identity is the label
// set (alertname + rule labels + external labels + group_by values), as in Prometheus.
#include <map>
#include <optional>
#include <string>

#include "core/time.hpp"

namespace vw {

using Labels = std::map<std::string, std::string>;

enum class AlertState { inactive, pending, firing };

inline const char* to_string(AlertState s) {
  switch (s) {
    case AlertState::inactive: return "inactive";
    case AlertState::pending: return "pending";
    case AlertState::firing: return "firing";
  }
  return "inactive";
}

/// What a notifier delivers: one alert instance at one moment. `ends_at` is in the future for a
/// firing alert (now + 4 x resend_interval) and equals the resolve time for a resolved one.
struct AlertNotification {
  Labels labels;
  Labels annotations;
  SysTime starts_at{};
  SysTime ends_at{};
  std::string generator_url;
  bool resolved = false;
  /// True when this notification reports a state change (new firing or resolved), false for a
  /// periodic re-send of a firing alert. Webhooks with send_resolved=false skip resolved ones.
  bool state_change = true;
  bool operator==(const AlertNotification&) const = default;
};

}  // namespace vw
