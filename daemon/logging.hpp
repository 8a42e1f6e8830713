#pragma once
// Loggers: one per component, all writing to stderr through one sink. Text for people, JSON for
// log shippers; under systemd (JOURNAL_STREAM names our stderr) no timestamps and a <N> syslog
// priority prefix, so the journal shows each line once with the right level.
#include <map>
#include <memory>
#include <string>

#include "config/config.hpp"

namespace spdlog {
class logger;
namespace sinks {
class sink;
}
}  // namespace spdlog

namespace vw::daemon {

class Logging {
 public:
  explicit Logging(const config::LogConfig& cfg);
  /// The logger for a component, created on first use.
  std::shared_ptr<spdlog::logger> get(const std::string& name);
  /// Applies a new level and format to every logger (reload).
  void apply(const config::LogConfig& cfg);
  static bool stderr_is_journal();

 private:
  config::LogConfig cfg_;
  bool journal_;
  std::shared_ptr<spdlog::sinks::sink> sink_;
  std::map<std::string, std::shared_ptr<spdlog::logger>> loggers_;
};

}  // namespace vw::daemon
