#include "http/gzip.hpp"

#include <zlib.h>

#include <cctype>
#include <stdexcept>

namespace vw::http {

std::string gzip_compress(std::string_view in) {
  z_stream zs{};
  // windowBits 15 + 16 selects the gzip wrapper.
  if (deflateInit2(&zs, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("deflateInit2 failed");
  std::string out;
  out.resize(deflateBound(&zs, static_cast<uLong>(in.size())));
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) throw std::runtime_error("deflate failed");
  out.resize(zs.total_out);
  return out;
}

bool accepts_gzip(std::string_view v) {
  // Tokens separated by ',', each "coding[;q=x]". gzip;q=0 refuses it.
  std::size_t pos = 0;
  while (pos <= v.size()) {
    std::size_t end = v.find(',', pos);
    if (end == std::string_view::npos) end = v.size();
    std::string_view tok = v.substr(pos, end - pos);
    while (!tok.empty() && std::isspace(static_cast<unsigned char>(tok.front()))) tok.remove_prefix(1);
    std::string_view coding = tok.substr(0, tok.find(';'));
    while (!coding.empty() && std::isspace(static_cast<unsigned char>(coding.back())))
      coding.remove_suffix(1);
    if (coding == "gzip" || coding == "*") {
      auto q = tok.find("q=");
      if (q == std::string_view::npos) return true;
      std::string_view qv = tok.substr(q + 2);
      return !(qv.starts_with("0") && qv.find_first_not_of("0.", 0) == std::string_view::npos);
    }
    pos = end + 1;
  }
  return false;
}

}  // namespace vw::http
