// The tailer's pure core (line_split.hpp, resume.hpp): table tests of each rule, then two
// property tests over seeded random runs -- random read boundaries (every line handed out
// exactly once, too-long lines skipped and counted) and random rotations across restarts
// (every surviving line read exactly once, in order). Seeds are fixed: failures reproduce.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "audit/line_split.hpp"
#include "audit/resume.hpp"

namespace vw::audit {
namespace {

struct Split {
  LineSplit r;
  std::vector<std::string> lines;
};

Split split(std::string_view data, LineSplitState& st, LineSplitOptions o = {16, 32}) {
  Split s;
  s.r = split_lines(data, st, o, [&](std::string_view l) { s.lines.emplace_back(l); });
  return s;
}

TEST(LineSplit, HandsOutCompleteLinesAndLeavesAPartialLastLine) {
  LineSplitState st{16};
  auto s = split("ab\ncd\nef", st);  // a short read: the end of the file
  EXPECT_EQ(s.lines, (std::vector<std::string>{"ab", "cd"}));
  EXPECT_EQ(s.r, (LineSplit{.advance = 6, .lines = 2, .bytes = 6, .too_long = 0, .more = false}));
  EXPECT_EQ(st, (LineSplitState{16}));
}

TEST(LineSplit, AFullReadAsksForMore) {
  LineSplitState st{8};
  auto s = split("a\nb\ncdef", st);
  EXPECT_EQ(s.lines, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(s.r.more);
  EXPECT_EQ(s.r.advance, 4u);
}

TEST(LineSplit, EmptyLinesAreLines) {
  LineSplitState st{16};
  auto s = split("\n\nx\n", st);
  EXPECT_EQ(s.lines, (std::vector<std::string>{"", "", "x"}));
  EXPECT_EQ(s.r.lines, 3u);
}

TEST(LineSplit, OneLineFillingTheReadIsReadWholeNextTime) {
  LineSplitState st{8};
  auto s = split("abcdefgh", st);  // no '\n' in a full read
  EXPECT_TRUE(s.lines.empty());
  EXPECT_EQ(s.r, (LineSplit{.more = true}));
  EXPECT_EQ(st.want, 33u) << "max_line_bytes + 1";
  s = split(std::string(20, 'x') + "\n", st);
  EXPECT_EQ(s.lines, (std::vector<std::string>{std::string(20, 'x')}));
  EXPECT_EQ(st.want, 16u) << "back to the chunk size";
}

TEST(LineSplit, ALineOfExactlyMaxLineBytesIsHandedOut) {
  LineSplitState st{33};
  auto s = split(std::string(32, 'x') + "\n", st);
  ASSERT_EQ(s.lines.size(), 1u);
  EXPECT_EQ(s.r.too_long, 0u);
}

TEST(LineSplit, ALongerLineIsSkippedInBoundedReadsAndCountedOnce) {
  LineSplitState st{33};
  auto s = split(std::string(33, 'x'), st);
  EXPECT_TRUE(s.lines.empty());
  EXPECT_EQ(s.r, (LineSplit{.advance = 33, .lines = 0, .bytes = 33, .too_long = 1, .more = true}));
  EXPECT_TRUE(st.skipping);
  EXPECT_EQ(st.want, 16u);
  s = split(std::string(16, 'x'), st);  // still inside it
  EXPECT_EQ(s.r, (LineSplit{.advance = 16, .lines = 0, .bytes = 16, .too_long = 0, .more = true}));
  s = split("xx\nok\n", st);  // its end, then a normal line
  EXPECT_EQ(s.lines, (std::vector<std::string>{"ok"}));
  EXPECT_EQ(s.r, (LineSplit{.advance = 6, .lines = 2, .bytes = 6, .too_long = 0, .more = false}));
  EXPECT_FALSE(st.skipping);
}

TEST(LineSplit, TheLineStartAtEndLandedInIsSkippedWithoutCounting) {
  LineSplitState st{16, true, true};
  auto s = split("rest\nnext\n", st);
  EXPECT_EQ(s.lines, (std::vector<std::string>{"next"}));
  EXPECT_EQ(s.r, (LineSplit{.advance = 10, .lines = 1, .bytes = 5, .too_long = 0, .more = false}));
}

TEST(LineSplit, StartAtEndStartsAfterTheLastCompleteLine) {
  EXPECT_EQ(start_at_end("", 0), (StartAtEnd{0, false}));
  EXPECT_EQ(start_at_end("a\nb\npart", 8), (StartAtEnd{4, false}));
  EXPECT_EQ(start_at_end("ine\n", 1000), (StartAtEnd{1000, false})) << "only the tail was read";
  EXPECT_EQ(start_at_end("no newline at all", 100000), (StartAtEnd{100000, true}));
  EXPECT_EQ(start_at_end("", 500), (StartAtEnd{500, true})) << "an unreadable tail";
}

// ---- resume ----------------------------------------------------------------------------------

Checkpoint cp_of(std::uint64_t ino, std::uint64_t offset, std::string_view head) {
  return {"/v/audit.log", 1, ino, offset, head.size(), fingerprint_of(head)};
}

TEST(Resume, DecidesFromInodeSizeAndFirstBytes) {
  const auto cp = cp_of(7, 100, "first");
  struct Row {
    const char* what;
    FileFacts f;
    bool resumes, holds;
  } rows[] = {
      {"the same file, grown", {1, 7, 150, "first"}, true, true},
      {"the same file, as long", {1, 7, 100, "first"}, true, true},
      {"shrank below the offset", {1, 7, 99, "first"}, false, false},
      {"same inode, other content (reuse)", {1, 7, 150, "other"}, false, false},
      {"another inode, same content (a copy)", {1, 8, 120, "first"}, false, true},
      {"another device", {2, 7, 150, "first"}, false, true},
      {"a shorter head", {1, 7, 150, "firs"}, false, false},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(resumes(cp, r.f), r.resumes) << r.what;
    EXPECT_EQ(holds_checkpointed(cp, r.f), r.holds) << r.what;
  }
}

TEST(Resume, NamesWhatHappenedWhileStopped) {
  const auto cp = cp_of(7, 100, "first");
  const FileFacts renamed{1, 7, 120, "first"}, copy{1, 9, 120, "first"};
  const FileFacts fresh{1, 8, 10, "new"}, same_inode_short{1, 7, 10, "new"}, same_inode_long{1, 7, 500, "new"};
  EXPECT_STREQ(change_kind(cp, &fresh, &renamed), "rename");
  EXPECT_STREQ(change_kind(cp, nullptr, &renamed), "rename");
  EXPECT_STREQ(change_kind(cp, &same_inode_short, &copy), "truncate");
  EXPECT_STREQ(change_kind(cp, &same_inode_short, nullptr), "truncate");
  EXPECT_STREQ(change_kind(cp, &same_inode_long, nullptr), "recreate") << "inode reuse";
  EXPECT_STREQ(change_kind(cp, &fresh, nullptr), "recreate");
  EXPECT_STREQ(change_kind(cp, nullptr, nullptr), "recreate");
}

// ---- property: random read boundaries ----------------------------------------------------------

TEST(LineSplitProperty, EveryLineExactlyOnceWhateverTheReadBoundaries) {
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    std::mt19937_64 rng(seed);
    auto pick = [&](std::size_t lo, std::size_t hi) {
      return std::uniform_int_distribution<std::size_t>(lo, hi)(rng);
    };
    // chunk <= max: a line longer than max_line_bytes never fits a chunk with its '\n'.
    LineSplitOptions o;
    o.max_line_bytes = pick(4, 80);
    o.read_chunk_bytes = pick(1, o.max_line_bytes);
    // What the writer will write, line by line; some lines too long, some empty.
    std::string all;
    std::vector<std::string> want;
    std::size_t want_too_long = 0, total_lines = pick(1, 200);
    for (std::size_t i = 0; i < total_lines; ++i) {
      std::string l = std::to_string(seed) + ":" + std::to_string(i);
      const auto r = pick(0, 9);
      if (r == 0) l.clear();
      else if (r == 1) l.append(o.max_line_bytes, 'L');                   // too long
      else if (r == 2) l.resize(o.max_line_bytes, 'x');                   // exactly max
      if (l.size() > o.max_line_bytes) ++want_too_long;
      else want.push_back(l);
      all += l + "\n";
    }
    // The file grows by random byte counts (lines written in pieces); the reader reads until it
    // is told there is nothing more, then the file grows again.
    std::size_t written = 0, offset = 0;
    LineSplitState st{o.read_chunk_bytes};
    std::vector<std::string> got;
    std::uint64_t lines = 0, bytes = 0, too_long = 0;
    int guard = 0;
    while (offset < all.size()) {
      ASSERT_LT(++guard, 1000000) << "seed " << seed << ": no progress";
      if (written < all.size()) written = std::min(all.size(), written + pick(1, 3 * o.read_chunk_bytes));
      for (bool more = true; more;) {
        const std::string_view data = std::string_view(all).substr(0, written).substr(offset, st.want);
        if (data.empty()) break;
        auto r = split_lines(data, st, o, [&](std::string_view l) { got.emplace_back(l); });
        offset += r.advance;
        lines += r.lines;
        bytes += r.bytes;
        too_long += r.too_long;
        more = r.more;
      }
    }
    ASSERT_EQ(got, want) << "seed " << seed;
    EXPECT_EQ(too_long, want_too_long) << "seed " << seed;
    EXPECT_EQ(lines, total_lines) << "seed " << seed;
    EXPECT_EQ(bytes, all.size()) << "seed " << seed;
  }
}

// ---- property: random rotations across restarts -----------------------------------------------

// A directory of files as the tailer sees it at start: names -> (inode, content). A single
// writer numbers its lines, so reading them back in order means a strictly increasing sequence.
struct ModelFile {
  std::uint64_t ino = 0;
  std::string data;
};
using File = std::shared_ptr<ModelFile>;

struct Model {
  std::mt19937_64 rng;
  std::size_t fp_bytes;
  std::map<std::string, File> dir;  // "audit.log", "audit.log.1", ...
  File writer;                       // the file Vault has open (maybe renamed or unlinked)
  std::uint64_t next_line = 0, next_ino = 100, rotation = 0;
  // The tailer: its current file, offset, checkpoint, and every line it handed out.
  File current;
  std::uint64_t offset = 0;
  std::vector<std::uint64_t> read;

