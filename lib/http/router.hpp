#pragma once
// The exposition server's request handling: a pure function from request to response, with no
// sockets (Beast's examples: the session only moves bytes).
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <functional>
#include <string>
#include <vector>

namespace vw::http {

using StringRequest = boost::beast::http::request<boost::beast::http::string_body>;
using StringResponse = boost::beast::http::response<boost::beast::http::string_body>;
using RouteHandler = std::function<StringResponse(const StringRequest&)>;

/// Maps (method, path) to handlers. Unknown paths get 404, known paths with another method 405
/// with an Allow header; HEAD is answered by the GET handler without a body.
/// Not thread-safe: build it once, then call it from the io thread.
class Router {
 public:
  void add(boost::beast::http::verb method, std::string path, RouteHandler handler);
  StringResponse operator()(const StringRequest& req) const;

 private:
  struct Route {
    boost::beast::http::verb method;
    std::string path;
    RouteHandler handler;
  };
  std::vector<Route> routes_;
};

/// A response with status, content type and body, Content-Length set, echoing the request's
/// HTTP version and keep-alive.
StringResponse make_response(const StringRequest& req, boost::beast::http::status status,
                             std::string content_type, std::string body);

/// The path part of a request target (before '?').
std::string_view target_path(std::string_view target);

}  // namespace vw::http
