#include "vault/bodies.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "core/json_number.hpp"

namespace vw::vault {

using nlohmann::json;

namespace {

// The `data` object of a Vault API answer ({"data": {...}, ...}); `what` names the answer in
// the error.
result<json> data_of(std::string_view body, const char* what) {
  auto j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return make_error(std::string(what) + " body is not a JSON object");
  auto d = j.find("data");
  if (d == j.end() || !d->is_object()) return make_error(std::string(what) + " body has no data object");
  return result<json>(boost::system::in_place_value, std::move(*d));
}

}  // namespace

result<TokenLookup> decode_token_lookup(std::string_view body) {
  auto data = data_of(body, "lookup-self");
  if (!data) return data.error();
  const json& d = *data;
  auto ttl = d.find("ttl");
  if (ttl == d.end() || !ttl->is_number()) return make_error("lookup-self data has no numeric ttl");
  const auto ttl_value = json_integer<std::int64_t>(*ttl);
  if (!ttl_value) return make_error("lookup-self ttl is out of range");
  TokenLookup out;
  const std::int64_t t = *ttl_value;
  auto exp = d.find("expire_time");
  const bool has_expiry = exp != d.end() && exp->is_string() && !exp->get<std::string>().empty();
  // Vault reports a token without expiry (root, or no max TTL anywhere) as ttl 0 with
  // expire_time null; a token about to expire has ttl 0 and an expire_time.
  if (t > 0 || has_expiry) out.ttl_seconds = std::max<std::int64_t>(t, 0);
  if (auto r = d.find("renewable"); r != d.end() && r->is_boolean()) out.renewable = r->get<bool>();
  if (auto ty = d.find("type"); ty != d.end() && ty->is_string()) out.type = ty->get<std::string>();
  // Who the token is, so that the behavioural rules can leave the daemon's own requests out.
  if (auto e = d.find("entity_id"); e != d.end() && e->is_string()) out.entity_id = e->get<std::string>();
  if (auto n = d.find("display_name"); n != d.end() && n->is_string()) out.display_name = n->get<std::string>();
  return out;
}

result<KvMetadata> decode_kv_metadata(std::string_view body) {
  auto data = data_of(body, "metadata");
  if (!data) return data.error();
  const json& d = *data;
  auto cv = d.find("current_version");
  const auto version = cv != d.end() && cv->is_number_integer() ? json_integer<int>(*cv) : std::nullopt;
  if (!version) return make_error("metadata has no current_version");
  KvMetadata m;
  m.current_version = *version;
  if (m.current_version <= 0) {
    m.current_version = 0;  // metadata written without any data: no version to age
    return m;
  }
  std::string created;
  if (auto vs = d.find("versions"); vs != d.end() && vs->is_object()) {
    if (auto v = vs->find(std::to_string(m.current_version)); v != vs->end() && v->is_object()) {
      if (auto c = v->find("created_time"); c != v->end() && c->is_string()) created = c->get<std::string>();
      if (auto del = v->find("deletion_time"); del != v->end() && del->is_string() && !del->get<std::string>().empty())
        m.current_deleted = true;
      if (auto des = v->find("destroyed"); des != v->end() && des->is_boolean()) m.current_destroyed = des->get<bool>();
    }
  }
  if (created.empty()) {
    if (auto u = d.find("updated_time"); u != d.end() && u->is_string()) created = u->get<std::string>();
  }
  if (created.empty()) return make_error("metadata has no created_time for the current version");
  auto t = parse_rfc3339(created);
  if (!t) return make_error("metadata created_time: " + t.error().message);
  m.current_created = *t;
  return m;
}

}  // namespace vw::vault
