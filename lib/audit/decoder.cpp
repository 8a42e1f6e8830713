// The simdjson part of the decoder (see lib/audit/CMakeLists.txt for why it needs no -m flags).
#include "audit/decoder.hpp"

#include <simdjson.h>

#include <cstring>
#include <vector>

namespace vw::audit {

namespace od = simdjson::ondemand;
using simdjson::error_code;

static_assert(line_padding >= simdjson::SIMDJSON_PADDING);

namespace {

// Lines at most this long keep simdjson's buffers allocated between lines; after a longer one
// (up to audit.max_line_bytes) the parser shrinks back so one huge line does not pin megabytes.
constexpr std::size_t keep_capacity = 256 * 1024;

// How a field's value is read: a value of an unexpected type (null included) is treated as
// absent and skipped by the enclosing iteration; any other error means the document itself is
// broken (bad escapes, unbalanced structure) and the line is bad_json.
error_code opt_string(od::value& v, std::string_view& out) {
  auto r = v.get_string();
  if (r.error() == simdjson::INCORRECT_TYPE) return simdjson::SUCCESS;
  return std::move(r).get(out);
}

// request.remote_port: an integer 1-65535; anything else is treated as absent.
error_code opt_port(od::value& v, std::uint16_t& out) {
  std::uint64_t n = 0;
  auto e = v.get_uint64().get(n);
  // Not a non-negative integer (a string, -1, 1.5, 1e99): absent, like other mistyped fields.
  if (e == simdjson::INCORRECT_TYPE || e == simdjson::NUMBER_OUT_OF_RANGE || e == simdjson::NUMBER_ERROR)
    return simdjson::SUCCESS;
  if (e) return e;
  if (n <= 65535) out = static_cast<std::uint16_t>(n);
  return simdjson::SUCCESS;
}

// A version number: only a non-negative integer counts (a string, e.g. an HMAC'd one, does not).
void read_version(od::value v, std::int64_t& out) {
  std::int64_t n = 0;
  if (v.get_int64().get(n) == simdjson::SUCCESS && n >= 0) out = n;
}

}  // namespace

struct Decoder::Impl {
  std::string prefix;
  od::parser parser;
  std::vector<std::string_view> policies;
  std::vector<std::pair<std::string_view, std::string_view>> metadata;
  std::vector<char> copy;  // padded copy for decode()
  std::size_t last_len = 0;

