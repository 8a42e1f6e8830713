#include "forensics/cidr.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace vw::forensics {

namespace {

// inet_pton needs a NUL-terminated string; addresses are short, so a stack copy does.
bool to_bytes(std::string_view s, bool& v6, std::array<std::uint8_t, 16>& out) {
  char buf[64];
  if (s.empty() || s.size() >= sizeof buf) return false;
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  out.fill(0);
  if (inet_pton(AF_INET, buf, out.data()) == 1) {
    v6 = false;
    return true;
  }
  if (inet_pton(AF_INET6, buf, out.data()) == 1) {
    v6 = true;
    return true;
  }
  return false;
}

bool prefix_equal(const std::uint8_t* a, const std::uint8_t* b, unsigned bits) {
  const unsigned full = bits / 8, rest = bits % 8;
  if (std::memcmp(a, b, full) != 0) return false;
  if (rest == 0) return true;
  const std::uint8_t mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (a[full] & mask) == (b[full] & mask);
}

}  // namespace

result<Cidr> Cidr::parse(std::string_view text) {
  Cidr c;
  c.text_ = text;
  auto slash = text.find('/');
  auto addr = text.substr(0, slash);
  if (!to_bytes(addr, c.v6_, c.net_))
    return make_error("--remote \"" + std::string(text) + "\": not an IP address or CIDR network");
  const unsigned max = c.v6_ ? 128 : 32;
  c.bits_ = max;
  if (slash != std::string_view::npos) {
    auto len = text.substr(slash + 1);
    unsigned bits = 0;
    auto [p, ec] = std::from_chars(len.data(), len.data() + len.size(), bits);
    if (len.empty() || ec != std::errc{} || p != len.data() + len.size() || bits > max)
      return make_error("--remote \"" + std::string(text) + "\": prefix length must be 0-" +
                        std::to_string(max));
    c.bits_ = bits;
  }
  return c;
}

bool Cidr::contains(std::string_view address) const {
  bool v6 = false;
  std::array<std::uint8_t, 16> a;
  if (!to_bytes(address, v6, a)) return false;
  if (v6 && !v6_) {
    // ::ffff:a.b.c.d is an IPv4 client seen by a dual-stack listener.
    static constexpr std::uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(a.data(), mapped, 12) != 0) return false;
    return prefix_equal(a.data() + 12, net_.data(), bits_);
  }
  if (v6 != v6_) return false;
  return prefix_equal(a.data(), net_.data(), bits_);
}

}  // namespace vw::forensics
