#!/usr/bin/env python3
"""The built-in rules table of docs/rules.md (the table after `<!-- builtin-rules -->`) matches
config/rules.yaml, the rule set compiled into the binary: the same alerts, and for each the same
`for`, `keep_firing_for` and `severity` label ("0s" / "default" where the file sets none).

config/rules.yaml is read line by line, not with a YAML library (python3-yaml is not among the
test packages): every `- alert: NAME` item's own keys are the lines at its key indentation, and
`severity` is read from its `labels` (flow `{severity: x}` or block style). An item whose shape
this reader does not understand is reported, never skipped.

  check_rules_doc.py SOURCE_DIR
Exit status 1 with one line per problem."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import doclib  # noqa: E402


def builtin_rules(path):
    rules, cur, indent = [], None, None
    for n, raw in enumerate(open(path, encoding="utf-8"), 1):
        line = re.sub(r"\s+#.*$", "", raw.rstrip("\n")) if not raw.lstrip().startswith("#") else ""
        m = re.match(r"^(\s*)- alert:\s*(\S+)\s*$", line)
        if m:
            indent = len(m.group(1)) + 2
            cur = {"alert": m.group(2).strip("\"'"), "line": n, "in_labels": False}
            rules.append(cur)
            continue
        if cur is None or not line.strip():
            continue
        lead = len(line) - len(line.lstrip())
        if lead < indent:            # back to the top level (another key, the end of the list)
            cur = None
            continue
        if lead == indent:
            cur["in_labels"] = False
            k = re.match(r"^\s*([A-Za-z_]+):\s*(.*)$", line)
            if not k:
                continue
            key, value = k.group(1), k.group(2).strip()
            if key in ("for", "keep_firing_for"):
                cur[key] = value.strip("\"'")
            elif key == "labels":
                s = re.search(r"\bseverity:\s*[\"']?([A-Za-z_]+)", value)
                if s:
                    cur["severity"] = s.group(1)
                elif not value:
                    cur["in_labels"] = True
        elif cur["in_labels"]:
            s = re.match(r"^\s*severity:\s*[\"']?([A-Za-z_]+)", line)
            if s:
                cur["severity"] = s.group(1)
    return rules


def main():
    root = os.path.abspath(sys.argv[1])
    problems = []
    rules = builtin_rules(os.path.join(root, "config", "rules.yaml"))
    text = doclib.read(os.path.join(root, "docs", "rules.md"))
    i = text.find("<!-- builtin-rules -->")
    if i < 0:
        print("docs/rules.md: no <!-- builtin-rules --> marker before the built-in table")
        return 1
    table = doclib.tables(text[i:])[0]
    header = [h.lower() for h in table[0]]
    want_cols = ["alert", "condition", "for", "keep_firing_for", "severity"]
    if header != want_cols:
        print("docs/rules.md: built-in table columns are %s, expected %s" % (header, want_cols))
        return 1
    doc = {}
    for cells in table[1:]:
        name = cells[0].strip("`")
        if name in doc:
            problems.append("docs/rules.md: %s listed twice" % name)
        doc[name] = dict(zip(want_cols, cells))
    seen = set()
    for r in rules:
        name = r["alert"]
        seen.add(name)
        if "severity" not in r:
            problems.append("config/rules.yaml:%d: %s: no severity label found (or a shape this check cannot read)"
                            % (r["line"], name))
        d = doc.get(name)
        if d is None:
            problems.append("docs/rules.md: built-in rule %s (config/rules.yaml:%d) is not in the table" % (name, r["line"]))
            continue
        for key, default in (("for", "0s"), ("keep_firing_for", "default"), ("severity", "")):
            want = r.get(key, default)
            if d[key] != want:
                problems.append("docs/rules.md: %s: %s is \"%s\", config/rules.yaml says \"%s\"" % (name, key, d[key], want))
    for name in doc:
        if name not in seen:
            problems.append("docs/rules.md: %s is in the built-in table but not in config/rules.yaml" % name)
    if len(rules) < 10:
        problems.append("config/rules.yaml: only %d rules read: has its layout changed?" % len(rules))
    for p in problems:
        print(p)
    print("%d built-in rules, %d in the table, %d problems" % (len(rules), len(doc), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
