#pragma once
// The two wire formats we send, as pure functions of the notifications (no I/O, no clock):
// Alertmanager's POST /api/v2/alerts body and Alertmanager's webhook v4 message.
#include <span>
#include <string>

#include "core/alert.hpp"

namespace vw::notify {

/// Alertmanager API v2 postableAlerts: a JSON array of {labels, annotations, startsAt, endsAt,
/// generatorURL} with UTC millisecond RFC 3339 times (what Prometheus sends). generatorURL is
/// left out when empty; endsAt when unset (the epoch), letting Alertmanager apply its
/// resolve_timeout.
std::string alertmanager_body(std::span<const AlertNotification> alerts);

struct WebhookMessageOptions {
  std::string receiver;      // the webhook's name; escaped with regexp.QuoteMeta like Alertmanager
  std::string external_url;  // "externalURL": the backlink (ours: http://<host>:<port>)
  std::size_t max_alerts = 0;  // 0 = all; more are cut off and counted in truncatedAlerts
};

/// Alertmanager 0.25's webhook v4 message for one group, byte for byte as Alertmanager writes it
/// (key order, Go's JSON escaping, trailing newline): status "firing" if any shown alert fires;
/// each alert's endsAt is Go's zero time while it fires; times are truncated to milliseconds
/// (what Alertmanager stores from an API v2 post) and printed with trailing zeros trimmed;
/// commonLabels/commonAnnotations are computed over the alerts shown (after max_alerts), as
/// Alertmanager does; groupKey is "{}:" + the group labels, i.e. the root route's key.
std::string webhook_body(const WebhookMessageOptions& opts, std::span<const AlertNotification> alerts,
                         const Labels& group_labels);

/// "{}:{name=\"value\", ...}": the groupKey of a group with these labels on the root route.
std::string group_key(const Labels& group_labels);

/// What every notification goes through before it is queued: `external` labels are added where
/// the alert has no label of that name (Prometheus' rule), and labels with empty values are
/// removed (Alertmanager drops them on receipt, so the fingerprint must not include them).
void normalize(AlertNotification& n, const Labels& external);

}  // namespace vw::notify
