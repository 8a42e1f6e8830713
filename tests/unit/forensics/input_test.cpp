// Input (plain, gzip by magic, concatenated members, damage) and LineScanner (lines across
// buffer boundaries, buffer growth, over-long lines, a last line without '\n').
#include "forensics/input.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include "audit/decoder.hpp"
#include "forensics/scanner.hpp"
#include "gzip_bytes.hpp"
#include "support/test_support.hpp"

namespace vw::forensics {
namespace {

using test_gz::gzip;

std::string numbered_lines(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += "line " + std::to_string(i) + " " + std::string(static_cast<std::size_t>(i % 50), 'x') + "\n";
  return s;
}

struct Read {
  std::string data;
  std::string damage;
  bool gzip;
};

Read read_all(const std::filesystem::path& p, std::size_t chunk = 7) {
  auto in = Input::open(p.string());
  EXPECT_TRUE(in) << (in ? "" : in.error().message);
  Read r;
  std::string buf(chunk, '\0');
  while (auto n = (*in)->read(buf.data(), buf.size())) r.data.append(buf.data(), n);
  r.damage = (*in)->damage();
  r.gzip = (*in)->is_gzip();
  EXPECT_EQ((*in)->error(), "");
  return r;
}

struct Scanned {
  std::vector<std::string> lines;
  std::uint64_t too_long;
};

Scanned scan(const std::filesystem::path& p, ScannerOptions o) {
  auto in = Input::open(p.string());
  EXPECT_TRUE(in);
  LineScanner s(o);
  Scanned out;
  s.scan(**in, [&](std::string_view l) {
    // The decoder's contract: padding bytes readable after every line.
    volatile char last = l.data()[l.size() + audit::line_padding - 1];
    (void)last;
    out.lines.emplace_back(l);
  });
  out.too_long = s.too_long();
  return out;
}

TEST(Input, PlainAndGzipDetectedByContentNotName) {
  test::TempDir dir;
  const auto data = numbered_lines(2000);
  test::write_file(dir / "plain.gz", data);       // a .gz name on a plain file
  test::write_file(dir / "rotated.1", gzip(data));  // gzip without the name
  auto p = read_all(dir / "plain.gz");
  EXPECT_FALSE(p.gzip);
  EXPECT_EQ(p.data, data);
  auto g = read_all(dir / "rotated.1");
  EXPECT_TRUE(g.gzip);
  EXPECT_EQ(g.data, data);
  EXPECT_EQ(g.damage, "");
}

TEST(Input, ConcatenatedMembersReadLikeZcat) {
  test::TempDir dir;
  const auto a = numbered_lines(500), b = numbered_lines(700), c = std::string("last\n");
  test::write_file(dir / "multi", gzip(a) + gzip(b) + gzip(c));
  for (std::size_t chunk : {1u, 5u, 4096u, 1u << 20}) {
    auto r = read_all(dir / "multi", chunk);
    EXPECT_EQ(r.data, a + b + c) << chunk;
    EXPECT_EQ(r.damage, "");
  }
}

TEST(Input, DamageIsReportedAndDataBeforeItDelivered) {
  test::TempDir dir;
  const auto data = numbered_lines(5000);
  const auto z = gzip(data);
  test::write_file(dir / "cut", z.substr(0, z.size() / 2));
  auto cut = read_all(dir / "cut", 4096);
  EXPECT_EQ(cut.damage, "truncated gzip data");
  EXPECT_GT(cut.data.size(), 0u);
  EXPECT_EQ(data.substr(0, cut.data.size()), cut.data);

  test::write_file(dir / "tail", z.substr(0, z.size() - 3));  // inside the trailer
  EXPECT_EQ(read_all(dir / "tail").damage, "truncated gzip data");

  test::write_file(dir / "garbage", z + "junk");
  auto g = read_all(dir / "garbage");
  EXPECT_EQ(g.damage, "trailing garbage after gzip data");
  EXPECT_EQ(g.data, data);

  std::string bad = z;
  bad[bad.size() / 2] = static_cast<char>(bad[bad.size() / 2] ^ 0x55);
  bad[bad.size() / 2 + 1] = static_cast<char>(bad[bad.size() / 2 + 1] ^ 0x55);
  test::write_file(dir / "corrupt", bad);
  auto c = read_all(dir / "corrupt");
  EXPECT_TRUE(c.damage.starts_with("corrupt gzip data") || c.damage == "truncated gzip data") << c.damage;
}

TEST(Input, OpenErrors) {
  test::TempDir dir;
  auto missing = Input::open((dir / "nope").string());
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("No such file or directory"), std::string::npos);
  auto d = Input::open(dir.path().string());
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().message.find("is a directory"), std::string::npos);
  test::write_file(dir / "empty", "");
  auto e = read_all(dir / "empty");
  EXPECT_EQ(e.data, "");
  test::write_file(dir / "one", "\x1f");  // one byte of a magic: plain
  EXPECT_EQ(read_all(dir / "one").data, "\x1f");
}

TEST(LineScanner, SplitsAcrossEveryBufferBoundary) {
  test::TempDir dir;
  const auto data = numbered_lines(3000);
  std::vector<std::string> want;
  for (std::size_t p = 0, e; (e = data.find('\n', p)) != std::string::npos; p = e + 1)
    want.push_back(data.substr(p, e - p));
  test::write_file(dir / "plain", data);
  test::write_file(dir / "gz", gzip(data));
  for (std::size_t buf : {16u, 61u, 64u, 1000u, 4u << 20}) {
    for (const char* f : {"plain", "gz"}) {
      auto s = scan(dir / f, {.buffer_bytes = buf, .max_line_bytes = 4096});
      EXPECT_EQ(s.lines, want) << f << " " << buf;
      EXPECT_EQ(s.too_long, 0u);
    }
  }
}

TEST(LineScanner, OverLongLinesSkippedLastLineWithoutNewlineKept) {
  test::TempDir dir;
  const std::string big(1000, 'b');
  test::write_file(dir / "f", "a1\n" + big + "\nb2\n" + std::string(300, 'c') + "\n" + big + big + "\nlast");
  auto s = scan(dir / "f", {.buffer_bytes = 64, .max_line_bytes = 512});
  EXPECT_EQ(s.lines, (std::vector<std::string>{"a1", "b2", std::string(300, 'c'), "last"}));
  EXPECT_EQ(s.too_long, 2u);
  // A line longer than the starting buffer but within the limit grows the buffer.
  auto grown = scan(dir / "f", {.buffer_bytes = 64, .max_line_bytes = 4096});
  EXPECT_EQ(grown.lines.size(), 6u);
  EXPECT_EQ(grown.lines[1], big);
  EXPECT_EQ(grown.too_long, 0u);
}

}  // namespace
}  // namespace vw::forensics
