#!/usr/bin/env python3
"""Every relative link in README.md and docs/*.md resolves: the file (or directory) exists in the
repository and an `#anchor` names a heading of the target file (GitHub's anchor rules). Also the
two promises of the landing page: its first two commands are `deploy/demo.sh` and
`deploy/test.sh`, and it stays short (at most MAX_README_LINES lines).

  check_links.py SOURCE_DIR
Exit status 1 with one line per problem."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import doclib  # noqa: E402

MAX_README_LINES = 250


def main():
    root = os.path.abspath(sys.argv[1])
    problems = []
    files = doclib.doc_files(root)
    cache = {}

    def anchors_of(path):
        if path not in cache:
            cache[path] = doclib.anchors(doclib.read(path))
        return cache[path]

    checked = 0
    for path in files:
        rel = os.path.relpath(path, root)
        text = doclib.read(path)
        for line, target in doclib.links(text):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target):   # http:, https:, mailto:, file:
                continue
            checked += 1
            file_part, _, frag = target.partition("#")
            dest = path if not file_part else os.path.normpath(os.path.join(os.path.dirname(path), file_part))
            if not (dest == root or dest.startswith(root + os.sep)):
                problems.append("%s:%d: %s leaves the repository" % (rel, line, target))
                continue
            if not os.path.exists(dest):
                problems.append("%s:%d: %s: no such file %s" % (rel, line, target, os.path.relpath(dest, root)))
                continue
            if frag:
                if not dest.endswith(".md"):
                    problems.append("%s:%d: %s: an anchor into a file that is not Markdown" % (rel, line, target))
                elif frag not in anchors_of(dest):
                    problems.append("%s:%d: %s: no heading with anchor #%s in %s"
                                    % (rel, line, target, frag, os.path.relpath(dest, root)))

    readme = doclib.read(os.path.join(root, "README.md"))
    commands = [l.split()[0] for l in re.findall(r"```sh\n(.*?)```", readme, re.S)[0].splitlines() if l.strip()] \
        if "```sh\n" in readme else []
    if commands[:2] != ["deploy/demo.sh", "deploy/test.sh"]:
        problems.append("README.md: the first code block must start with deploy/demo.sh and deploy/test.sh, got %s" % commands[:2])
    first_block = readme.find("```")
    if first_block < 0 or readme[:first_block].count("\n") > 3:
        problems.append("README.md: the two commands must come first (right under the title)")
    n = readme.count("\n")
    if n > MAX_README_LINES:
        problems.append("README.md: %d lines; the landing page stays at most %d (move detail into docs/)" % (n, MAX_README_LINES))
    if checked < 50:
        problems.append("only %d relative links found: is the link pattern broken?" % checked)
    for p in problems:
        print(p)
    print("%d relative links in %d files checked, %d problems" % (checked, len(files), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
