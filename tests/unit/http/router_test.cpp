#include "http/router.hpp"

#include <gtest/gtest.h>

#include "http/gzip.hpp"
#include "support/http_get.hpp"

namespace vw::http {
namespace {

namespace bhttp = boost::beast::http;

StringRequest req(bhttp::verb v, std::string target) {
  StringRequest r{v, target, 11};
  return r;
}

Router make() {
  Router r;
  r.add(bhttp::verb::get, "/metrics", [](const StringRequest& q) {
    return make_response(q, bhttp::status::ok, "text/plain", "m 1\n");
  });
  r.add(bhttp::verb::post, "/-/reload", [](const StringRequest& q) {
    return make_response(q, bhttp::status::ok, "text/plain", "ok\n");
  });
  return r;
}

TEST(Router, DispatchesOnPathIgnoringTheQuery) {
  auto res = make()(req(bhttp::verb::get, "/metrics?x=1"));
  EXPECT_EQ(res.result_int(), 200u);
  EXPECT_EQ(res.body(), "m 1\n");
}

TEST(Router, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  auto r = make();
  EXPECT_EQ(r(req(bhttp::verb::get, "/nope")).result_int(), 404u);
  auto res = r(req(bhttp::verb::get, "/-/reload"));
  EXPECT_EQ(res.result_int(), 405u);
  EXPECT_EQ(res[bhttp::field::allow], "POST");
}

TEST(Router, HeadAnswersWithTheGetHeadersAndNoBody) {
  auto res = make()(req(bhttp::verb::head, "/metrics"));
  EXPECT_EQ(res.result_int(), 200u);
  EXPECT_TRUE(res.body().empty());
  EXPECT_EQ(res[bhttp::field::content_length], "4");
}

TEST(Gzip, RoundTripsAndHonoursQZero) {
  std::string text(10000, 'a');
  EXPECT_EQ(test::gunzip(gzip_compress(text)), text);
  EXPECT_LT(gzip_compress(text).size(), 200u);
  EXPECT_TRUE(accepts_gzip("gzip"));
  EXPECT_TRUE(accepts_gzip("deflate, gzip;q=0.5"));
  EXPECT_TRUE(accepts_gzip("*"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0"));
  EXPECT_FALSE(accepts_gzip("identity"));
  EXPECT_FALSE(accepts_gzip(""));
}

}  // namespace
}  // namespace vw::http
