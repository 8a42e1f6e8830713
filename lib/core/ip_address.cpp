#include "core/ip_address.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace vw {

namespace {

// "36776" -> 36776; 0 for anything that is not 1-5 digits in 1..65535.
std::uint16_t parse_port(std::string_view s) {
  unsigned v = 0;
  if (s.empty() || s.size() > 5) return 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || v > 65535) return 0;
  return static_cast<std::uint16_t>(v);
}

bool prefix_equal(const std::uint8_t* a, const std::uint8_t* b, unsigned bits) {
  const unsigned full = bits / 8, rest = bits % 8;
  if (std::memcmp(a, b, full) != 0) return false;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xff00u >> rest);
  return (a[full] & mask) == (b[full] & mask);
}

}  // namespace

HostPort split_host_port(std::string_view s) {
  if (s.starts_with('[')) {
    // "[v6]" or "[v6]:port" (Go's JoinHostPort); anything else is left whole (and won't parse).
    auto close = s.find(']');
    if (close == std::string_view::npos) return {s, 0};
    auto rest = s.substr(close + 1);
    if (rest.empty()) return {s.substr(1, close - 1), 0};
    if (rest.front() != ':') return {s, 0};
    auto port = parse_port(rest.substr(1));
    return port ? HostPort{s.substr(1, close - 1), port} : HostPort{s, 0};
  }
  // One colon: "ipv4:port". Two or more: a bare IPv6 address (Go never writes an IPv6 address
  // with a port but without brackets).
  auto colon = s.find(':');
  if (colon == std::string_view::npos || s.find(':', colon + 1) != std::string_view::npos) return {s, 0};
  auto port = parse_port(s.substr(colon + 1));
  return port ? HostPort{s.substr(0, colon), port} : HostPort{s, 0};
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  const bool v6 = text.find(':') != std::string_view::npos;
  // A zone ("fe80::1%eth0") names the interface the client came in on, not the client.
  if (auto pct = text.find('%'); v6 && pct != std::string_view::npos) text = text.substr(0, pct);
  // inet_pton needs a NUL-terminated string; an address is short, so a stack copy does.
  char buf[64];
  if (text.empty() || text.size() >= sizeof buf) return std::nullopt;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  IpAddress a;
  if (!v6) {
    if (inet_pton(AF_INET, buf, a.bytes_.data()) != 1) return std::nullopt;
    return a;
  }
  if (inet_pton(AF_INET6, buf, a.bytes_.data()) != 1) return std::nullopt;
  static constexpr std::uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(a.bytes_.data(), mapped, sizeof mapped) == 0) {
    std::memmove(a.bytes_.data(), a.bytes_.data() + 12, 4);
    std::memset(a.bytes_.data() + 4, 0, 12);
    return a;
  }
  a.v4_ = false;
  return a;
}

std::optional<IpAddress> IpAddress::from_remote_address(std::string_view remote_address) {
  return parse(split_host_port(remote_address).host);
}

std::string IpAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN];
  if (inet_ntop(v4_ ? AF_INET : AF_INET6, bytes_.data(), buf, sizeof buf) == nullptr) return {};
  return buf;
}

result<IpNetwork> IpNetwork::parse(std::string_view text, HostBits host_bits) {
  const auto bad = [&](const std::string& why) {
    return make_error("bad CIDR \"" + std::string(text) + "\": " + why);
  };
  const auto slash = text.find('/');
  std::string_view addr = text.substr(0, slash);
  if (addr.size() > 2 && addr.front() == '[' && addr.back() == ']') addr = addr.substr(1, addr.size() - 2);
  auto a = IpAddress::parse(addr);
  if (!a) return bad("not an IPv4 or IPv6 address");
  // Written as IPv6 but stored as IPv4: an IPv4-mapped address, whose prefix counts 96 bits more.
  const unsigned offset = a->is_v4() && addr.find(':') != std::string_view::npos ? 96 : 0;
  IpNetwork n;
  n.net_ = *a;
  n.prefix_ = a->bits();
  if (slash != std::string_view::npos) {
    const std::string_view len = text.substr(slash + 1);
    unsigned bits = 0;
    auto [p, ec] = std::from_chars(len.data(), len.data() + len.size(), bits);
    if (len.empty() || ec != std::errc{} || p != len.data() + len.size() || bits < offset ||
        bits - offset > a->bits())
      return bad("prefix length must be " + std::to_string(offset) + "-" +
                 std::to_string(offset + a->bits()));
    n.prefix_ = bits - offset;
  }
  auto net = network_of(*a, n.prefix_);
  if (!(net.net_ == *a)) {
    if (host_bits == HostBits::reject)
      return bad("host bits are set; did you mean the network address " + net.text() + "?");
    n.net_ = net.net_;
  }
  n.text_ = std::string(text);
  return n;
}

bool IpNetwork::contains(const IpAddress& a) const {
  return a.is_v4() == net_.is_v4() && prefix_equal(a.bytes(), net_.bytes(), prefix_);
}

bool IpNetwork::contains(std::string_view remote_address) const {
  auto a = IpAddress::from_remote_address(remote_address);
  return a && contains(*a);
}

IpNetwork network_of(const IpAddress& a, unsigned prefix_length) {
  IpNetwork n;
  n.prefix_ = std::min(prefix_length, a.bits());
  n.net_ = a;
  const unsigned full = n.prefix_ / 8, rest = n.prefix_ % 8, size = a.bits() / 8;
  auto* b = n.net_.bytes_.data();
  if (full < size) {
    b[full] &= static_cast<std::uint8_t>(0xff00u >> rest);
    std::memset(b + full + 1, 0, size - full - 1);
  }
  n.text_ = n.net_.to_string() + "/" + std::to_string(n.prefix_);
  return n;
}

}  // namespace vw
