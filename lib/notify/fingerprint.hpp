#pragma once
// Alertmanager's alert fingerprint (prometheus/common model.LabelSet.Fingerprint): 64-bit FNV-1a
// over the label names in byte order, each name and value followed by the separator byte 0xFF.
// Receivers deduplicate on it, so ours must be the same number Alertmanager computes.
#include <cstdint>
#include <string>

#include "core/alert.hpp"

namespace vw::notify {

std::uint64_t fingerprint(const Labels& labels);

/// "%016x", the form in webhook payloads and Alertmanager's API.
std::string fingerprint_hex(std::uint64_t fp);
inline std::string fingerprint_hex(const Labels& labels) { return fingerprint_hex(fingerprint(labels)); }

}  // namespace vw::notify
