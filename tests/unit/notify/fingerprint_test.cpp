// Fingerprints as Alertmanager 0.25 computed them for the same label sets (research/prom-am.md
// §1.3 and the payloads in tests/fixtures/notify/).
#include "notify/fingerprint.hpp"

#include <gtest/gtest.h>

namespace vw::notify {
namespace {

TEST(Fingerprint, MatchesAlertmanager) {
  struct Case {
    Labels labels;
    std::string hex;
  } cases[] = {
      {{{"alertname", "VaultSealed"}, {"cluster", "prod"}, {"instance", "vault-1:8200"}, {"severity", "critical"}},
       "e5662c6eff44f6e4"},
      {{{"foo", "bar"}}, "3fff2c2d7595e046"},
      {{{"alertname", "T"}, {"q", "x\"<&>\\ \xc3\xa9\t\xe2\x80\xa8"}, {"vault", "a"}, {"vault2", "b"}},
       "b7e9695176129e6f"},
      {{{"alertname", "G"}, {"instance", "i1"}, {"sev", "x"}}, "808cdff8821b5df4"},
      {{{"alertname", "G"}, {"instance", "i2"}, {"sev", "x"}}, "bf2ff21849ee57ab"},
      {{}, "cbf29ce484222325"},  // the FNV-1a offset basis: no labels hashed
  };
  for (const auto& c : cases) EXPECT_EQ(fingerprint_hex(c.labels), c.hex);
}

TEST(Fingerprint, SeparatesNamesFromValues) {
  // Without the 0xFF separators these two would hash the same bytes.
  EXPECT_NE(fingerprint({{"ab", "c"}}), fingerprint({{"a", "bc"}}));
}

}  // namespace
}  // namespace vw::notify
