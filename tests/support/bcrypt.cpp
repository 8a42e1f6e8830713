#include "support/bcrypt.hpp"

#include <crypt.h>
#include <gtest/gtest.h>

#include <memory>

namespace vw::test {

std::string bcrypt_hash(const std::string& password, int cost, const std::string& prefix) {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  // libxcrypt generates $2b$ salts; the $2y$/$2a$ variants differ only in the prefix for
  // passwords without 8-bit characters, so the prefix is swapped as htpasswd would write it.
  if (crypt_gensalt_rn("$2b$", static_cast<unsigned long>(cost), nullptr, 0, salt, sizeof salt) == nullptr) {
    ADD_FAILURE() << "crypt_gensalt_rn failed";
    return {};
  }
  auto data = std::make_unique<crypt_data>();
  const char* h = crypt_r(password.c_str(), salt, data.get());
  if (h == nullptr || h[0] == '*') {
    ADD_FAILURE() << "crypt_r failed";
    return {};
  }
  std::string out(h);
  return prefix + out.substr(4);
}

}  // namespace vw::test
