#include "support/pki.hpp"

#include <gtest/gtest.h>

#include "support/subprocess.hpp"
#include "support/test_support.hpp"

namespace vw::test {

namespace {

void openssl(std::vector<std::string> args) {
  args.insert(args.begin(), "openssl");
  auto r = run_command(args);
  if (r.exit_code != 0) ADD_FAILURE() << "openssl failed: " << r.output;
}

void make_ca(const std::filesystem::path& key, const std::filesystem::path& cert,
             const std::string& cn) {
  openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
           "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=" + cn,
           "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"});
}

void make_leaf(const std::filesystem::path& dir, const std::string& name, const std::string& ext,
               const TestPki& p, const std::filesystem::path& key, const std::filesystem::path& cert) {
  auto csr = dir / (name + ".csr");
  auto extfile = dir / (name + ".ext");
  write_file(extfile, ext);
  openssl({"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
           key, "-out", csr, "-subj", "/CN=" + name});
  openssl({"x509", "-req", "-in", csr, "-CA", p.ca_cert, "-CAkey", p.ca_key, "-CAcreateserial",
           "-out", cert, "-days", "2", "-extfile", extfile});
}

}  // namespace

TestPki make_test_pki(const std::filesystem::path& dir) {
  TestPki p;
  p.ca_cert = dir / "ca.pem";
  p.ca_key = dir / "ca-key.pem";
  p.server_cert = dir / "server.pem";
  p.server_key = dir / "server-key.pem";
  p.client_cert = dir / "client.pem";
  p.client_key = dir / "client-key.pem";
  p.other_ca_cert = dir / "other-ca.pem";
  make_ca(p.ca_key, p.ca_cert, "vaultwatch test CA");
  make_ca(dir / "other-ca-key.pem", p.other_ca_cert, "unrelated CA");
  make_leaf(dir, "localhost",
            "subjectAltName=DNS:localhost,DNS:vault.test,IP:127.0.0.1\n"
            "extendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n",
            p, p.server_key, p.server_cert);
  make_leaf(dir, "client", "extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n", p,
            p.client_key, p.client_cert);
  return p;
}

}  // namespace vw::test
