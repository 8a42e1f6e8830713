#!/usr/bin/env python3
"""docs/metrics.md agrees with what vaultwatch exports:

- every family of tests/deploy/spec_metric_names.txt (the SPEC §4 list; entries typed
  `prometheus` are Prometheus' own series) is a row of a metrics.md table with the same type,
  and the rows marked SPEC are exactly that list;
- every `vaultwatch_*` or `process_*` name written as a string literal in lib/ and daemon/ (the
  families the code registers) has a row;
- every row names a family the list or the code knows, with a known type.

The real scrape is compared with metrics.md by MetricContract in
tests/integration/metric_contract_test.cpp.

  check_metrics_doc.py SOURCE_DIR
Exit status 1 with one line per problem."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import doclib  # noqa: E402

TYPES = {"counter", "gauge", "histogram", "summary"}


def spec_list(path):
    out = {}
    for line in open(path, encoding="utf-8"):
        parts = line.split("#", 1)[0].split()
        if parts:
            out[parts[0]] = parts[1] if len(parts) > 1 else ""
    return out


def code_names(root):
    names = {}
    for top in ("lib", "daemon"):
        for d, _, files in os.walk(os.path.join(root, top)):
            for f in files:
                if not f.endswith((".cpp", ".hpp", ".h", ".cc")):
                    continue
                p = os.path.join(d, f)
                for m in re.finditer(r'"((?:vaultwatch|process)_[a-z0-9_]+)"', doclib.read(p)):
                    names.setdefault(m.group(1), os.path.relpath(p, root))
    return names


def doc_rows(text):
    """family -> (type, spec cell) from every table whose header starts with family | type."""
    rows = {}
    for table in doclib.tables(text):
        header = [h.lower() for h in table[0]]
        if header[:2] != ["family", "type"]:
            continue
        spec_col = header.index("spec") if "spec" in header else None
        for cells in table[1:]:
            name = cells[0].strip("`")
            rows.setdefault(name, []).append((cells[1], cells[spec_col] if spec_col is not None else ""))
    return rows


def main():
    root = os.path.abspath(sys.argv[1])
    problems = []
    spec = spec_list(os.path.join(root, "tests", "deploy", "spec_metric_names.txt"))
    code = code_names(root)
    rows = doc_rows(doclib.read(os.path.join(root, "docs", "metrics.md")))
    for name, entries in rows.items():
        if len(entries) > 1:
            problems.append("docs/metrics.md: %s has %d rows" % (name, len(entries)))
        typ, mark = entries[0]
        if typ not in TYPES:
            problems.append("docs/metrics.md: %s: type \"%s\" is not one of %s" % (name, typ, sorted(TYPES)))
        if name not in spec and name not in code:
            problems.append("docs/metrics.md: %s is neither in spec_metric_names.txt nor in the sources" % name)
        if mark == "SPEC" and name not in spec:
            problems.append("docs/metrics.md: %s is marked SPEC but is not in spec_metric_names.txt" % name)
        if mark != "SPEC" and name in spec:
            problems.append("docs/metrics.md: %s is in spec_metric_names.txt: mark it SPEC" % name)
    for name, typ in spec.items():
        if typ == "prometheus":
            continue
        if name not in rows:
            problems.append("docs/metrics.md: %s (spec_metric_names.txt) is not documented" % name)
        elif typ and rows[name][0][0] != typ:
            problems.append("docs/metrics.md: %s is a %s in spec_metric_names.txt, the doc says %s"
                            % (name, typ, rows[name][0][0]))
    for name, where in sorted(code.items()):
        if name not in rows:
            problems.append("docs/metrics.md: %s (%s) is not documented" % (name, where))
    if len(spec) < 40 or len(code) < 30:
        problems.append("only %d SPEC families and %d code names found: has a layout changed?" % (len(spec), len(code)))
    for p in problems:
        print(p)
    print("%d families documented, %d in the SPEC list, %d named in the code, %d problems"
          % (len(rows), len(spec), len(code), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
