#pragma once
// Synchronous HTTP(S) requests for tests, and a Prometheus text-format reader for scrapes.
#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "http/client.hpp"

namespace vw::test {

struct HttpResult {
  int status = 0;            // 0 when the request failed
  std::string error;         // failure reason
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;          // gunzipped when Content-Encoding is gzip
  std::string raw_body;      // as received
};

struct HttpOptions {
  std::string method = "GET";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds timeout{10'000};
  http::TlsClientOptions tls;
};

/// Performs one request on a private io_context (blocking the calling test thread only).
HttpResult http_request(const std::string& url, const HttpOptions& opts = {});

std::string gunzip(const std::string& in);

/// Samples of a Prometheus text exposition, keyed exactly as printed: `name{a="x",b="y"}` or
/// `name` (prometheus-cpp prints labels sorted by name).
using Samples = std::map<std::string, double>;
Samples parse_samples(const std::string& text);

}  // namespace vw::test
