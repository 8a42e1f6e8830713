#include "rules/learnt_store.hpp"

namespace vw::rules::learnt {

namespace {
constexpr char magic[4] = {'V', 'W', 'L', 'S'};
constexpr std::uint16_t format_version = 1;
constexpr std::uint32_t byte_order_mark = 0x01020304;
// magic, version, byte order, kind, settings
constexpr std::size_t header_size = sizeof magic + sizeof format_version + sizeof byte_order_mark + 1 + 8;
}  // namespace

Secs secs(SysTime t) {
  const auto s = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  return static_cast<Secs>(std::clamp<std::int64_t>(s, 0, std::numeric_limits<Secs>::max()));
}

SysTime time_of(Secs s) { return SysTime{} + std::chrono::seconds(s); }

void begin_blob(std::string& out, std::uint8_t kind, std::uint64_t settings) {
  Writer w(out);
  out.append(magic, sizeof magic);
  w.put(format_version);
  w.put(byte_order_mark);
  w.put(kind);
  w.put(settings);
}

void end_blob(std::string& out, std::size_t start) {
  Writer(out).put(hash(std::string_view(out).substr(start)));
}

std::optional<std::string_view> open_blob(std::string_view blob, std::uint8_t kind, std::uint64_t settings) {
  if (blob.size() < header_size + 8 || blob.substr(0, sizeof magic) != std::string_view(magic, sizeof magic))
    return std::nullopt;
  const auto body = blob.substr(0, blob.size() - 8);
  std::uint64_t sum = 0;
  std::memcpy(&sum, blob.data() + body.size(), sizeof sum);
  if (sum != hash(body)) return std::nullopt;
  Reader r(body.substr(sizeof magic));
  std::uint16_t version = 0;
  std::uint32_t bom = 0;
  std::uint8_t k = 0;
  std::uint64_t s = 0;
  if (!r.get(version) || !r.get(bom) || !r.get(k) || !r.get(s)) return std::nullopt;
  if (version != format_version || bom != byte_order_mark || k != kind || s != settings) return std::nullopt;
  return body.substr(header_size);
}

}  // namespace vw::rules::learnt
