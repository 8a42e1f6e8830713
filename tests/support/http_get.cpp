#include "support/http_get.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

namespace vw::test {

std::string gunzip(const std::string& in) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 32) != Z_OK) throw std::runtime_error("inflateInit2");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  std::string out;
  char buf[16384];
  int rc;
  do {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      throw std::runtime_error("bad gzip data");
    }
    out.append(buf, sizeof buf - zs.avail_out);
  } while (rc != Z_STREAM_END);
  inflateEnd(&zs);
  return out;
}

HttpResult http_request(const std::string& url, const HttpOptions& opts) {
  HttpResult r;
  // Split "scheme://host:port" from the path.
  auto scheme_end = url.find("://");
  auto path_start = url.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
  std::string base = path_start == std::string::npos ? url : url.substr(0, path_start);
  std::string target = path_start == std::string::npos ? "/" : url.substr(path_start);
  auto u = http::parse_url(base);
  if (!u) {
    r.error = u.error().message;
    return r;
  }
  http::ClientOptions co;
  co.base = *u;
  co.tls = opts.tls;
  co.timeout = opts.timeout;
  co.body_limit = 256 * 1024 * 1024;
  auto client = http::Client::create(co);
  if (!client) {
    r.error = client.error().message;
    return r;
  }
  http::Request req;
  req.method = boost::beast::http::string_to_verb(opts.method);
  req.target = target;
  req.headers = opts.headers;
  req.body = opts.body;
  boost::asio::io_context ioc;
  std::optional<http::Outcome> out;
  boost::asio::co_spawn(ioc, (*client)->request(req),
                        [&](std::exception_ptr e, http::Outcome o) {
                          if (e) std::rethrow_exception(e);
                          out = std::move(o);
                        });
  ioc.run();
  if (!out || !*out) {
    r.error = out ? std::string(http::to_string(out->error().kind)) + ": " + out->error().message
                  : "no result";
    return r;
  }
  r.status = static_cast<int>((*out)->status);
  for (const auto& [k, v] : (*out)->headers) {
    std::string lk = k;
    std::transform(lk.begin(), lk.end(), lk.begin(), ::tolower);
    r.headers[lk] = v;
  }
  r.raw_body = (*out)->body;
  r.body = r.headers["content-encoding"] == "gzip" ? gunzip(r.raw_body) : r.raw_body;
  return r;
}

Samples parse_samples(const std::string& text) {
  Samples s;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    // The value is the last space-separated field (no timestamps in our output).
    auto sp = line.rfind(' ');
    if (sp == std::string::npos) continue;
    std::string v = line.substr(sp + 1);
    double d = v == "Nan" || v == "NaN" ? std::nan("") : std::strtod(v.c_str(), nullptr);
    if (v == "+Inf") d = HUGE_VAL;
    if (v == "-Inf") d = -HUGE_VAL;
    s[line.substr(0, sp)] = d;
  }
  return s;
}

}  // namespace vw::test
