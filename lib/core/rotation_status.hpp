#pragma once
// What the rotation tracker reports about a tracked secret and its consumers: rotation::Tracker's
// status()/behind()/counts(), /api/v1/rotation, the alert rule's input, the offline report and
// the status page. In core, not in lib/rotation, so that lib/web shows it as it is (web may not
// depend on the tracker) instead of a copy of its own filled field by field.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"

namespace vw::rotation {

enum class State { current, pending, stale };
constexpr const char* to_string(State s) {
  switch (s) {
    case State::current: return "current";
    case State::pending: return "pending";
    case State::stale: return "stale";
  }
  return "current";
}

/// A consumer as reported (API, alert annotations, offline CLI).
struct ConsumerStatus {
  std::string identity;
  std::string remote_address;
  std::uint64_t last_version = 0;
  SysTime last_read{};
  std::optional<SysTime> picked_up_at;
  State state = State::current;
  std::optional<SysTime> deadline;  // when a behind consumer is (or was) due
  bool operator==(const ConsumerStatus&) const = default;
};

struct SecretStatus {
  std::string path;  // namespace path + data path ("ns1/secret/data/app")
  std::string glob;
  std::uint64_t version = 0;
  std::optional<SysTime> written_at;
  std::string writer;
  bool deleted = false;
  std::size_t current = 0, pending = 0, stale = 0;
  /// Stale first, then pending, then current; within a state the oldest read first.
  std::vector<ConsumerStatus> consumers;
  bool operator==(const SecretStatus&) const = default;
};

}  // namespace vw::rotation
