#include "http/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <thread>

#include "core/url.hpp"
#include "support/http_get.hpp"
#include "support/test_support.hpp"

namespace vw::http {
namespace {

namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using namespace std::chrono_literals;

// A server on its own io thread, answering "hello" on GET /.
class ServerFixture : public ::testing::Test {
 protected:
  void start(ServerLimits limits, Middleware middleware = {}) {
    ServerOptions o;
    o.listen_address = "127.0.0.1:0";
    o.limits = limits;
    o.middleware = std::move(middleware);
    auto log = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
    router_.add(bhttp::verb::get, "/", [](const StringRequest& r) {
      return make_response(r, bhttp::status::ok, "text/plain", "hello\n");
    });
    router_.add(bhttp::verb::get, "/throw", [](const StringRequest&) -> StringResponse {
      throw std::runtime_error("bug");
    });
    server_ = std::make_unique<Server>(ioc_.get_executor(), o, log, [this](const StringRequest& r) { return router_(r); });
    ASSERT_TRUE(server_->start());
    port_ = server_->local_endpoint().port();
    thread_ = std::thread([this] { ioc_.run(); });
  }
  void TearDown() override {
    boost::asio::post(ioc_, [this] { server_->stop(); });
    if (thread_.joinable()) thread_.join();
  }
  std::string url(std::string path = "/") { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  // Raw exchange: send bytes, read until the server closes (or 5 s).
  std::string raw(const std::string& bytes) {
    boost::asio::io_context io;
    tcp::socket s(io);
    s.connect({boost::asio::ip::make_address("127.0.0.1"), port_});
    boost::asio::write(s, boost::asio::buffer(bytes));
    std::string out;
    boost::system::error_code ec;
    char buf[4096];
    for (;;) {
      auto n = s.read_some(boost::asio::buffer(buf), ec);
      if (ec) break;
      out.append(buf, n);
    }
    return out;
  }
  boost::asio::io_context ioc_;
  Router router_;
  std::unique_ptr<Server> server_;
  unsigned short port_ = 0;
  std::thread thread_;
};

TEST_F(ServerFixture, ServesTheRouter) {
  start({});
  auto r = test::http_request(url());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "hello\n");
}

TEST_F(ServerFixture, OversizedHeadersGet431) {
  ServerLimits l;
  l.header_limit = 1024;
  start(l);
  auto reply = raw("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4000, 'a') + "\r\n\r\n");
  EXPECT_NE(reply.find("431"), std::string::npos) << reply;
}

TEST_F(ServerFixture, OversizedBodiesGet413) {
  ServerLimits l;
  l.body_limit = 100;
  start(l);
  auto reply = raw("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + std::string(5000, 'b'));
  EXPECT_NE(reply.find("413"), std::string::npos) << reply;
}

TEST_F(ServerFixture, JunkGets400) {
  start({});
  auto reply = raw("\x01\x02 junk junk\r\n\r\n");
  EXPECT_NE(reply.find("400"), std::string::npos) << reply;
}

TEST_F(ServerFixture, AHandlerExceptionIs500AndTheServerGoesOn) {
  start({});
  EXPECT_EQ(test::http_request(url("/throw")).status, 500);
  EXPECT_EQ(test::http_request(url()).status, 200);
}

TEST_F(ServerFixture, SlowClientIsCutOffAfterTheReadTimeout) {
  ServerLimits l;
  l.read_timeout = 200ms;
  start(l);
  auto t0 = std::chrono::steady_clock::now();
  // Sends half a request and waits: the server must close the connection.
  boost::asio::io_context io;
  tcp::socket s(io);
  s.connect({boost::asio::ip::make_address("127.0.0.1"), port_});
  boost::asio::write(s, boost::asio::buffer(std::string("GET / HTTP/1.1\r\nHost: x\r\n")));
  char c;
  boost::system::error_code ec;
  s.read_some(boost::asio::buffer(&c, 1), ec);
  EXPECT_TRUE(ec);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
}

// At the cap, a new connection closes the one that has waited longest for a request: idle or
// trickling (slowloris) connections cannot lock a scraper out.
TEST_F(ServerFixture, AtTheCapTheLongestWaitingConnectionMakesRoom) {
  ServerLimits l;
  l.max_connections = 2;
  l.read_timeout = 10s;
  l.evict_waiting_after = 0ms;
  start(l);
  boost::asio::io_context io;
  std::vector<tcp::socket> idle;
  for (int i = 0; i < 2; ++i) {
    idle.emplace_back(io);
    idle.back().connect({boost::asio::ip::make_address("127.0.0.1"), port_});
    // The second one trickles half a request: still waiting, still a candidate.
    if (i == 1) boost::asio::write(idle.back(), boost::asio::buffer(std::string("GET / HTTP/1.1\r\nHo")));
  }
  // The scrape evicts the oldest waiting connection and is answered; the younger one stays.
  EXPECT_EQ(test::http_request(url()).status, 200);
  char c;
  boost::system::error_code ec;
  idle[0].read_some(boost::asio::buffer(&c, 1), ec);  // EOF (or reset): the server closed it
  EXPECT_TRUE(ec);
  idle[1].non_blocking(true);
  idle[1].read_some(boost::asio::buffer(&c, 1), ec);
  EXPECT_EQ(ec, boost::asio::error::would_block);
}

// While every connection is busy answering (or has only just arrived), a new one waits for a
// slot instead of being refused, and is served as soon as one frees.
TEST_F(ServerFixture, AtTheCapWithEveryConnectionBusyTheNewOneWaitsForASlot) {
  ServerLimits l;
  l.max_connections = 2;
  l.evict_waiting_after = 0ms;  // even so, a busy connection is never evicted
  auto started = std::make_shared<std::atomic<int>>(0);
  auto gates = std::make_shared<std::vector<std::shared_ptr<boost::asio::steady_timer>>>();
  start(l, [started, gates](const StringRequest& r, const RouteHandler& h) -> net::awaitable<StringResponse> {
    if (r.target() == "/slow") {
      auto t = std::make_shared<boost::asio::steady_timer>(co_await net::this_coro::executor, 30s);
      gates->push_back(t);
      ++*started;
      co_await t->async_wait(net::as_tuple(net::use_awaitable));
      co_return h(StringRequest(bhttp::verb::get, "/", 11));
    }
    co_return h(r);
  });
  std::vector<std::thread> slow;
  std::atomic<int> slow_ok{0};
  for (int i = 0; i < 2; ++i)
    slow.emplace_back([&] { slow_ok += test::http_request(url("/slow"), {.timeout = 20s}).status == 200; });
  ASSERT_TRUE(test::wait_until([&] { return started->load() == 2; }, 5s, "two busy requests"));
  std::atomic<int> third{-1};
  std::thread waiter([&] { third = static_cast<int>(test::http_request(url(), {.timeout = 20s}).status); });
  // Not served while both slots are busy (a wrong server would answer within milliseconds).
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(third.load(), -1);
  boost::asio::post(ioc_, [gates] {
    for (auto& t : *gates) t->cancel();
  });
  for (auto& t : slow) t.join();
  waiter.join();
  EXPECT_EQ(slow_ok.load(), 2);
  EXPECT_EQ(third.load(), 200);
}

TEST(SplitHostPort, ParsesTheExporterSpellings) {
  EXPECT_EQ(*split_listen_address(":9410"), (std::pair<std::string, std::string>{"", "9410"}));
  EXPECT_EQ(*split_listen_address("127.0.0.1:0"), (std::pair<std::string, std::string>{"127.0.0.1", "0"}));
  EXPECT_EQ(*split_listen_address("[::1]:9410"), (std::pair<std::string, std::string>{"::1", "9410"}));
  EXPECT_FALSE(split_listen_address("9410"));
  EXPECT_FALSE(split_listen_address("host:port"));
  EXPECT_FALSE(split_listen_address("host:99999"));
}

}  // namespace
}  // namespace vw::http
