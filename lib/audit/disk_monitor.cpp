#include "audit/disk_monitor.hpp"

#include <sys/statvfs.h>

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace vw::audit {

namespace fs = std::filesystem;

DiskMonitor::DiskMonitor(net::any_io_executor ex, DiskMonitorOptions opts, AuditMetrics& m,
                         std::shared_ptr<spdlog::logger> log)
    : opts_(std::move(opts)), m_(m), log_(std::move(log)), timer_(ex), forecast_(opts_.window) {}

DiskMonitor::~DiskMonitor() { stop(); }

void DiskMonitor::start() {
  if (*alive_) return;
  alive_ = std::make_shared<bool>(true);
  avail_ = &m_.fs_avail.Add({});
  size_ = &m_.fs_size.Add({});
  ratio_ = &m_.fs_avail_ratio.Add({});
  to_full_ = &m_.fs_seconds_to_full.Add({});
  to_full_->Set(std::numeric_limits<double>::infinity());
  ratio_->Set(1);
  measure();
  arm();
}

void DiskMonitor::stop() {
  if (!*alive_) return;
  *alive_ = false;
  timer_.cancel();
  m_.fs_avail.Remove(avail_);
  m_.fs_size.Remove(size_);
  m_.fs_avail_ratio.Remove(ratio_);
  m_.fs_seconds_to_full.Remove(to_full_);
  avail_ = size_ = ratio_ = to_full_ = nullptr;
}

void DiskMonitor::arm() {
  timer_.expires_after(opts_.interval);
  timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
    if (ec || !*alive) return;
    measure();
    arm();
  });
}

void DiskMonitor::measure() {
  if (!avail_) return;
  // The directory, or its nearest existing ancestor: the file system the log is (or will be) on.
  std::error_code ec;
  fs::path p = fs::path(opts_.path).parent_path();
  while (!p.empty() && !fs::is_directory(p, ec) && p != p.parent_path()) p = p.parent_path();
  struct statvfs st {};
  if (p.empty() || ::statvfs(p.c_str(), &st) != 0) {
    if (!warned_) log_->warn("cannot measure the audit log's file system: dir={} err={}", p.string(), std::strerror(errno));
    warned_ = true;
    return;
  }
  if (warned_) log_->info("measuring the audit log's file system again: dir={}", p.string());
  warned_ = false;
  // f_bavail: the blocks an unprivileged writer (Vault runs as `vault`) may still use.
  const double frsize = static_cast<double>(st.f_frsize ? st.f_frsize : st.f_bsize);
  const double avail = static_cast<double>(st.f_bavail) * frsize;
  const double size = static_cast<double>(st.f_blocks) * frsize;
  avail_->Set(avail);
  size_->Set(size);
  ratio_->Set(size > 0 ? avail / size : 1);
  forecast_.add(std::chrono::steady_clock::now(), avail);
  to_full_->Set(forecast_.seconds_to_full());
}

}  // namespace vw::audit
