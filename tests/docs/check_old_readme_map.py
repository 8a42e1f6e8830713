#!/usr/bin/env python3
"""A reader of the old README finds every section: each heading listed in
old_readme_headings.txt has a row in the "Old README map" table of docs/index.md whose first
cell is that heading and which links somewhere (check_links.py checks that the links resolve).

  check_old_readme_map.py SOURCE_DIR
Exit status 1 with one line per problem."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import doclib  # noqa: E402


def main():
    root = os.path.abspath(sys.argv[1])
    here = os.path.dirname(os.path.abspath(__file__))
    want = [l.rstrip("\n") for l in open(os.path.join(here, "old_readme_headings.txt"), encoding="utf-8")
            if l.strip() and not l.startswith("#")]
    text = doclib.read(os.path.join(root, "docs", "index.md"))
    i = text.find("\n## Old README map")
    problems = []
    if i < 0:
        problems.append("docs/index.md: no \"## Old README map\" section")
        rows = {}
    else:
        section = text[i + 1:]
        j = section.find("\n## ", 1)
        section = section if j < 0 else section[:j]
        rows = {}
        for table in doclib.tables(section):
            for cells in table[1:]:
                rows[cells[0]] = cells[1] if len(cells) > 1 else ""
    for h in want:
        if h not in rows:
            problems.append("docs/index.md: Old README map has no row for \"%s\"" % h)
        elif not re.search(r"\]\([^)]+\)", rows[h]):
            problems.append("docs/index.md: the row for \"%s\" links nowhere" % h)
    if len(want) < 40:
        problems.append("old_readme_headings.txt lists only %d headings" % len(want))
    for p in problems:
        print(p)
    print("%d old README sections, %d problems" % (len(want), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
