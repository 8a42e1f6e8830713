// libFuzzer target for the alert-rules reader (lib/config + lib/rules): any byte string is a
// rules file (SPEC §5.1) an operator may write. Reading it must give rules or diagnostics,
// never a crash, throw or hang; rules that were accepted are then handed to the rule engine
// (globs, regexes, CIDRs and templates compiled) and evaluated once against a fixed event.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "config/rules_reader.hpp"
#include "rules/engine.hpp"

using namespace vw;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  config::Diagnostics diags;
  config::Context ctx("/nonexistent-fuzz/rules.yaml", diags,
                      [](const std::string&) -> std::optional<std::string> { return std::nullopt; });
  config::RuleSetReader reader(Labels{{"site", "fuzz"}});
  reader.read_document(ctx, text);
  for (const auto& d : diags)
    if (d.message.empty()) __builtin_trap();
  if (!diags.empty() || reader.rules().empty()) return 0;

  // A rule set the loader accepted must be usable by the engine.
  rules::Engine engine(std::move(reader.rules()), rules::EngineOptions{});
  const SysTime t0 = SysTime{} + std::chrono::hours(24 * 365 * 50);
  AuditEvent e;
  e.type = AuditEvent::Type::response;
  e.has_auth = true;
  e.policies = {"default", "ci"};
  e.operation = "read";
  e.path = "secret/data/app/db";
  e.display_name = "token-ci";
  e.remote_address = "10.1.2.3";
  e.error = "permission denied";
  e.time = t0;
  (void)engine.observe(e, t0);
  (void)engine.tick(t0 + std::chrono::minutes(10));
  (void)engine.collect_notifications(t0 + std::chrono::minutes(10));
  return 0;
}
