#pragma once
// Decoders of the Vault answers the token checker and the secret poller read: pure functions
// of the body, apart from the pollers so that the vault_decode fuzzer and the unit tests
// reach them without the HTTP client.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "core/time.hpp"

namespace vw::vault {

/// The fields of a lookup-self answer we use.
struct TokenLookup {
  std::optional<std::int64_t> ttl_seconds;  // nullopt: the token never expires (e.g. root)
  bool renewable = false;
  std::string type;  // service, batch
  std::string entity_id;     // "" for tokens without an entity (root, token-auth tokens)
  std::string display_name;  // "token-vaultwatch", "approle", "root"
  bool operator==(const TokenLookup&) const = default;
};

/// Decodes `{"data":{"ttl":..., "expire_time":..., "renewable":..., "type":...}}`. A token
/// without an expiry has ttl 0 and expire_time null. Pure; never throws.
result<TokenLookup> decode_token_lookup(std::string_view body);

/// What we use of GET <mount>/metadata/<path>.
struct KvMetadata {
  int current_version = 0;
  SysTime current_created{};  // created_time of the current version
  bool current_deleted = false;    // soft-deleted (deletion_time set and in the past)
  bool current_destroyed = false;
  bool operator==(const KvMetadata&) const = default;
};

/// Decodes the metadata body. The current version's created_time comes from
/// `versions[current_version]`; when Vault omits it (older versions list only the newest
/// max_versions) `updated_time` is used. current_version 0 means metadata without any data
/// written (then nothing else is set). Pure; never throws.
result<KvMetadata> decode_kv_metadata(std::string_view body);

}  // namespace vw::vault
