#pragma once
// The service manager's side of Type=notify (sd_notify(3)): READY=1 once the configuration is
// loaded and the server listens, RELOADING=1/READY=1 around a reload, STOPPING=1, STATUS= lines
// for `systemctl status`, and WATCHDOG=1 keep-alives. Does nothing at all when NOTIFY_SOCKET is
// unset (not started by systemd).
//
// The keep-alive is sent by a timer on the io thread at half of WATCHDOG_USEC, so it proves
// that the event loop turns: a loop stuck in a handler stops pinging and systemd restarts the
// service (WatchdogSec= in the unit, Restart=on-failure). io thread only.
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "net/net.hpp"

namespace spdlog {
class logger;
}

namespace vw::daemon {

class SystemdNotifier {
 public:
  SystemdNotifier(net::any_io_executor ex, std::shared_ptr<spdlog::logger> log);
  ~SystemdNotifier();

  /// True when started by systemd with a notification socket.
  bool enabled() const { return enabled_; }
  /// The keep-alive period (half of WATCHDOG_USEC), when systemd asked for keep-alives.
  std::optional<std::chrono::microseconds> watchdog_period() const { return period_; }

  void ready(std::string_view status);
  void reloading();
  void reloaded(std::string_view status);
  void status(std::string_view status);
  void stopping();

  /// Starts the keep-alive timer (when systemd asked for it). stop() ends it; idempotent.
  void start_watchdog();
  void stop();

 private:
  void send(const std::string& state);
  void arm();

  std::shared_ptr<spdlog::logger> log_;
  bool enabled_ = false;
  std::optional<std::chrono::microseconds> period_;
  std::string last_status_;
  net::steady_timer timer_;
  std::shared_ptr<bool> stopped_ = std::make_shared<bool>(true);
};

}  // namespace vw::daemon
