#include "core/error_text.hpp"

#include <gtest/gtest.h>

namespace vw {
namespace {

TEST(ReadableError, VaultMultiErrorWrapperBecomesItsItems) {
  struct {
    const char* in;
    const char* out;
  } table[] = {
      // go-multierror's ListFormatFunc, as Vault writes it in audit entries.
      {"1 error occurred:\n\t* permission denied\n\n", "permission denied"},
      {"2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n", "permission denied; invalid token"},
      {"unable to authenticate: 1 error occurred:\n\t* invalid role ID\n\n", "unable to authenticate: invalid role ID"},
      // An item continued on its own line stays one item.
      {"1 error occurred:\n\t* bad request\nline two\n\n", "bad request line two"},
      // Not the wrapper: only whitespace is tidied.
      {"permission denied", "permission denied"},
      {"  connection refused\n\tdial tcp  ", "connection refused dial tcp"},
      {"an error occurred: x", "an error occurred: x"},
      {"", ""},
  };
  for (const auto& c : table) EXPECT_EQ(readable_error(c.in), c.out) << c.in;
}

}  // namespace
}  // namespace vw
