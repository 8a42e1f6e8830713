#include "notify/sender.hpp"

#include <fstream>
#include <sstream>

namespace vw::notify {

result<Secret> read_secret_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  constexpr std::string_view space = " \t\r\n\v\f";
  auto b = s.find_first_not_of(space);
  if (b == std::string::npos) return make_error(path + " is empty");
  auto e = s.find_last_not_of(space);
  return Secret(s.substr(b, e - b + 1));
}

std::string describe(const http::Outcome& o) {
  if (!o) return std::string(http::to_string(o.error().kind)) + ": " + o.error().message;
  std::string out = "HTTP " + std::to_string(o->status);
  if (!o->body.empty()) {
    // A receiver may echo the request (headers included) in an error page: no token or HMAC
    // goes on (SPEC §8).
    std::string body = redact_text(std::string_view(o->body).substr(0, 200));
    for (char& c : body)
      if (c == '\n' || c == '\r') c = ' ';
    while (!body.empty() && body.back() == ' ') body.pop_back();
    out += ": " + body;
  }
  return out;
}

}  // namespace vw::notify
