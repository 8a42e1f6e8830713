// Every shape of remote_address Vault writes, networks and their matching (issue 16), and the
// /24 and /64 of a client for detectors (issue 14).
#include "core/ip_address.hpp"

#include <gtest/gtest.h>

namespace vw {
namespace {

TEST(SplitHostPort, EveryShapeVaultWrites) {
  struct Case {
    const char* in;
    const char* host;
    std::uint16_t port;
  } cases[] = {
      {"10.1.2.3", "10.1.2.3", 0},
      {"192.168.0.10:36776", "192.168.0.10", 36776},       // KMIP (Go net.Conn RemoteAddr)
      {"[2001:db8::10]:36778", "2001:db8::10", 36778},     // KMIP over IPv6
      {"[fe80::1%eth0]:5696", "fe80::1%eth0", 5696},       // link-local with a zone
      {"[2001:db8::10]", "2001:db8::10", 0},
      {"2001:db8::10", "2001:db8::10", 0},                 // bare IPv6: the last group is no port
      {"::1", "::1", 0},
      {"::ffff:10.1.2.3", "::ffff:10.1.2.3", 0},
      {"[::ffff:10.1.2.3]:8200", "::ffff:10.1.2.3", 8200},
      {"", "", 0},
      {"vault.internal:8200", "vault.internal", 8200},     // syntactic only; parse rejects it
      // Not a port: left whole (so it won't parse as an address either).
      {"10.1.2.3:", "10.1.2.3:", 0},
      {"10.1.2.3:0", "10.1.2.3:0", 0},
      {"10.1.2.3:65536", "10.1.2.3:65536", 0},
      {"10.1.2.3:123456", "10.1.2.3:123456", 0},
      {"10.1.2.3:80x", "10.1.2.3:80x", 0},
      {"10.1.2.3:-1", "10.1.2.3:-1", 0},
      {"[2001:db8::10]36778", "[2001:db8::10]36778", 0},
      {"[2001:db8::10", "[2001:db8::10", 0},
      {"[2001:db8::10]:", "[2001:db8::10]:", 0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.in);
    EXPECT_EQ(split_host_port(c.in), (HostPort{c.host, c.port}));
  }
}

TEST(IpAddress, ParsesRemoteAddressesToOneCanonicalAddress) {
  struct Case {
    const char* in;
    const char* canonical;  // nullptr: not an address
    bool v4;
  } cases[] = {
      {"10.1.2.3", "10.1.2.3", true},
      {"192.168.0.10:36776", "192.168.0.10", true},
      {"[2001:db8::10]:36778", "2001:db8::10", false},
      {"2001:DB8:0:0::10", "2001:db8::10", false},
      {"::ffff:10.1.2.3", "10.1.2.3", true},               // IPv4-mapped: the IPv4 client
      {"::FFFF:10.1.2.3", "10.1.2.3", true},
      {"[::ffff:10.1.2.3]:8200", "10.1.2.3", true},
      {"::ffff:0a01:0203", "10.1.2.3", true},
      {"[fe80::1%eth0]:5696", "fe80::1", false},
      {"fe80::1%eth0", "fe80::1", false},
      {"::1", "::1", false},
      {"::", "::", false},
      {"0.0.0.0", "0.0.0.0", true},
      {"", nullptr, false},
      {"vault.internal", nullptr, false},
      {"vault.internal:8200", nullptr, false},
      {"hmac-sha256:abcd", nullptr, false},
      {"10.0.0", nullptr, false},
      {"10.0.0.256", nullptr, false},
      {"10.1.2.3%eth0", nullptr, false},
      {"10.1.2.3:", nullptr, false},
      {"1.2.3.4.5", nullptr, false},
      {"2001:db8::10:8200", "2001:db8::10:8200", false},  // bare IPv6: 8200 is its last group
      {"::ffff:10.1.2.3:36776", nullptr, false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.in);
    auto a = IpAddress::from_remote_address(c.in);
    if (!c.canonical) {
      EXPECT_FALSE(a) << a->to_string();
      continue;
    }
    ASSERT_TRUE(a);
    EXPECT_EQ(a->to_string(), c.canonical);
    EXPECT_EQ(a->is_v4(), c.v4);
    EXPECT_EQ(a->bits(), c.v4 ? 32u : 128u);
  }
  // parse() takes a bare address only.
  EXPECT_FALSE(IpAddress::parse("192.168.0.10:36776"));
  EXPECT_FALSE(IpAddress::parse("[2001:db8::10]"));
  EXPECT_EQ(*IpAddress::parse("::ffff:10.1.2.3"), *IpAddress::parse("10.1.2.3"));
}

TEST(IpNetwork, ContainsEveryShape) {
  struct Case {
    const char* net;
    const char* addr;
    bool in;
  } cases[] = {
      {"192.168.0.0/16", "192.168.0.10:36776", true},  // issue 16: KMIP ports used to miss
      {"2001:db8::/32", "[2001:db8::10]:36778", true},
      {"192.168.0.0/16", "192.169.0.10:36776", false},
      {"10.0.0.0/8", "10.255.1.1", true},
      {"10.0.0.0/8", "11.0.0.1", false},
      {"10.0.0.0/8", "::ffff:10.2.3.4", true},
      {"10.0.0.0/8", "[::ffff:10.2.3.4]:443", true},
      {"10.0.0.0/8", "10.0.0.1:8200", true},
      {"10.1.2.0/23", "10.1.3.255", true},
      {"10.1.2.0/23", "10.1.4.0", false},
      {"192.168.1.0/25", "192.168.1.127", true},
      {"192.168.1.0/25", "192.168.1.128", false},
      {"192.168.1.7", "192.168.1.7", true},
      {"192.168.1.7", "192.168.1.7:36776", true},
      {"192.168.1.7", "192.168.1.8", false},
      {"0.0.0.0/0", "1.2.3.4", true},
      {"0.0.0.0/0", "::1", false},
      {"0.0.0.0/0", "2001:db8::1", false},
      {"::/0", "::1", true},
      {"::/0", "10.0.0.1", false},  // an IPv4 client is not in an IPv6 network
      {"2001:db8::/32", "2001:db8:ffff::1", true},
      {"2001:db8::/32", "2001:db9::1", false},
      {"fe80::/10", "[fe80::1%eth0]:5696", true},
      {"::ffff:10.0.0.0/104", "10.9.9.9", true},  // a mapped network is the IPv4 network
      {"::ffff:10.0.0.0/104", "::ffff:10.9.9.9", true},
      {"::ffff:10.0.0.0/104", "11.0.0.1", false},
      {"[2001:db8::]/32", "2001:db8::1", true},
      {"10.0.0.0/8", "", false},
      {"10.0.0.0/8", "vault.internal", false},
      {"10.0.0.0/8", "hmac-sha256:abc", false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.net) + " " + c.addr);
    auto n = IpNetwork::parse(c.net);
    ASSERT_TRUE(n) << n.error().message;
    EXPECT_EQ(n->contains(c.addr), c.in);
    if (auto a = IpAddress::from_remote_address(c.addr)) {
      EXPECT_EQ(n->contains(*a), c.in);
    }
    EXPECT_EQ(n->text(), c.net);
  }
}

TEST(IpNetwork, RejectsBadNetworksWithTheReason) {
  struct Case {
    const char* text;
    const char* error;
  } cases[] = {
      {"", "bad CIDR \"\": not an IPv4 or IPv6 address"},
      {"x", "bad CIDR \"x\": not an IPv4 or IPv6 address"},
      {"/8", "not an IPv4 or IPv6 address"},
      {"10.0.0", "not an IPv4 or IPv6 address"},
      {"10.0.0/8", "not an IPv4 or IPv6 address"},
      {"10.0.0.0:80/8", "not an IPv4 or IPv6 address"},
      {"10.0.0.0/", "prefix length must be 0-32"},
      {"10.0.0.0/x", "prefix length must be 0-32"},
      {"10.0.0.0/33", "prefix length must be 0-32"},
      {"10.0.0.0/-1", "prefix length must be 0-32"},
      {"::/129", "prefix length must be 0-128"},
      {"::ffff:10.0.0.0/95", "prefix length must be 96-128"},
      {"10.1.2.3/8", "bad CIDR \"10.1.2.3/8\": host bits are set; did you mean the network address 10.0.0.0/8?"},
      {"2001:db8::1/32", "did you mean the network address 2001:db8::/32?"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto n = IpNetwork::parse(c.text);
    ASSERT_FALSE(n);
    EXPECT_NE(n.error().message.find(c.error), std::string::npos) << n.error().message;
  }
  // An ad-hoc query may name any address of the network.
  auto loose = IpNetwork::parse("10.1.2.3/8", IpNetwork::HostBits::allow);
  ASSERT_TRUE(loose);
  EXPECT_TRUE(loose->contains("10.200.0.1"));
  EXPECT_FALSE(loose->contains("11.0.0.1"));
  EXPECT_EQ(loose->text(), "10.1.2.3/8");
  EXPECT_EQ(loose->address().to_string(), "10.0.0.0");
}

TEST(IpNetwork, NetworkOfAnAddressForDetectors) {
  struct Case {
    const char* addr;
    unsigned bits;
    const char* net;
  } cases[] = {
      {"10.1.2.3", 24, "10.1.2.0/24"},
      {"10.1.2.3", 16, "10.1.0.0/16"},
      {"10.1.2.3", 23, "10.1.2.0/23"},
      {"10.1.3.3", 23, "10.1.2.0/23"},
      {"10.1.2.3", 32, "10.1.2.3/32"},
      {"10.1.2.3", 0, "0.0.0.0/0"},
      {"10.1.2.3", 64, "10.1.2.3/32"},  // clamped
      {"192.168.0.10:36776", 24, "192.168.0.0/24"},
      {"::ffff:10.1.2.3", 24, "10.1.2.0/24"},
      {"[2001:db8:1:2:3:4:5:6]:36778", 64, "2001:db8:1:2::/64"},
      {"2001:db8:1:2:3:4:5:6", 48, "2001:db8:1::/48"},
      {"2001:db8:1:2:3:4:5:6", 128, "2001:db8:1:2:3:4:5:6/128"},
      {"2001:db8:1:2:3:4:5:6", 200, "2001:db8:1:2:3:4:5:6/128"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.addr);
    auto a = IpAddress::from_remote_address(c.addr);
    ASSERT_TRUE(a);
    auto n = network_of(*a, c.bits);
    EXPECT_EQ(n.text(), c.net);
    EXPECT_TRUE(n.contains(*a));
    // The text parses back to the same network.
    auto back = IpNetwork::parse(n.text());
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->address(), n.address());
    EXPECT_EQ(back->prefix_length(), n.prefix_length());
  }
  auto v4 = *IpAddress::from_remote_address("192.168.0.10:36776");
  auto v6 = *IpAddress::from_remote_address("[2001:db8::10]:36778");
  EXPECT_EQ(client_network(v4).text(), "192.168.0.0/24");
  EXPECT_EQ(client_network(v6).text(), "2001:db8::/64");
  // Two clients of one /24 share it; the key compares equal.
  EXPECT_EQ(client_network(*IpAddress::parse("192.168.0.77")), client_network(v4));
  EXPECT_FALSE(client_network(*IpAddress::parse("192.168.1.77")) == client_network(v4));
}

}  // namespace
}  // namespace vw