  std::optional<DecodeError> run(std::string_view line, AuditEntryView& out);
  error_code read_request(od::value v, AuditEntryView& out);
  error_code read_auth(od::value v, AuditEntryView& out);
  error_code read_namespace(od::value v, AuditEntryView& out);
  error_code read_response(od::value v, AuditEntryView& out);
};

error_code Decoder::Impl::read_response(od::value v, AuditEntryView& out) {
  // Only whether response.data has an "error" key and the KV v2 version number
  // (data.version, data.metadata.version); everything else is skipped unread.
  od::object o;
  if (auto e = v.get_object().get(o)) return e == simdjson::INCORRECT_TYPE ? simdjson::SUCCESS : e;
  for (auto fr : o) {
    od::field f;
    if (auto e = std::move(fr).get(f)) return e;
    if (f.key() != "data") continue;
    od::object d;
    if (auto e = f.value().get_object().get(d)) return e == simdjson::INCORRECT_TYPE ? simdjson::SUCCESS : e;
    for (auto dr : d) {
      od::field df;
      if (auto e = std::move(dr).get(df)) return e;
      auto dk = df.key();
      if (dk == "error") out.response_error = true;
      else if (dk == "version") read_version(df.value(), out.kv_version);
      else if (dk == "metadata") {
        od::object m;
        if (df.value().get_object().get(m)) continue;  // null or not an object: no version
        for (auto mr : m) {
          od::field mf;
          if (auto e = std::move(mr).get(mf)) return e;
          if (mf.key() == "version") read_version(mf.value(), out.kv_version);
        }
      }
    }
  }
  return simdjson::SUCCESS;
}

error_code Decoder::Impl::read_namespace(od::value v, AuditEntryView& out) {
  od::object o;
  if (auto e = v.get_object().get(o)) return e == simdjson::INCORRECT_TYPE ? simdjson::SUCCESS : e;
  for (auto fr : o) {
    od::field f;
    if (auto e = std::move(fr).get(f)) return e;
    auto k = f.key();
    error_code e = simdjson::SUCCESS;
    if (k == "id") e = opt_string(f.value(), out.namespace_id);
    else if (k == "path") e = opt_string(f.value(), out.namespace_path);
    if (e) return e;
  }
  return simdjson::SUCCESS;
}

error_code Decoder::Impl::read_request(od::value v, AuditEntryView& out) {
  od::object o;
  if (auto e = v.get_object().get(o)) return e == simdjson::INCORRECT_TYPE ? simdjson::SUCCESS : e;
  for (auto fr : o) {
    od::field f;
    if (auto e = std::move(fr).get(f)) return e;
    auto k = f.key();
    error_code e = simdjson::SUCCESS;
    // Most frequent keys first; `data` (the bulk of many entries) falls through and is skipped.
    if (k == "operation") e = opt_string(f.value(), out.operation);
    else if (k == "path") e = opt_string(f.value(), out.path);
    else if (k == "mount_point") e = opt_string(f.value(), out.mount_point);
    else if (k == "mount_type") e = opt_string(f.value(), out.mount_type);
    else if (k == "remote_address") e = opt_string(f.value(), out.remote_address);
    else if (k == "remote_port") e = opt_port(f.value(), out.remote_port);
    else if (k == "id") e = opt_string(f.value(), out.request_id);
    else if (k == "namespace") e = read_namespace(f.value(), out);
    if (e) return e;
  }
  return simdjson::SUCCESS;
}

error_code Decoder::Impl::read_auth(od::value v, AuditEntryView& out) {
  od::object o;
  if (auto e = v.get_object().get(o)) return e == simdjson::INCORRECT_TYPE ? simdjson::SUCCESS : e;
  std::string_view& client_token = out.client_token;
  for (auto fr : o) {
    od::field f;
    if (auto e = std::move(fr).get(f)) return e;
    auto k = f.key();
    error_code e = simdjson::SUCCESS;
    if (k == "display_name") e = opt_string(f.value(), out.display_name);
    else if (k == "policies") {
      od::array a;
      if (auto ae = f.value().get_array().get(a)) {
        e = ae == simdjson::INCORRECT_TYPE ? simdjson::SUCCESS : ae;  // "policies": null
      } else {
        for (auto pr : a) {
          od::value p;
          if ((e = std::move(pr).get(p))) break;
          std::string_view s;
          if ((e = opt_string(p, s))) break;
          if (!s.empty()) policies.push_back(s);
        }
      }
    } else if (k == "metadata") {
      od::object m;
      if (auto me = f.value().get_object().get(m)) {
        e = me == simdjson::INCORRECT_TYPE ? simdjson::SUCCESS : me;  // "metadata": null
      } else {
        for (auto mr : m) {
          od::field mf;
          if ((e = std::move(mr).get(mf))) break;
          std::string_view key;
          // Metadata keys are user-chosen (role_name, project_path, ...): unescape them.
          if ((e = mf.unescaped_key().get(key))) break;
          std::string_view val;
          bool is_string = true;
          {
            auto r = mf.value().get_string();
            if (r.error() == simdjson::INCORRECT_TYPE) is_string = false;
            else if ((e = std::move(r).get(val))) break;
          }
          if (is_string) metadata.emplace_back(key, val);
        }
      }
    } else if (k == "entity_id") e = opt_string(f.value(), out.entity_id);
    else if (k == "token_type") e = opt_string(f.value(), out.token_type);
    else if (k == "accessor") e = opt_string(f.value(), out.accessor);
    else if (k == "client_token") e = opt_string(f.value(), client_token);
    if (e) return e;
  }
  // Vault writes an empty auth ({"token_type":"default"}, or with an empty display_name and null
  // policies) for unauthenticated requests: that is no identity at all.
  out.has_auth = !client_token.empty() || !out.accessor.empty() || !out.display_name.empty() ||
                 !policies.empty() || !out.entity_id.empty();
  return simdjson::SUCCESS;
}

std::optional<DecodeError> Decoder::Impl::run(std::string_view line, AuditEntryView& out) {
  out = AuditEntryView{};
  policies.clear();
  metadata.clear();
  if (!prefix.empty() && line.starts_with(prefix)) line.remove_prefix(prefix.size());

  // After an unusually long line, give simdjson's buffers back before parsing a short one (not
  // right after the long one: the views handed out point into those buffers).
  if (last_len > keep_capacity && line.size() <= keep_capacity && parser.capacity() > keep_capacity &&
      parser.allocate(keep_capacity)) {
    // On failure the parser just keeps its larger buffers.
  }
  last_len = line.size();

  od::document doc;
  if (parser.iterate(line.data(), line.size(), line.size() + simdjson::SIMDJSON_PADDING).get(doc))
    return DecodeError::bad_json;
  od::object root;
  if (doc.get_object().get(root)) return DecodeError::bad_json;

  std::string_view type, time_text;
  for (auto fr : root) {
    od::field f;
    if (std::move(fr).get(f)) return DecodeError::bad_json;
    auto k = f.key();
    error_code e = simdjson::SUCCESS;
    if (k == "request") {
      e = read_request(f.value(), out);
    } else if (k == "auth") {
      e = read_auth(f.value(), out);
    } else if (k == "type") {
      e = opt_string(f.value(), type);
    } else if (k == "time") {
      e = opt_string(f.value(), time_text);
    } else if (k == "error") {
      e = opt_string(f.value(), out.error);
    } else if (k == "response") {
      e = read_response(f.value(), out);
    }
    // `forwarded_from` and anything unknown are skipped by the iterator without being parsed.
    if (e) return DecodeError::bad_json;
  }
  // Trailing bytes after the object ("{...} garbage", two objects on one line) are not an entry.
  // (simdjson 3.0 reports the end of the document as current_location() == OUT_OF_BOUNDS.)
  if (doc.current_location().error() != simdjson::OUT_OF_BOUNDS) return DecodeError::bad_json;

  // Only `type` and `time` are required: Vault writes entries without a request path or operation
  // (Enterprise KMIP: "kmip-request" / "kmip-response", whose request has only data.kmip_request,
  // namespace and remote_address), and may add types; those are entries like any other.
  if (type.empty()) return DecodeError::missing_field;
  out.type_name = type;
  out.type = type_of(type);
  auto t = parse_rfc3339(time_text);
  if (!t) return DecodeError::missing_field;
  out.time = *t;
  out.policies = policies;
  out.metadata = metadata;
  return std::nullopt;
}

Decoder::Decoder(std::string prefix) : impl_(std::make_unique<Impl>()) {
  impl_->prefix = std::move(prefix);
}

Decoder::~Decoder() = default;

std::optional<DecodeError> Decoder::decode_padded(std::string_view line, AuditEntryView& out) {
  return impl_->run(line, out);
}

std::optional<DecodeError> Decoder::decode(std::string_view line, AuditEntryView& out) {
  auto& c = impl_->copy;
  if (c.size() < line.size() + line_padding) c.resize(line.size() + line_padding);
  std::memcpy(c.data(), line.data(), line.size());
  std::memset(c.data() + line.size(), ' ', line_padding);
  return impl_->run(std::string_view(c.data(), line.size()), out);
}

std::string decoder_kernel() { return simdjson::get_active_implementation()->name(); }

}  // namespace vw::audit
