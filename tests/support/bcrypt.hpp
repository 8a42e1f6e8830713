#pragma once
// bcrypt hashes for web-config tests, made with libxcrypt (what `htpasswd -nB` produces).
#include <string>

namespace vw::test {

/// A `$2y$` hash of `password` with the given cost (4 keeps tests fast; 10 is the usual).
std::string bcrypt_hash(const std::string& password, int cost = 4, const std::string& prefix = "$2y$");

}  // namespace vw::test
