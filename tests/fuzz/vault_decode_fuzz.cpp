// libFuzzer target for the Vault answer decoders (lib/vault/health.cpp, bodies.cpp): sys/health,
// sys/leader, auth/token/lookup-self and KV v2 metadata bodies. Any byte string is what a Vault node, a proxy in front
// of it or a man in the middle may answer; a decoder must return an error, never crash, throw
// or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "vault/bodies.hpp"
#include "vault/health.hpp"

using namespace vw::vault;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  if (auto h = decode_health(body)) {
    HealthSample s;
    s.status = 200;
    s.body = *h;
    (void)s.state();
    (void)s.up();
  }
  if (auto l = decode_leader(body)) {
    LeaderSample s;
    s.status = 200;
    s.body = *l;
    LeaderTracker t;
    (void)t.observe(s);
    (void)t.observe(s);
  }
  (void)decode_token_lookup(body);
  if (auto m = decode_kv_metadata(body)) {
    // What the secret poller does with it: age of the current version.
    (void)(m->current_version > 0 ? vw::to_unix_seconds(m->current_created) : 0.0);
  }
  return 0;
}
