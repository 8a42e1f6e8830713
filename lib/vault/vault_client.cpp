#include "vault/vault_client.hpp"

namespace vw::vault {

net::awaitable<http::Outcome> VaultClient::get(std::string path, bool authenticated) const {
  http::Request req;
  req.target = "/v1/" + path;
  req.headers.emplace_back("Accept", "application/json");
  if (authenticated && token_) {
    if (auto t = token_(); t && !t->empty()) req.headers.emplace_back("X-Vault-Token", t->reveal());
  }
  if (!namespace_.empty()) req.headers.emplace_back("X-Vault-Namespace", namespace_);
  co_return co_await http_->request(std::move(req));
}

}  // namespace vw::vault
