// redact_text: what a peer echoes back never reaches a log line with a token or an HMAC in it.
#include <gtest/gtest.h>

#include "core/redact.hpp"

namespace vw {
namespace {

TEST(RedactText, TokensHmacsAndKnownSecretsAreReplaced) {
  struct Case {
    std::string in, want;
  };
  const Case cases[] = {
      {"", ""},
      {"permission denied", "permission denied"},
      {"bad token hvs.CAESIJ0123456789abcdefghijKLMN here", "bad token <redacted> here"},
      {"X-Vault-Token: hvb.AAAAAQJ0123456789abcdefghij_-", "X-Vault-Token: <redacted>"},
      {"legacy s.0123456789abcdefghijklmn.", "legacy <redacted>"},
      {"{\"errors\":[\"hvr.0123456789abcdefghijKLMN\"]}", "{\"errors\":[\"<redacted>\"]}"},
      {"accessor hmac-sha256:5763f72be607ec28f3ecb6d2a9 end", "accessor <redacted> end"},
      {"hmac-sha256:", "<redacted>"},
      {"hmac-sha256:abcXYZ", "<redacted>XYZ"},
      // Not tokens: too short, inside a word, a dotted name.
      {"hvs.short", "hvs.short"},
      {"this.s.0123456789abcdefghijklmn", "this.s.0123456789abcdefghijklmn"},
      {"class.b.x", "class.b.x"},
      {"vault_core_unsealed", "vault_core_unsealed"},
  };
  for (const auto& c : cases) EXPECT_EQ(redact_text(c.in), c.want) << c.in;
}

TEST(RedactText, KnownSecretsAnywhereInTheText) {
  EXPECT_EQ(redact_text("echo: my-custom-token-value;", {"my-custom-token-value"}), "echo: <redacted>;");
  EXPECT_EQ(redact_text("aXYZbXYZ", {"XYZ"}), "aXYZbXYZ") << "shorter than 4 bytes: ignored";
  EXPECT_EQ(redact_text("k1=abcd k2=efgh", {"abcd", "efgh", ""}), "k1=<redacted> k2=<redacted>");
}

}  // namespace
}  // namespace vw
