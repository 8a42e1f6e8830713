#include "notify/payload.hpp"

#include <chrono>

#include "notify/fingerprint.hpp"
#include "notify/go_text.hpp"

namespace vw::notify {

namespace {

void append_key(std::string& out, std::string_view key) {
  out.push_back('"');
  out.append(key);
  out += "\":";
}

void append_time_ms(std::string& out, SysTime t) {
  out.push_back('"');
  out += format_rfc3339_ms(t);
  out.push_back('"');
}

// Go's template.Data computes the common pairs by starting from the first alert's set and
// deleting every pair another alert does not carry with the same value (a missing key reads as
// "", so an empty annotation survives against an alert without it).
Labels common_of(std::span<const AlertNotification> alerts, const Labels AlertNotification::*member) {
  if (alerts.empty()) return {};
  Labels common = alerts.front().*member;
  for (const auto& a : alerts.subspan(1)) {
    const Labels& other = a.*member;
    std::erase_if(common, [&](const auto& kv) {
      auto it = other.find(kv.first);
      return (it == other.end() ? std::string() : it->second) != kv.second;
    });
  }
  return common;
}

}  // namespace

std::string alertmanager_body(std::span<const AlertNotification> alerts) {
  std::string out;
  out.reserve(alerts.size() * 512);
  out.push_back('[');
  bool first = true;
  for (const auto& a : alerts) {
    if (!first) out.push_back(',');
    first = false;
    out.push_back('{');
    append_key(out, "labels");
    go::append_json_object(out, a.labels);
    out.push_back(',');
    append_key(out, "annotations");
    go::append_json_object(out, a.annotations);
    out.push_back(',');
    append_key(out, "startsAt");
    append_time_ms(out, a.starts_at);
    if (a.ends_at != SysTime{}) {
      out.push_back(',');
      append_key(out, "endsAt");
      append_time_ms(out, a.ends_at);
    }
    if (!a.generator_url.empty()) {
      out.push_back(',');
      append_key(out, "generatorURL");
      go::append_json_string(out, a.generator_url);
    }
    out.push_back('}');
  }
  out.push_back(']');
  return out;
}

std::string group_key(const Labels& group_labels) {
  return "{}:" + go::label_set_string(group_labels);
}

std::string webhook_body(const WebhookMessageOptions& opts, std::span<const AlertNotification> all,
                         const Labels& group_labels) {
  using std::chrono::floor;
  using std::chrono::milliseconds;
  std::size_t truncated = 0;
  auto alerts = all;
  if (opts.max_alerts != 0 && all.size() > opts.max_alerts) {
    alerts = all.first(opts.max_alerts);
    truncated = all.size() - opts.max_alerts;
  }
  bool any_firing = false;
  for (const auto& a : alerts) any_firing = any_firing || !a.resolved;

  std::string out;
  out.reserve(1024 + alerts.size() * 768);
  out += "{\"receiver\":";
  go::append_json_string(out, go::quote_meta(opts.receiver));
  out += ",\"status\":";
  out += any_firing ? "\"firing\"" : "\"resolved\"";
  out += ",\"alerts\":[";
  bool first = true;
  for (const auto& a : alerts) {
    if (!first) out.push_back(',');
    first = false;
    out += "{\"status\":";
    out += a.resolved ? "\"resolved\"" : "\"firing\"";
    out += ",\"labels\":";
    go::append_json_object(out, a.labels);
    out += ",\"annotations\":";
    go::append_json_object(out, a.annotations);
    out += ",\"startsAt\":\"";
    out += go::format_time(floor<milliseconds>(a.starts_at));
    out += "\",\"endsAt\":\"";
    out += a.resolved ? go::format_time(floor<milliseconds>(a.ends_at)) : std::string(go::zero_time);
    out += "\",\"generatorURL\":";
    go::append_json_string(out, a.generator_url);
    out += ",\"fingerprint\":\"";
    out += fingerprint_hex(a.labels);
    out += "\"}";
  }
  out += "],\"groupLabels\":";
  go::append_json_object(out, group_labels);
  out += ",\"commonLabels\":";
  go::append_json_object(out, common_of(alerts, &AlertNotification::labels));
  out += ",\"commonAnnotations\":";
  go::append_json_object(out, common_of(alerts, &AlertNotification::annotations));
  out += ",\"externalURL\":";
  go::append_json_string(out, opts.external_url);
  out += ",\"version\":\"4\",\"groupKey\":";
  go::append_json_string(out, group_key(group_labels));
  out += ",\"truncatedAlerts\":";
  out += std::to_string(truncated);
  out += "}\n";  // json.Encoder.Encode ends every value with a newline
  return out;
}

void normalize(AlertNotification& n, const Labels& external) {
  for (const auto& [k, v] : external) n.labels.try_emplace(k, v);
  std::erase_if(n.labels, [](const auto& kv) { return kv.second.empty(); });
}

}  // namespace vw::notify
