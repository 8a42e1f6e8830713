#pragma once
// Measures the filesystem that holds the audit log (statvfs on every tick) and forecasts when it
// fills up (issue 15): vaultwatch_audit_filesystem_{avail_bytes,size_bytes,avail_ratio,
// seconds_to_full}. Vault refuses every request once no audit device can write, so a full disk
// under the audit log stops Vault; the forecast warns hours before.
//
// The path measured is the audit log's directory, or its nearest existing ancestor until it
// exists (the filesystem the file will be on). The series exist only while the monitor runs.
// Owns a timer. io thread only; stop() is idempotent.
#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <string>

#include "audit/audit_metrics.hpp"
#include "audit/device_health.hpp"
#include "net/net.hpp"

namespace spdlog {
class logger;
}

namespace vw::audit {

struct DiskMonitorOptions {
  std::string path;                         // the audit log
  Duration interval = std::chrono::seconds(1);
  Duration window = std::chrono::hours(1);  // the forecast's fit window
};

class DiskMonitor {
 public:
  DiskMonitor(net::any_io_executor ex, DiskMonitorOptions opts, AuditMetrics& m,
              std::shared_ptr<spdlog::logger> log);
  ~DiskMonitor();
  DiskMonitor(const DiskMonitor&) = delete;
  DiskMonitor& operator=(const DiskMonitor&) = delete;

  void start();
  void stop();
  /// One measurement now (also done on every tick).
  void measure();

 private:
  void arm();

  DiskMonitorOptions opts_;
  AuditMetrics& m_;
  std::shared_ptr<spdlog::logger> log_;
  net::steady_timer timer_;
  DiskForecast forecast_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(false);
  prometheus::Gauge* avail_ = nullptr;
  prometheus::Gauge* size_ = nullptr;
  prometheus::Gauge* ratio_ = nullptr;
  prometheus::Gauge* to_full_ = nullptr;
  bool warned_ = false;
};

}  // namespace vw::audit
