#pragma once
// The on-disk form of the rotation tracker (state_dir/rotation.json, written with
// rules::write_file_atomic: tmp + fsync + rename + fsync of the directory) and the
// GET /api/v1/rotation body. JSON stays behind these functions (STYLE: decode at the edge).
//
// The state file holds identities (the consumer keys) and remote addresses: it is written 0600
// in state_dir like the alert state. It never holds a token, an accessor or an HMAC.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "rotation/tracker.hpp"

namespace vw::rotation {

struct StoredState {
  SecretMap secrets;
  std::uint64_t evicted = 0;
};

/// Versioned JSON of the tracker's state.
std::string encode_state(const Tracker& t);
/// Reads what encode_state wrote; an unknown version or a malformed file is an error (the caller
/// starts empty and says so).
result<StoredState> decode_state(std::string_view json);

/// GET /api/v1/rotation: {"status":"success","data":{"secrets":[{path, glob, version,
/// written_at|null, writer, deleted, current, pending, stale, consumers:[{identity,
/// remote_address, last_version, last_read, picked_up_at|null, state, deadline|null}]}],
/// "pairs", "evicted"}}.
std::string rotation_api_json(const std::vector<SecretStatus>& secrets, std::size_t pairs,
                              std::uint64_t evicted);

}  // namespace vw::rotation