  std::size_t pick(std::size_t lo, std::size_t hi) {
    return std::uniform_int_distribution<std::size_t>(lo, hi)(rng);
  }
  void write(std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) writer->data += "line-" + std::to_string(next_line++) + "\n";
  }
  File create(std::uint64_t ino) {
    auto f = std::make_shared<ModelFile>();
    f->ino = ino;
    dir["audit.log"] = f;
    return f;
  }
  FileFacts facts(const File& f, std::size_t head_len) const {
    return {1, f->ino, f->data.size(), std::string_view(f->data).substr(0, head_len)};
  }
  // Reads `f` from `from` to its end with random read sizes, as the tailer's pump does.
  std::uint64_t read_to_end(const File& f, std::uint64_t from) {
    LineSplitOptions o{pick(1, 40), 64};
    LineSplitState st{o.read_chunk_bytes};
    for (bool more = true; more;) {
      const auto data = std::string_view(f->data).substr(std::min<std::size_t>(from, f->data.size()), st.want);
      if (data.empty()) break;
      auto r = split_lines(data, st, o, [&](std::string_view l) {
        read.push_back(std::stoull(std::string(l.substr(5))));
      });
      from += r.advance;
      more = r.more;
    }
    return from;
  }
  // The tailer's initial_open() with a checkpoint, expressed with the pure functions.
  void restart(const Checkpoint& cp) {
    File f = dir.count("audit.log") ? dir["audit.log"] : nullptr;
    if (f && resumes(cp, facts(f, cp.fingerprint_len))) {
      current = f;
      offset = cp.offset;
      return;
    }
    File old;
    for (const auto& [name, cand] : dir)
      if (name != "audit.log" && cand != f && holds_checkpointed(cp, facts(cand, cp.fingerprint_len))) old = cand;
    if (old) read_to_end(old, cp.offset);
    current = f;
    offset = 0;
  }
  void rotate_while_stopped() {
    const std::string rotated = "audit.log." + std::to_string(++rotation);
    switch (pick(0, 4)) {
      case 0: break;  // no rotation: resume
      case 1:  // logrotate create: rename, create; Vault writes on to the old file until SIGHUP
        dir[rotated] = dir["audit.log"];
        dir.erase("audit.log");
        create(next_ino++);
        write(pick(0, 5));
        writer = dir["audit.log"];
        break;
      case 2: {  // copytruncate (no write between the copy and the truncate)
        auto copy = std::make_shared<ModelFile>(*dir["audit.log"]);
        copy->ino = next_ino++;
        dir[rotated] = copy;
        dir["audit.log"]->data.clear();
        break;
      }
      case 3: {  // delete + recreate, the new file on the freed inode number (what ext4 does)
        const auto ino = dir["audit.log"]->ino;
        dir.erase("audit.log");
        lost_from(writer);
        writer = create(ino);
        break;
      }
      case 4:  // delete + recreate with a new inode
        dir.erase("audit.log");
        lost_from(writer);
        writer = create(next_ino++);
        break;
    }
  }
  // Lines in a deleted file that the tailer had not read cannot be read by anyone.
  void lost_from(const File& f) {
    for (std::size_t p = 0; (p = f->data.find("line-", p)) != std::string::npos; ++p)
      lost.push_back(std::stoull(f->data.substr(p + 5)));
  }
  std::vector<std::uint64_t> lost;
};

TEST(ResumeProperty, EverySurvivingLineExactlyOnceAcrossRandomRotationsWhileStopped) {
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    Model m{std::mt19937_64(seed), 0, {}, nullptr};
    // At least the first line: real audit lines differ within their first bytes (time, id),
    // these only after "line-".
    m.fp_bytes = m.pick(16, 48);
    m.writer = m.create(m.next_ino++);
    m.current = m.writer;
    for (int round = 0; round < 20; ++round) {
      // Running: the tailer reads what is there; Vault may write more right after the last
      // read, before the stop saves the checkpoint (where it read to, not the file's size).
      m.write(m.pick(1, 8));
      m.offset = m.read_to_end(m.current, m.offset);
      m.write(m.pick(0, 3));
      const auto head = std::string_view(m.current->data).substr(0, std::min(m.fp_bytes, m.current->data.size()));
      const Checkpoint cp{"/v/audit.log", 1, m.current->ino, m.offset, head.size(), fingerprint_of(head)};
      // Stopped: more lines, then maybe a rotation, then maybe more lines.
      m.write(m.pick(0, 5));
      m.rotate_while_stopped();
      m.write(m.pick(1, 5));  // at least one: a file the checkpoint could mistake is never empty
      m.restart(cp);
    }
    m.read_to_end(m.current, m.offset);
    // Exactly once and in order: strictly increasing.
    for (std::size_t i = 1; i < m.read.size(); ++i)
      ASSERT_LT(m.read[i - 1], m.read[i]) << "seed " << seed << ": read twice or out of order";
    // Nothing that survives in the directory was missed.
    std::vector<bool> seen(m.next_line, false);
    for (auto n : m.read) seen[n] = true;
    for (const auto& [name, f] : m.dir)
      for (std::size_t p = 0; (p = f->data.find("line-", p)) != std::string::npos; ++p) {
        const auto n = std::stoull(f->data.substr(p + 5));
        ASSERT_TRUE(seen[n]) << "seed " << seed << ": line " << n << " in " << name << " never read";
      }
    // And every line not read is one that was deleted before anyone could read it.
    std::vector<bool> lost(m.next_line, false);
    for (auto n : m.lost) lost[n] = true;
    for (std::uint64_t n = 0; n < m.next_line; ++n)
      ASSERT_TRUE(seen[n] || lost[n]) << "seed " << seed << ": line " << n << " lost without a delete";
  }
}

}  // namespace
}  // namespace vw::audit
