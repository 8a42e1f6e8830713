#pragma once
// An IPv4 or IPv6 network ("10.1.0.0/16", "2001:db8::/32", or a bare address = /32 or /128) and
// the test "is this remote_address inside it". Written here rather than with Asio's network_v4/v6
// because it is pure, allocation-free per match, and runs once per candidate entry.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace vw::forensics {

class Cidr {
 public:
  static result<Cidr> parse(std::string_view text);

  /// False for anything that is not an address of the same family (empty, a hostname, HMAC'd).
  /// An IPv4-mapped IPv6 address ("::ffff:10.0.0.1") matches an IPv4 network.
  bool contains(std::string_view address) const;

  const std::string& text() const { return text_; }

 private:
  std::string text_;
  bool v6_ = false;
  unsigned bits_ = 0;
  std::array<std::uint8_t, 16> net_{};
};

}  // namespace vw::forensics
