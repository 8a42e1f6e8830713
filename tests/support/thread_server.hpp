#pragma once
// A blocking TCP listener with one thread per connection, for the scripted test peers (the fake
// Vault, the webhook sink). They block on purpose -- hangs, slow drips, requests held until a
// test releases them -- which is simplest to script on a thread per connection. Not a pattern
// for product code: the daemon is one event loop.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

namespace vw::test {

class ThreadServer {
 public:
  using tcp = boost::asio::ip::tcp;
  /// Runs on the connection's own thread; the socket is shut down when it returns.
  using Handler = std::function<void(tcp::socket&)>;

  ThreadServer() = default;
  ThreadServer(const ThreadServer&) = delete;
  ThreadServer& operator=(const ThreadServer&) = delete;
  ~ThreadServer() { stop(); }

  /// Binds host:port (port 0: a free one, see port()) and accepts on a thread of its own.
  /// Throws boost::system::system_error when the address cannot be bound.
  void start(const std::string& host, unsigned short port, Handler handler);
  /// Stops accepting, shuts down every open connection, calls `wake` (to release handlers
  /// waiting on a condition of their owner), then joins every thread. Idempotent.
  void stop(const std::function<void()>& wake = {});

  bool stopping() const { return stopping_; }
  unsigned short port() const { return port_; }

 private:
  struct Conn {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  void serve(tcp::socket sock);

  boost::asio::io_context ioc_;
  std::optional<tcp::acceptor> acceptor_;
  std::string host_;
  unsigned short port_ = 0;
  Handler handler_;
  std::thread accept_thread_;
  std::mutex mu_;
  std::list<Conn> conns_;        // finished ones are joined by the accept loop
  std::set<tcp::socket*> live_;  // open connections, shut down by stop()
  std::atomic<bool> stopping_{false};
};

}  // namespace vw::test
