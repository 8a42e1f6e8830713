#include "webhook_sink/webhook_sink.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>

#include "support/thread_server.hpp"

namespace vw::test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

struct WebhookSink::Impl {
  WebhookSinkOptions opts;
  mutable std::mutex mu;
  mutable std::condition_variable cv;  // new requests, released hangs, stop
  std::map<std::string, SinkReply> replies;
  std::map<std::string, std::deque<SinkReply>> scripts;
  std::vector<SinkRequest> recorded;
  std::function<void(const SinkRequest&)> hook;
  std::size_t waiting = 0;
  std::uint64_t release_epoch = 0;

  ThreadServer server;
  std::optional<ssl::context> tls;
  bool stopping() const { return server.stopping(); }

  SinkReply reply_for(const std::string& path) {
    for (const std::string& key : {path, std::string()}) {
      auto s = scripts.find(key);
      if (s != scripts.end() && !s->second.empty()) {
        SinkReply r = s->second.front();
        s->second.pop_front();
        return r;
      }
      auto r = replies.find(key);
      if (r != replies.end()) return r->second;
    }
    return SinkReply{};
  }

  template <class Stream>
  void serve(Stream& stream) {
    beast::flat_buffer buf;
    for (;;) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.body_limit(64 * 1024 * 1024);
      beast::error_code ec;
      bhttp::read(stream, buf, parser, ec);
      if (ec) return;
      auto req = parser.release();
      SinkRequest rec;
      rec.received = std::chrono::system_clock::now();
      rec.method = std::string(req.method_string());
      rec.target = std::string(req.target());
      rec.path = rec.target.substr(0, rec.target.find('?'));
      for (const auto& f : req) {
        std::string name(f.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        rec.headers[name] = std::string(f.value());
      }
      rec.body = req.body();
      SinkReply reply;
      std::function<void(const SinkRequest&)> hook_copy;
      {
        std::lock_guard lock(mu);
        recorded.push_back(rec);
        reply = reply_for(rec.path);
        hook_copy = hook;
      }
      cv.notify_all();
      if (hook_copy) hook_copy(rec);
      if (reply.hang || reply.delay.count() > 0) {
        std::unique_lock lock(mu);
        ++waiting;
        const auto epoch = release_epoch;
        auto done = [&] { return stopping() || (reply.hang && release_epoch != epoch); };
        if (reply.hang) cv.wait(lock, done);
        else cv.wait_for(lock, reply.delay, done);
        --waiting;
        if (stopping()) return;
      }
      bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(reply.status), req.version()};
      res.set(bhttp::field::content_type, "text/plain");
      res.keep_alive(req.keep_alive());
      res.body() = reply.body;
      res.prepare_payload();
      bhttp::write(stream, res, ec);
      if (ec || !req.keep_alive()) return;
    }
  }

  void connection(tcp::socket& sock) {
    beast::error_code ec;
    if (tls) {
      ssl::stream<tcp::socket&> s(sock, *tls);
      s.handshake(ssl::stream_base::server, ec);
      if (!ec) serve(s);
    } else {
      serve(sock);
    }
  }
};

WebhookSink::WebhookSink(WebhookSinkOptions opts) : impl_(std::make_shared<Impl>()) {
  impl_->opts = std::move(opts);
}

WebhookSink::~WebhookSink() { stop(); }

void WebhookSink::start() {
  auto& im = *impl_;
  if (!im.opts.tls_cert_file.empty()) {
    im.tls.emplace(ssl::context::tls_server);
    im.tls->use_certificate_chain_file(im.opts.tls_cert_file);
    im.tls->use_private_key_file(im.opts.tls_key_file, ssl::context::pem);
  }
  im.server.start(im.opts.listen_host, im.opts.port, [&im](tcp::socket& sock) { im.connection(sock); });
}

void WebhookSink::stop() {
  auto& im = *impl_;
  im.server.stop([&im] {
    std::lock_guard lock(im.mu);
    im.cv.notify_all();
  });
}

unsigned short WebhookSink::port() const { return impl_->server.port(); }

std::string WebhookSink::url(const std::string& path) const {
  return std::string(impl_->tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port()) + path;
}

void WebhookSink::set_reply(const std::string& path, SinkReply r) {
  std::lock_guard lock(impl_->mu);
  impl_->replies[path] = std::move(r);
}

void WebhookSink::script(const std::string& path, std::vector<SinkReply> replies) {
  std::lock_guard lock(impl_->mu);
  auto& q = impl_->scripts[path];
  for (auto& r : replies) q.push_back(std::move(r));
}

void WebhookSink::release_hangs() {
  {
    std::lock_guard lock(impl_->mu);
    ++impl_->release_epoch;
  }
  impl_->cv.notify_all();
}

void WebhookSink::on_request(std::function<void(const SinkRequest&)> f) {
  std::lock_guard lock(impl_->mu);
  impl_->hook = std::move(f);
}

std::vector<SinkRequest> WebhookSink::requests(const std::string& path) const {
  std::lock_guard lock(impl_->mu);
  if (path.empty()) return impl_->recorded;
  std::vector<SinkRequest> out;
  for (const auto& r : impl_->recorded)
    if (r.path == path) out.push_back(r);
  return out;
}

std::size_t WebhookSink::count(const std::string& path) const {
  std::lock_guard lock(impl_->mu);
  if (path.empty()) return impl_->recorded.size();
  std::size_t n = 0;
  for (const auto& r : impl_->recorded) n += r.path == path;
  return n;
}

std::size_t WebhookSink::pending() const {
  std::lock_guard lock(impl_->mu);
  return impl_->waiting;
}

bool WebhookSink::wait_count(const std::string& path, std::size_t n, std::chrono::milliseconds deadline) const {
  std::unique_lock lock(impl_->mu);
  return impl_->cv.wait_for(lock, deadline, [&] {
    std::size_t c = 0;
    for (const auto& r : impl_->recorded) c += path.empty() || r.path == path;
    return c >= n;
  });
}

void WebhookSink::clear() {
  std::lock_guard lock(impl_->mu);
  impl_->recorded.clear();
}

}  // namespace vw::test
