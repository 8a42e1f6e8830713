#pragma once
// Client addresses as Vault's audit log writes them, and IP networks: the ONE place that parses
// `request.remote_address` (`audit search --remote`, the rules' `remote:` matcher, and any
// detector that groups clients by network all use it).
//
// The shapes Vault writes in `remote_address`:
//   "10.1.2.3"                 HTTP requests (the port, since Vault 1.9, is in `remote_port`)
//   "2001:db8::5"              the same over IPv6
//   "::ffff:10.1.2.3"          an IPv4 client seen by a dual-stack listener (IPv4-mapped IPv6)
//   "192.168.0.10:36776"       KMIP entries (Enterprise): Go's net.Conn RemoteAddr, port included
//   "[2001:db8::10]:36778"     the same over IPv6 (Go's net.JoinHostPort brackets IPv6)
//   "[fe80::1%eth0]:36778"     link-local with a zone (the zone is ignored for matching)
//   ""                         internal requests
// An IPv4-mapped address is the IPv4 client it carries: it matches IPv4 networks and its /24 is
// an IPv4 /24.
//
// The address bytes come from inet_pton (libc: the well-kept parser of the textual forms; Asio's
// make_address would allocate a std::string per call, and this runs once per matched entry);
// the bracket/port/zone handling around it is Go's net.SplitHostPort convention, written here.
//
// Pure, allocation-free except IpNetwork's text; thread-compatible.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace vw {

/// A remote_address split into the address text and the port Vault put after it. Purely
/// syntactic (nothing validated): `host` is a view into the input without brackets or port.
struct HostPort {
  std::string_view host;
  std::uint16_t port = 0;  // 0: no port in the text
  bool operator==(const HostPort&) const = default;
};
HostPort split_host_port(std::string_view remote_address);

class IpNetwork;

/// An IPv4 or IPv6 address. IPv4-mapped IPv6 addresses are stored as the IPv4 address.
class IpAddress {
 public:
  /// One bare address: "10.1.2.3", "2001:db8::1", "::ffff:10.1.2.3" ("fe80::1%eth0": zone dropped).
  static std::optional<IpAddress> parse(std::string_view text);
  /// Any shape of remote_address listed above (brackets and port allowed).
  static std::optional<IpAddress> from_remote_address(std::string_view remote_address);

  bool is_v4() const { return v4_; }
  /// 32 or 128.
  unsigned bits() const { return v4_ ? 32 : 128; }
  /// The 4 (IPv4) or 16 (IPv6) address bytes, network order.
  const std::uint8_t* bytes() const { return bytes_.data(); }
  /// Canonical text: dotted quad, or RFC 5952 IPv6 (inet_ntop).
  std::string to_string() const;
  bool operator==(const IpAddress&) const = default;

 private:
  friend class IpNetwork;
  friend IpNetwork network_of(const IpAddress& a, unsigned prefix_length);
  bool v4_ = true;
  std::array<std::uint8_t, 16> bytes_{};
};

/// An IPv4 or IPv6 network: "10.0.0.0/8", "2001:db8::/32"; a bare address is a /32 or /128.
/// "::ffff:10.0.0.0/104" is the IPv4 network 10.0.0.0/8.
class IpNetwork {
 public:
  enum class HostBits { reject, allow };
  /// `reject` (alert rules): "10.1.2.3/8" is an error, it is a typo more often than not, as Go's
  /// ParseCIDR users expect the network address. `allow` (`audit search --remote`, an ad-hoc
  /// query): the host bits are ignored. Errors read `bad CIDR "TEXT": why`.
  static result<IpNetwork> parse(std::string_view text, HostBits host_bits = HostBits::reject);

  bool contains(const IpAddress& a) const;
  /// False for "" and anything that is not an address in one of the shapes above.
  bool contains(std::string_view remote_address) const;

  bool is_v4() const { return net_.is_v4(); }
  unsigned prefix_length() const { return prefix_; }
  const IpAddress& address() const { return net_; }
  /// As written (parse) or canonical "10.1.2.0/24" (network_of).
  const std::string& text() const { return text_; }
  bool operator==(const IpNetwork& o) const { return text_ == o.text_; }

 private:
  friend IpNetwork network_of(const IpAddress& a, unsigned prefix_length);
  IpAddress net_;
  unsigned prefix_ = 0;
  std::string text_;
};

/// The network of `prefix_length` bits around `a` (clamped to 32 / 128), host bits cleared:
/// network_of(10.1.2.3, 24) is 10.1.2.0/24.
IpNetwork network_of(const IpAddress& a, unsigned prefix_length);

/// The network a client usually owns: its IPv4 /24, or its IPv6 /64 (one subnet; providers
/// hand out a /64 or more per customer).
inline IpNetwork client_network(const IpAddress& a) { return network_of(a, a.is_v4() ? 24 : 64); }

}  // namespace vw
