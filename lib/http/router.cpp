#include "http/router.hpp"

namespace vw::http {

namespace bhttp = boost::beast::http;

std::string_view target_path(std::string_view target) {
  return target.substr(0, target.find('?'));
}

StringResponse make_response(const StringRequest& req, bhttp::status status,
                             std::string content_type, std::string body) {
  StringResponse res{status, req.version()};
  res.set(bhttp::field::content_type, std::move(content_type));
  res.set(bhttp::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

void Router::add(bhttp::verb method, std::string path, RouteHandler handler) {
  routes_.push_back(Route{method, std::move(path), std::move(handler)});
}

StringResponse Router::operator()(const StringRequest& req) const {
  const auto path = target_path(req.target());
  const bool head = req.method() == bhttp::verb::head;
  const auto method = head ? bhttp::verb::get : req.method();
  std::string allow;
  for (const auto& r : routes_) {
    if (r.path != path) continue;
    if (r.method == method) {
      auto res = r.handler(req);
      if (head) {
        // Keep Content-Length of the GET answer; send no body.
        auto len = res.body().size();
        res.body().clear();
        res.content_length(len);
      }
      return res;
    }
    if (!allow.empty()) allow += ", ";
    allow += std::string(bhttp::to_string(r.method));
  }
  if (!allow.empty()) {
    auto res = make_response(req, bhttp::status::method_not_allowed, "text/plain; charset=utf-8",
                             "method not allowed\n");
    res.set(bhttp::field::allow, allow);
    return res;
  }
  return make_response(req, bhttp::status::not_found, "text/plain; charset=utf-8", "not found\n");
}

}  // namespace vw::http
