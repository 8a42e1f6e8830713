// Go's text forms, checked against what Go itself prints (values taken from Go's
// encoding/json and strconv documentation/tests and from Alertmanager 0.25's output).
#include "notify/go_text.hpp"

#include <gtest/gtest.h>

namespace vw::notify::go {
namespace {

std::string json(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

TEST(GoText, JsonStringEscapesLikeEncodingJson) {
  struct Case {
    std::string in, out;
  } cases[] = {
      {"plain", "\"plain\""},
      {"a\"b\\c", R"("a\"b\\c")"},
      {"<b>&amp;</b>", R"("\u003cb\u003e\u0026amp;\u003c/b\u003e")"},
      {"line\nfeed\r\ttab", R"("line\nfeed\r\ttab")"},
      {std::string("\x01\x08\x0c\x1f", 4), R"("\u0001\u0008\u000c\u001f")"},
      {"\x7f", "\"\x7f\""},                                      // DEL is not escaped
      {"é ü 日本", "\"é ü 日本\""},                              // valid UTF-8 kept as is
      {"\xe2\x80\xa8|\xe2\x80\xa9", R"("\u2028|\u2029")"},       // JS line terminators
      {"bad\xff\xfe", R"("bad\ufffd\ufffd")"},                   // invalid bytes
      {"\xc0\xaf", R"("\ufffd\ufffd")"},                         // overlong '/'
      {"\xed\xa0\x80", R"("\ufffd\ufffd\ufffd")"},               // surrogate
      {"\xf0\x9f\x94\x92", "\"\xf0\x9f\x94\x92\""},              // 4-byte (U+1F512)
      {"\xe2\x82", R"("\ufffd\ufffd")"},                         // truncated sequence
  };
  for (const auto& c : cases) EXPECT_EQ(json(c.in), c.out) << c.in;
}

TEST(GoText, ObjectsHaveSortedKeys) {
  std::string out;
  append_json_object(out, {{"b", "2"}, {"a", "1"}, {"B", "3"}, {"é", "4"}});
  EXPECT_EQ(out, R"({"B":"3","a":"1","b":"2","é":"4"})");
  out.clear();
  append_json_object(out, {});
  EXPECT_EQ(out, "{}");
}

TEST(GoText, QuoteIsStrconvQuote) {
  struct Case {
    std::string in, out;
  } cases[] = {
      {"", R"("")"},
      {"abc", R"("abc")"},
      {"a\"b\\", R"("a\"b\\")"},
      {"\a\b\f\n\r\t\v", R"("\a\b\f\n\r\t\v")"},
      {std::string("\x00\x1b\x7f", 3), R"("\x00\x1b\x7f")"},
      {"é<&>", "\"é<&>\""},
      {"\xe2\x80\xa8", R"("\u2028")"},       // line separator: not printable
      {"\xc2\xa0", R"("\u00a0")"},           // no-break space: not printable
      {"\xc2\xad", R"("\u00ad")"},           // soft hyphen (Cf)
      {"\xef\xbb\xbf", R"("\ufeff")"},       // BOM
      {"\xf3\xa0\x80\x81", R"("\U000e0001")"},  // language tag (Cf, beyond the BMP)
      {"\xff", R"("\xff")"},
      {"\xf0\x9f\x94\x92", "\"\xf0\x9f\x94\x92\""},
  };
  for (const auto& c : cases) EXPECT_EQ(quote(c.in), c.out) << c.in;
}

TEST(GoText, LabelSetStringSortsWholePairsAsAlertmanager025Does) {
  EXPECT_EQ(label_set_string({}), "{}");
  EXPECT_EQ(label_set_string({{"alertname", "VaultSealed"}}), R"({alertname="VaultSealed"})");
  // Sorting `name="value"` strings puts vault2 before vault ('2' < '='), as measured.
  EXPECT_EQ(label_set_string({{"vault", "a"}, {"vault2", "b"}, {"alertname", "T"}}),
            R"({alertname="T", vault2="b", vault="a"})");
}

TEST(GoText, TimesTrimTrailingZeros) {
  using namespace std::chrono;
  const SysTime base = sys_days{year{2026} / 1 / 1};
  EXPECT_EQ(format_time(base), "2026-01-01T00:00:00Z");
  EXPECT_EQ(format_time(base + 120ms), "2026-01-01T00:00:00.12Z");
  EXPECT_EQ(format_time(base + 100ms), "2026-01-01T00:00:00.1Z");
  EXPECT_EQ(format_time(base + 1s + 1ms), "2026-01-01T00:00:01.001Z");
  EXPECT_EQ(format_time(base + 776147525ns), "2026-01-01T00:00:00.776147525Z");
  EXPECT_EQ(format_time(SysTime{}), "1970-01-01T00:00:00Z");
}

TEST(GoText, QuoteMetaEscapesRegexpSpecials) {
  EXPECT_EQ(quote_meta("hook"), "hook");
  EXPECT_EQ(quote_meta("web.hook"), "web\\.hook");
  EXPECT_EQ(quote_meta(R"(a+b*c?(d)|[e]{f}^$\)"), R"(a\+b\*c\?\(d\)\|\[e\]\{f\}\^\$\\)");
}

}  // namespace
}  // namespace vw::notify::go
