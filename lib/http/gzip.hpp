#pragma once
#include <string>
#include <string_view>

namespace vw::http {

/// gzip-compresses `in` (zlib, level 1: /metrics bodies are compressed on every scrape and
/// level 1 already gets ~90% of the size reduction of level 9 on Prometheus text).
std::string gzip_compress(std::string_view in);

/// True when an Accept-Encoding header value allows gzip (q > 0).
bool accepts_gzip(std::string_view accept_encoding);

}  // namespace vw::http
