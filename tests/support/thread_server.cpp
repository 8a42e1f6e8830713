#include "support/thread_server.hpp"

namespace vw::test {

namespace net = boost::asio;

void ThreadServer::start(const std::string& host, unsigned short port, Handler handler) {
  host_ = host;
  handler_ = std::move(handler);
  acceptor_.emplace(ioc_, tcp::endpoint(net::ip::make_address(host), port));
  port_ = acceptor_->local_endpoint().port();
  accept_thread_ = std::thread([this] {
    while (!stopping_) {
      boost::system::error_code ec;
      tcp::socket sock(ioc_);
      acceptor_->accept(sock, ec);
      if (ec || stopping_) return;
      sock.set_option(tcp::no_delay(true), ec);
      std::lock_guard lock(mu_);
      // Reap finished connections so a long-running demo does not accumulate threads.
      for (auto it = conns_.begin(); it != conns_.end();) {
        if (*it->done) {
          it->thread.join();
          it = conns_.erase(it);
        } else {
          ++it;
        }
      }
      auto done = std::make_shared<std::atomic<bool>>(false);
      conns_.push_back(Conn{std::thread([this, done, s = std::move(sock)]() mutable {
                              serve(std::move(s));
                              *done = true;
                            }),
                            done});
    }
  });
}

void ThreadServer::serve(tcp::socket sock) {
  {
    std::lock_guard lock(mu_);
    live_.insert(&sock);
  }
  handler_(sock);
  boost::system::error_code ec;
  sock.shutdown(tcp::socket::shutdown_both, ec);
  std::lock_guard lock(mu_);
  live_.erase(&sock);
}

void ThreadServer::stop(const std::function<void()>& wake) {
  if (stopping_.exchange(true) || !acceptor_) return;
  boost::system::error_code ec;
  // Wake the blocking accept() by connecting to ourselves, then close.
  {
    tcp::socket poke(ioc_);
    poke.connect(tcp::endpoint(net::ip::make_address(host_), port_), ec);
  }
  if (accept_thread_.joinable()) accept_thread_.join();
  acceptor_->close(ec);
  {
    std::lock_guard lock(mu_);
    for (auto* s : live_) s->shutdown(tcp::socket::shutdown_both, ec);
  }
  if (wake) wake();
  std::list<Conn> threads;
  {
    std::lock_guard lock(mu_);
    threads.swap(conns_);
  }
  for (auto& c : threads)
    if (c.thread.joinable()) c.thread.join();
}

}  // namespace vw::test
