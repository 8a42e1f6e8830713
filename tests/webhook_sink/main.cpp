// webhook-sink: a webhook receiver for the delivery benchmark (tests/bench/). Records the
// arrival time of every request as one JSON line:
//   {"received_unix_ns":..., "method":"POST", "path":"/hook", "body":"<raw body>"}
// and answers 200 (or --status). Prints "listening: port=N" once bound. Stops on SIGINT/SIGTERM.
//   webhook-sink [--listen=HOST:PORT] [--out=FILE|-] [--status=CODE]
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "webhook_sink/webhook_sink.hpp"

int main(int argc, char** argv) {
  vw::test::WebhookSinkOptions opts;
  std::string out_path = "-";
  unsigned status = 200;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](std::string_view flag) { return a.substr(flag.size()); };
    if (a.starts_with("--listen=")) {
      auto v = value("--listen=");
      auto colon = v.rfind(':');
      if (colon == std::string::npos) {
        std::cerr << "--listen must be HOST:PORT\n";
        return 2;
      }
      opts.listen_host = v.substr(0, colon);
      opts.port = static_cast<unsigned short>(std::stoi(v.substr(colon + 1)));
    } else if (a.starts_with("--out=")) {
      out_path = value("--out=");
    } else if (a.starts_with("--status=")) {
      status = static_cast<unsigned>(std::stoi(value("--status=")));
    } else {
      std::cerr << "usage: webhook-sink [--listen=HOST:PORT] [--out=FILE|-] [--status=CODE]\n";
      return 2;
    }
  }
  std::ofstream file;
  std::ostream* out = &std::cout;
  if (out_path != "-") {
    file.open(out_path, std::ios::app);
    if (!file) {
      std::cerr << "cannot open " << out_path << "\n";
      return 1;
    }
    out = &file;
  }
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);  // before any thread starts: only sigwait sees them

  vw::test::WebhookSink sink(opts);
  sink.set_reply("", {.status = status});
  std::mutex mu;
  sink.on_request([&](const vw::test::SinkRequest& r) {
    nlohmann::json j;
    j["received_unix_ns"] =
        std::chrono::duration_cast<std::chrono::nanoseconds>(r.received.time_since_epoch()).count();
    j["method"] = r.method;
    j["path"] = r.path;
    j["body"] = r.body;
    std::lock_guard lock(mu);
    *out << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    out->flush();
  });
  sink.start();
  std::cerr << "listening: port=" << sink.port() << std::endl;
  int sig = 0;
  sigwait(&set, &sig);
  sink.stop();
  return 0;
}
