// libFuzzer target for the audit decoder and classifier: any byte string is a line the tailer
// may hand over. Must never crash, hang, leak or read out of bounds; a bad line is just a
// DecodeError. Seeded from every fixture line (tests/fuzz/run_fuzz.sh).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "audit/classifier.hpp"
#include "audit/decoder.hpp"
#include "core/ip_address.hpp"

using namespace vw::audit;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Decoder plain;
  static Decoder prefixed("vault-1: ");
  static const Classifier classifier = [] {
    ClassifierOptions o;
    o.watch = {{"shared", {"secret/data/*/shared/**"}}, {"all", {"**"}}};
    o.ignore_display_names = {"ignored"};
    o.ignore_accessors = {"hmac-sha256:00"};
    return *Classifier::create(o);
  }();
  static const vw::IpNetwork network = *vw::IpNetwork::parse("10.0.0.0/8");
  const std::string_view line(reinterpret_cast<const char*>(data), size);

  // The copying path, and the zero-copy path with hostile bytes in the padding the tailer
  // guarantees to be readable (they must never be interpreted).
  std::vector<char> padded(size + line_padding, '"');
  if (size) std::memcpy(padded.data(), data, size);
  for (Decoder* d : {&plain, &prefixed}) {
    AuditEntryView v;
    if (!d->decode(line, v)) {
      Classification c;
      classifier.classify(v, c);
      vw::AuditEvent e;
      materialize(v, e);
      // remote_address in any shape (`audit search --remote`, rules' remote:, detectors).
      if (auto a = vw::IpAddress::from_remote_address(v.remote_address)) {
        if (!vw::client_network(*a).contains(*a)) __builtin_trap();
        if (!network.contains(v.remote_address) && network.contains(*a)) __builtin_trap();
      }
    }
    AuditEntryView w;
    const bool ok1 = !d->decode_padded(std::string_view(padded.data(), size), w);
    AuditEntryView x;
    const bool ok2 = !d->decode(line, x);
    if (ok1 != ok2) __builtin_trap();  // the padding bytes changed the verdict
  }
  return 0;
}
