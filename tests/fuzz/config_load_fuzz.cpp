// libFuzzer target for the configuration loader (lib/config, with its rules: vw::rules_config): any byte string is a
// vaultwatch.yaml an operator may write (wrong types, huge values, bad globs, odd YAML, invalid
// UTF-8). The loader must answer with diagnostics (each with a line, column and path) or a
// config, never crash, throw or hang. The file name points into a directory that does not
// exist, so relative rules_files globs match nothing; the environment is a fixed map so
// ${VAR} expansion is exercised deterministically.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "config/rules_config.hpp"

using namespace vw::config;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::map<std::string, std::string> vars = {
      {"VAULT_ADDR", "https://vault.example:8200"},
      {"HOME", "/nonexistent-fuzz"},
      {"EMPTY", ""},
      {"LOOP", "${LOOP}"},
      {"PORT", "9410"},
  };
  static const EnvLookup env = [](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
  const std::string_view yaml(reinterpret_cast<const char*>(data), size);
  auto r = load_string_with_rules(yaml, "/nonexistent-fuzz/vaultwatch.yaml", env);
  for (const auto& d : r.diagnostics) {
    if (d.message.empty()) __builtin_trap();  // every problem says what is wrong
    (void)d.to_string();
  }
  return 0;
}
