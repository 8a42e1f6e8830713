// libFuzzer target for the Prometheus text parser (lib/prom_text): any byte string is a
// sys/metrics body Vault (or a proxy in front of it) may send. Must never crash, hang or read
// out of bounds; a bad body is just an error with a line number. Also checks that parsing in
// slices (as the poller does, yielding between steps) gives exactly what one parse gives.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "prom_text/prom_text.hpp"

using namespace vw::prom_text;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto whole = parse(body);

  // Slice sizes from the input itself, so the fuzzer explores line/slice boundaries.
  Parser p(body);
  const std::size_t slice = size ? 1 + data[0] % 97 : 1;
  while (p.step(slice)) {
  }
  auto sliced = std::move(p).finish();
  if (whole.has_value() != sliced.has_value()) __builtin_trap();
  if (whole && *whole != *sliced) __builtin_trap();
  if (!whole && whole.error().message != sliced.error().message) __builtin_trap();

  if (whole) {
    auto families = std::move(*whole);
    normalise_hostname_prefix(families);
    for (const auto& f : families) {
      (void)escape_help(f.help);
      for (const auto& s : f.samples) (void)f.sample_name(s);
    }
  }
  (void)parse_value(body.substr(0, 64));
  return 0;
}
