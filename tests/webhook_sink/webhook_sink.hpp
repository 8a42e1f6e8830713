#pragma once
// A scriptable HTTP(S) receiver for notification tests and the delivery benchmark: it records
// every request (arrival time, method, target, headers, body) and answers as scripted per path:
// a status, a delay, or a hang (no answer until released or stopped). Plays a webhook receiver
// or a fake Alertmanager. Runs on its own threads (blocking I/O, one thread per connection);
// every public method is thread-safe. Bind 127.0.0.1:0 and ask port().
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace vw::test {

struct SinkRequest {
  std::string method;
  std::string target;
  std::string path;                            // target without the query
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::chrono::system_clock::time_point received;
};

struct SinkReply {
  unsigned status = 200;
  std::string body;
  std::chrono::milliseconds delay{0};
  bool hang = false;  // no answer until release_hangs() or stop()
};

struct WebhookSinkOptions {
  std::string listen_host = "127.0.0.1";
  unsigned short port = 0;
  std::string tls_cert_file;  // both set: HTTPS
  std::string tls_key_file;
};

class WebhookSink {
 public:
  explicit WebhookSink(WebhookSinkOptions opts = {});
  ~WebhookSink();
  WebhookSink(const WebhookSink&) = delete;
  WebhookSink& operator=(const WebhookSink&) = delete;

  void start();
  void stop();
  unsigned short port() const;
  /// "http(s)://127.0.0.1:<port><path>".
  std::string url(const std::string& path = "") const;

  /// The reply for requests to `path` ("" = every path without its own reply).
  void set_reply(const std::string& path, SinkReply r);
  /// Replies used once each, in order, before the standing reply for `path`.
  void script(const std::string& path, std::vector<SinkReply> replies);
  /// Answers every hanging request (with its scripted status) now.
  void release_hangs();
  /// Called on the connection's thread for every request, after it is recorded.
  void on_request(std::function<void(const SinkRequest&)> f);

  std::vector<SinkRequest> requests(const std::string& path = "") const;  // "" = all
  std::size_t count(const std::string& path = "") const;
  /// Requests currently waiting for their answer (hanging or delayed).
  std::size_t pending() const;
  /// Waits until at least `n` requests to `path` arrived; false at the deadline.
  bool wait_count(const std::string& path, std::size_t n, std::chrono::milliseconds deadline) const;
  void clear();

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace vw::test
