#pragma once
// A throw-away PKI made with the openssl CLI at test time: a CA, a server certificate for
// localhost/127.0.0.1, and a client certificate. Nothing secret is committed to the repository.
#include <filesystem>
#include <string>

namespace vw::test {

struct TestPki {
  std::filesystem::path ca_cert, ca_key;
  std::filesystem::path server_cert, server_key;
  std::filesystem::path client_cert, client_key;
  std::filesystem::path other_ca_cert;  // a CA that signed nothing here (for "wrong CA" tests)
};

/// Creates the PKI in `dir` (fails the test on error).
TestPki make_test_pki(const std::filesystem::path& dir);

}  // namespace vw::test
