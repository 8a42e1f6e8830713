#include <prometheus/metric_family.h>
#include <time.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/resource.h>

#include "telemetry/telemetry.hpp"

namespace vw::telemetry {

namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

MetricFamily one(std::string name, std::string help, MetricType type, double v) {
  MetricFamily f{std::move(name), std::move(help), type, {}};
  ClientMetric m;
  if (type == MetricType::Counter) m.counter.value = v;
  else m.gauge.value = v;
  f.metric.push_back(std::move(m));
  return f;
}

// The standard process collector of the Prometheus client libraries, for Linux (/proc).
class ProcessCollector : public prometheus::Collectable {
 public:
  std::vector<MetricFamily> Collect() const override {
    std::vector<MetricFamily> out;
    std::ifstream stat("/proc/self/stat");
    std::string line;
    if (!std::getline(stat, line)) return out;
    // Field 2 (comm) may contain spaces: parse after the last ')'.
    auto rp = line.rfind(')');
    if (rp == std::string::npos) return out;
    std::istringstream ss(line.substr(rp + 2));
    std::vector<std::string> f;
    for (std::string tok; ss >> tok;) f.push_back(tok);
    // f[0] is field 3 (state); utime=14, stime=15, starttime=22, vsize=23, rss=24.
    if (f.size() < 22) return out;
    const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
    const double utime = std::stod(f[14 - 3]), stime = std::stod(f[15 - 3]);
    const double start_ticks = std::stod(f[22 - 3]);
    out.push_back(one("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
                      MetricType::Counter, (utime + stime) / ticks));
    out.push_back(one("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                      MetricType::Gauge, std::stod(f[23 - 3])));
    out.push_back(one("process_resident_memory_bytes", "Resident memory size in bytes.",
                      MetricType::Gauge, std::stod(f[24 - 3]) * page));
    out.push_back(one("process_start_time_seconds",
                      "Start time of the process since unix epoch in seconds.", MetricType::Gauge,
                      boot_time() + start_ticks / ticks));
    std::size_t fds = 0;
    std::error_code ec;
    for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
      ++fds;
    out.push_back(one("process_open_fds", "Number of open file descriptors.", MetricType::Gauge,
                      static_cast<double>(fds)));
    rlimit rl{};
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
      out.push_back(one("process_max_fds", "Maximum number of open file descriptors.",
                        MetricType::Gauge, static_cast<double>(rl.rlim_cur)));
    return out;
  }

 private:
  static double boot_time() {
    static const double bt = [] {
      std::ifstream in("/proc/stat");
      for (std::string key; in >> key;) {
        if (key == "btime") {
          double v = 0;
          in >> v;
          return v;
        }
        in.ignore(1 << 20, '\n');
      }
      // /proc/stat is hidden under systemd's ProcSubset=pid (our unit sets it): the boot time
      // is then the realtime clock minus the time since boot (CLOCK_BOOTTIME, which the kernel
      // also counts process start times in).
      timespec real{}, boot{};
      clock_gettime(CLOCK_REALTIME, &real);
      clock_gettime(CLOCK_BOOTTIME, &boot);
      return static_cast<double>(real.tv_sec - boot.tv_sec) +
             static_cast<double>(real.tv_nsec - boot.tv_nsec) / 1e9;
    }();
    return bt;
  }
};

}  // namespace

std::shared_ptr<prometheus::Collectable> make_process_collector() {
  return std::make_shared<ProcessCollector>();
}

}  // namespace vw::telemetry
