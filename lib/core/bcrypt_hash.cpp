#include "core/bcrypt_hash.hpp"

#include <cctype>

namespace vw {

result<int> bcrypt_cost(std::string_view hash) {
  // $2y$10$ + 22 characters of salt + 31 of digest, in bcrypt's own base64 alphabet.
  const auto bad = [&] {
    return make_error("not a bcrypt hash (want $2y$, $2b$ or $2a$ as made by "
                      "`htpasswd -nBC 10 \"\" | tr -d ':\\n'`)");
  };
  if (hash.size() != 60 || hash[0] != '$' || hash[1] != '2' || hash[3] != '$' || hash[6] != '$')
    return bad();
  if (hash[2] != 'a' && hash[2] != 'b' && hash[2] != 'y') return bad();
  if (!std::isdigit(static_cast<unsigned char>(hash[4])) ||
      !std::isdigit(static_cast<unsigned char>(hash[5])))
    return bad();
  const int cost = (hash[4] - '0') * 10 + (hash[5] - '0');
  if (cost < 4 || cost > 31) return make_error("bcrypt cost must be between 4 and 31");
  for (char c : hash.substr(7))
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '/')) return bad();
  return cost;
}

}  // namespace vw
