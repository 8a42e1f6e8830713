#include "support/daemon_process.hpp"

#include <cmath>
#include <csignal>
#include <sstream>

namespace vw::test {

std::string daemon_binary() { return VW_DAEMON_BINARY; }

std::unique_ptr<Daemon> Daemon::start(const std::filesystem::path& dir, DaemonOptions opts) {
  std::vector<std::string> argv = {daemon_binary()};
  if (!opts.config_yaml.empty()) {
    auto cfg = dir / "vaultwatch.yaml";
    write_file(cfg, opts.config_yaml);
    argv.push_back("--config.file=" + cfg.string());
  }
  bool has_listen = false;
  for (const auto& a : opts.extra_args) has_listen = has_listen || a.starts_with("--web.listen-address");
  if (!has_listen) argv.push_back("--web.listen-address=127.0.0.1:0");
  argv.insert(argv.end(), opts.extra_args.begin(), opts.extra_args.end());
  auto d = std::unique_ptr<Daemon>(new Daemon());
  d->proc_ = Subprocess::start(argv, opts.env);
  if (!d->proc_) return nullptr;
  if (!opts.wait_listening) return d;
  std::smatch m;
  auto ok = d->proc_->wait_for_output(R"(listening: address=\S*:(\d+))", default_deadline, &m);
  if (!ok) {
    ADD_FAILURE() << ok.message();
    return nullptr;
  }
  d->port_ = std::stoi(m[1].str());
  return d;
}

Daemon::~Daemon() {
  if (proc_ && proc_->running()) {
    proc_->signal(SIGTERM);
    if (!proc_->wait(std::chrono::seconds(10))) proc_->signal(SIGKILL);
  }
  // Shown only when the test failed: the daemon's log is the first thing to read.
  if (proc_ && testing::Test::HasFailure())
    std::fprintf(stderr, "---- vaultwatch output ----\n%s---- end ----\n", proc_->output().c_str());
}

std::string Daemon::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

HttpResult Daemon::get(const std::string& path, HttpOptions opts) const {
  return http_request(url(path), opts);
}

Samples Daemon::scrape() const {
  auto r = get("/metrics");
  if (r.status != 200) return {};
  return parse_samples(r.body);
}

testing::AssertionResult Daemon::wait_metric(const std::string& key, double value,
                                             std::chrono::milliseconds deadline) const {
  double last = std::nan("");
  auto ok = wait_until(
      [&] {
        auto s = scrape();
        auto it = s.find(key);
        if (it == s.end()) return false;
        last = it->second;
        return it->second == value;
      },
      deadline, key + " == " + std::to_string(value));
  if (!ok) return ok << " (last value " << last << ")";
  return ok;
}

std::optional<int> Daemon::stop(std::chrono::milliseconds deadline) {
  proc_->signal(SIGTERM);
  return proc_->wait(deadline);
}

}  // namespace vw::test
