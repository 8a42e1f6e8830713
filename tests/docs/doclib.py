"""Shared by the documentation checks in tests/docs/: Markdown reading without a Markdown library
(Debian's python3-markdown renders HTML; these checks only need headings, links, tables and code,
and must not depend on a package the test machines may lack)."""
import os
import re
import unicodedata


def strip_fences(text):
    """The text with fenced code blocks replaced by empty lines (line numbers kept)."""
    out, fence = [], None
    for line in text.split("\n"):
        m = re.match(r"^\s*(```+|~~~+)", line)
        if fence is None and m:
            fence = m.group(1)[:3]
            out.append("")
            continue
        if fence is not None:
            if line.strip().startswith(fence):
                fence = None
            out.append("")
            continue
        out.append(line)
    return "\n".join(out)


def headings(text):
    """(level, title) of every ATX heading outside code blocks."""
    res = []
    for line in strip_fences(text).split("\n"):
        m = re.match(r"^(#{1,6})\s+(.*?)\s*#*\s*$", line)
        if m:
            res.append((len(m.group(1)), m.group(2)))
    return res


def anchor(title):
    """GitHub's anchor for a heading: markup removed, lower case, every character that is not a
    letter, digit, space, hyphen or underscore dropped, spaces turned into hyphens."""
    t = re.sub(r"`([^`]*)`", r"\1", title)
    t = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", t)          # [text](link) -> text
    t = re.sub(r"<[^>]+>", "", t)                            # inline HTML
    t = t.replace("*", "")
    t = t.lower()
    out = []
    for ch in t:
        cat = unicodedata.category(ch)
        if ch in " -_" or cat[0] in "LN":
            out.append("-" if ch == " " else ch)
    return "".join(out)


def anchors(text):
    """Every anchor the headings of a file define (repeated titles get -1, -2, ... as on GitHub)."""
    seen, res = {}, set()
    for _, title in headings(text):
        a = anchor(title)
        n = seen.get(a, 0)
        res.add(a if n == 0 else "%s-%d" % (a, n))
        seen[a] = n + 1
    return res


LINK = re.compile(r"(?<!!)\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


def links(text):
    """(line number, target) of every inline Markdown link outside code blocks and code spans."""
    res = []
    for i, line in enumerate(strip_fences(text).split("\n"), 1):
        line = re.sub(r"`[^`]*`", "``", line)
        for m in LINK.finditer(line):
            res.append((i, m.group(1)))
    return res


def code_words(text):
    """Every identifier-like word inside code spans and fenced code blocks."""
    words = set()
    for m in re.finditer(r"```[^\n]*\n(.*?)```", text, re.S):
        words.update(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", m.group(1)))
    for m in re.finditer(r"`([^`\n]+)`", text):
        words.update(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", m.group(1)))
    return words


def tables(text):
    """Every Markdown table outside code blocks as a list of rows (lists of stripped cells),
    header row included, separator row left out."""
    res, cur = [], []
    for line in strip_fences(text).split("\n"):
        if line.startswith("|"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            if not all(re.fullmatch(r":?-+:?", c) for c in cells):
                cur.append(cells)
        elif cur:
            res.append(cur)
            cur = []
    if cur:
        res.append(cur)
    return res


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def doc_files(root):
    """README.md and every docs/*.md (docs/incoming/ is the engineers' inbox, not published)."""
    files = [os.path.join(root, "README.md")]
    d = os.path.join(root, "docs")
    files += sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".md"))
    return files
