#pragma once
// The shape of a bcrypt hash (exporter-toolkit `basic_auth_users`): checked by lib/config when
// it reads the web config, and by nothing else; verifying a password is lib/http's
// (http::bcrypt_verify, libxcrypt). Pure.
#include <string_view>

#include "core/result.hpp"

namespace vw {

/// Checks that `hash` is a bcrypt hash ($2a$, $2b$ or $2y$, cost 4..31, 53 characters of salt
/// and digest). Returns the cost.
result<int> bcrypt_cost(std::string_view hash);

}  // namespace vw
