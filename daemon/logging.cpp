#include "daemon/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "core/time.hpp"

namespace vw::daemon {

namespace {

spdlog::level::level_enum to_level(const std::string& s) {
  if (s == "debug") return spdlog::level::debug;
  if (s == "warn") return spdlog::level::warn;
  if (s == "error") return spdlog::level::err;
  return spdlog::level::info;
}

const char* level_name(spdlog::level::level_enum l) {
  switch (l) {
    case spdlog::level::trace: return "trace";
    case spdlog::level::debug: return "debug";
    case spdlog::level::info: return "info";
    case spdlog::level::warn: return "warn";
    case spdlog::level::err: return "error";
    case spdlog::level::critical: return "critical";
    default: return "info";
  }
}

int syslog_priority(spdlog::level::level_enum l) {
  switch (l) {
    case spdlog::level::critical: return 2;
    case spdlog::level::err: return 3;
    case spdlog::level::warn: return 4;
    case spdlog::level::info: return 6;
    default: return 7;
  }
}

void append(spdlog::memory_buf_t& dest, std::string_view s) { dest.append(s.data(), s.data() + s.size()); }

void append_json_string(spdlog::memory_buf_t& dest, std::string_view s) {
  dest.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': append(dest, "\\\""); break;
      case '\\': append(dest, "\\\\"); break;
      case '\n': append(dest, "\\n"); break;
      case '\r': append(dest, "\\r"); break;
      case '\t': append(dest, "\\t"); break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          append(dest, buf);
        } else {
          dest.push_back(static_cast<char>(c));
        }
    }
  }
  dest.push_back('"');
}

// Formats one record. Written by hand (not a spdlog pattern) because JSON needs the message
// escaped, which patterns cannot do.
class Formatter : public spdlog::formatter {
 public:
  Formatter(bool json, bool journal) : json_(json), journal_(journal) {}
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const std::string_view text(msg.payload.data(), msg.payload.size());
    const std::string_view logger(msg.logger_name.data(), msg.logger_name.size());
    if (json_) {
      if (journal_) {
        append(dest, "<");
        append(dest, std::to_string(syslog_priority(msg.level)));
        append(dest, ">");
      }
      append(dest, "{\"time\":\"");
      append(dest, format_rfc3339_ms(msg.time));
      append(dest, "\",\"level\":\"");
      append(dest, level_name(msg.level));
      append(dest, "\",\"logger\":");
      append_json_string(dest, logger);
      append(dest, ",\"msg\":");
      append_json_string(dest, text);
      append(dest, "}\n");
      return;
    }
    if (journal_) {
      append(dest, "<");
      append(dest, std::to_string(syslog_priority(msg.level)));
      append(dest, ">");
    } else {
      append(dest, format_rfc3339_ms(msg.time));
      append(dest, " ");
      std::string lvl = level_name(msg.level);
      lvl.resize(5, ' ');
      append(dest, lvl);
      append(dest, " ");
    }
    append(dest, logger);
    append(dest, ": ");
    append(dest, text);
    append(dest, "\n");
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<Formatter>(json_, journal_);
  }

 private:
  bool json_;
  bool journal_;
};

}  // namespace

bool Logging::stderr_is_journal() {
  // systemd sets JOURNAL_STREAM=<dev>:<inode> of the stream it connected to stderr.
  const char* js = std::getenv("JOURNAL_STREAM");
  if (js == nullptr) return false;
  struct stat st {};
  if (fstat(STDERR_FILENO, &st) != 0) return false;
  unsigned long long dev = 0, ino = 0;
  if (std::sscanf(js, "%llu:%llu", &dev, &ino) != 2) return false;
  return dev == static_cast<unsigned long long>(st.st_dev) &&
         ino == static_cast<unsigned long long>(st.st_ino);
}

Logging::Logging(const config::LogConfig& cfg)
    : cfg_(cfg), journal_(stderr_is_journal()), sink_(std::make_shared<spdlog::sinks::stderr_sink_mt>()) {
  sink_->set_formatter(std::make_unique<Formatter>(cfg_.format == "json", journal_));
}

std::shared_ptr<spdlog::logger> Logging::get(const std::string& name) {
  auto it = loggers_.find(name);
  if (it != loggers_.end()) return it->second;
  auto l = std::make_shared<spdlog::logger>(name, sink_);
  l->set_level(to_level(cfg_.level));
  l->flush_on(spdlog::level::trace);
  loggers_.emplace(name, l);
  return l;
}

void Logging::apply(const config::LogConfig& cfg) {
  cfg_ = cfg;
  sink_->set_formatter(std::make_unique<Formatter>(cfg_.format == "json", journal_));
  for (auto& [n, l] : loggers_) l->set_level(to_level(cfg_.level));
}

}  // namespace vw::daemon
