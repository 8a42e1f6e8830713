#include "daemon/systemd_notify.hpp"

#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>
#include <time.h>

#include <cstdlib>
#include <cstring>

namespace vw::daemon {

namespace {

// STATUS= is one line: a newline in it would start another assignment.
std::string one_line(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c == '\n' || c == '\r') c = ' ';
  return out;
}

}  // namespace

SystemdNotifier::SystemdNotifier(net::any_io_executor ex, std::shared_ptr<spdlog::logger> log)
    : log_(std::move(log)), timer_(ex) {
  const char* sock = std::getenv("NOTIFY_SOCKET");
  enabled_ = sock != nullptr && *sock != '\0';
  if (!enabled_) return;
  std::uint64_t usec = 0;
  // > 0 only when WATCHDOG_USEC is set and WATCHDOG_PID (if set) is this process.
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0)
    period_ = std::chrono::microseconds(usec / 2);
}

SystemdNotifier::~SystemdNotifier() { stop(); }

void SystemdNotifier::send(const std::string& state) {
  if (!enabled_) return;
  int r = sd_notify(0, state.c_str());
  if (r < 0) log_->warn("sd_notify failed: err={}", std::strerror(-r));
}

void SystemdNotifier::ready(std::string_view status) {
  last_status_ = one_line(status);
  send("READY=1\nSTATUS=" + last_status_);
}

void SystemdNotifier::reloading() {
  // MONOTONIC_USEC lets systemd (253+, Type=notify-reload) match this reload to its request;
  // older versions ignore it.
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  const auto usec = static_cast<unsigned long long>(ts.tv_sec) * 1'000'000ULL +
                    static_cast<unsigned long long>(ts.tv_nsec) / 1000ULL;
  send("RELOADING=1\nSTATUS=reloading configuration\nMONOTONIC_USEC=" + std::to_string(usec));
}

void SystemdNotifier::reloaded(std::string_view status) {
  last_status_ = one_line(status);
  send("READY=1\nSTATUS=" + last_status_);
}

void SystemdNotifier::status(std::string_view status) {
  auto s = one_line(status);
  if (s == last_status_) return;
  last_status_ = std::move(s);
  send("STATUS=" + last_status_);
}

void SystemdNotifier::stopping() { send("STOPPING=1\nSTATUS=stopping"); }

void SystemdNotifier::start_watchdog() {
  if (!period_ || !*stopped_) return;
  stopped_ = std::make_shared<bool>(false);
  log_->info("systemd watchdog enabled: keep-alive every {}ms",
             std::chrono::duration_cast<std::chrono::milliseconds>(*period_).count());
  send("WATCHDOG=1");
  arm();
}

void SystemdNotifier::arm() {
  timer_.expires_after(*period_);
  timer_.async_wait([this, stopped = stopped_](const boost::system::error_code& ec) {
    if (ec || *stopped) return;
    send("WATCHDOG=1");
    arm();
  });
}

void SystemdNotifier::stop() {
  *stopped_ = true;
  timer_.cancel();
}

}  // namespace vw::daemon
