#include "rotation/state_codec.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>

namespace vw::rotation {

using nlohmann::json;

namespace {

constexpr int state_version = 1;

json time_or_null(const std::optional<SysTime>& t) {
  return t ? json(format_rfc3339_ms(*t)) : json(nullptr);
}

}  // namespace

std::string encode_state(const Tracker& t) {
  json secrets = json::array();
  for (const auto& [key, s] : t.secrets()) {
    json consumers = json::array();
    for (const auto& [id, c] : s.consumers) {
      consumers.push_back({{"id", id},
                           {"remote", c.remote_address},
                           {"last_read_ns", c.last_read_ns},
                           {"picked_up_ns", c.picked_up_ns},
                           {"behind_since_ns", c.behind_since_ns},
                           {"last_version", c.last_version},
                           {"due", c.due}});
    }
    secrets.push_back({{"path", key},
                       {"glob", s.glob},
                       {"version", s.version},
                       {"written_at_ns", s.written_at_ns},
                       {"writer", s.writer},
                       {"write_seen", s.write_seen},
                       {"deleted", s.deleted},
                       {"last_seen_ns", s.last_seen_ns},
                       {"consumers", std::move(consumers)}});
  }
  json doc = {{"version", state_version}, {"evicted", t.evicted()}, {"secrets", std::move(secrets)}};
  // Identities come from the log: replace invalid UTF-8 instead of throwing.
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

result<StoredState> decode_state(std::string_view text) {
  try {
    const json doc = json::parse(text);
    if (!doc.is_object() || doc.value("version", 0) != state_version)
      return make_error("rotation state: unknown format version");
    StoredState out;
    out.evicted = doc.at("evicted").get<std::uint64_t>();
    for (const auto& js : doc.at("secrets")) {
      Secret s;
      s.glob = js.at("glob").get<std::string>();
      s.version = js.at("version").get<std::uint64_t>();
      s.written_at_ns = js.at("written_at_ns").get<std::int64_t>();
      s.writer = js.at("writer").get<std::string>();
      s.write_seen = js.at("write_seen").get<bool>();
      s.deleted = js.at("deleted").get<bool>();
      s.last_seen_ns = js.at("last_seen_ns").get<std::int64_t>();
      for (const auto& jc : js.at("consumers")) {
        Consumer c;
        c.remote_address = jc.at("remote").get<std::string>();
        c.last_read_ns = jc.at("last_read_ns").get<std::int64_t>();
        c.picked_up_ns = jc.at("picked_up_ns").get<std::int64_t>();
        c.behind_since_ns = jc.at("behind_since_ns").get<std::int64_t>();
        c.last_version = static_cast<std::uint32_t>(
            std::min<std::uint64_t>(jc.at("last_version").get<std::uint64_t>(), UINT32_MAX));
        c.due = jc.at("due").get<bool>();
        s.consumers.emplace(jc.at("id").get<std::string>(), std::move(c));
      }
      out.secrets.emplace(js.at("path").get<std::string>(), std::move(s));
    }
    return out;
  } catch (const json::exception& e) {
    return make_error(std::string("rotation state: ") + e.what());
  }
}

std::string rotation_api_json(const std::vector<SecretStatus>& secrets, std::size_t pairs,
                              std::uint64_t evicted) {
  json list = json::array();
  for (const auto& s : secrets) {
    json consumers = json::array();
    for (const auto& c : s.consumers) {
      consumers.push_back({{"identity", c.identity},
                           {"remote_address", c.remote_address},
                           {"last_version", c.last_version},
                           {"last_read", format_rfc3339_ms(c.last_read)},
                           {"picked_up_at", time_or_null(c.picked_up_at)},
                           {"state", to_string(c.state)},
                           {"deadline", time_or_null(c.deadline)}});
    }
    list.push_back({{"path", s.path},
                    {"glob", s.glob},
                    {"version", s.version},
                    {"written_at", time_or_null(s.written_at)},
                    {"writer", s.writer},
                    {"deleted", s.deleted},
                    {"current", s.current},
                    {"pending", s.pending},
                    {"stale", s.stale},
                    {"consumers", std::move(consumers)}});
  }
  json doc = {{"status", "success"},
              {"data", {{"secrets", std::move(list)}, {"pairs", pairs}, {"evicted", evicted}}}};
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace vw::rotation
