#!/usr/bin/env python3
"""Checks that the deploy/ artifacts only query metrics that exist.

  check_metric_names.py --names spec_metric_names.txt [--dashboard X.json]... [--rules X.yml]...
                        [--promtool promtool]

- Every metric name in a Grafana panel query, a dashboard variable query or a Prometheus rule
  expression must be in the names file (histogram/summary names also as _bucket/_sum/_count),
  or be a recording rule defined in one of the given rule files.
- A dashboard must be valid JSON with unique panel ids, and every query must be valid PromQL:
  the queries (Grafana variables replaced by sample values) are handed to `promtool check rules`
  as recording rules when --promtool is given.
Exit status 1 with one line per problem.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

KEYWORDS = {"and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right",
            "bool", "offset", "inf", "nan", "atan2", "start", "end"}
CLAUSES = ("by", "without", "on", "ignoring", "group_left", "group_right")


def load_names(path):
    names = set()
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split()
            names.add(parts[0])
            if len(parts) > 1 and parts[1] in ("histogram", "summary"):
                names.update(parts[0] + s for s in ("_bucket", "_sum", "_count"))
    return names


def metric_names(expr):
    """The metric names an expression selects (a tokenizer, not a parser: enough for PromQL)."""
    s = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`', '""', expr)  # string literals
    s = re.sub(r"\{[^}]*\}", " ", s)                                              # label matchers
    s = re.sub(r"\[[^\]]*\]", " ", s)                                             # ranges, subqueries
    s = re.sub(r"\b(%s)\s*\([^)]*\)" % "|".join(CLAUSES), " ", s)                 # by (...), on (...)
    s = re.sub(r"\$\{?\w+\}?", " ", s)                                            # Grafana variables
    out = set()
    for m in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", s):
        name = m.group(0)
        rest = s[m.end():].lstrip()
        if rest.startswith("("):
            continue  # a function or aggregation
        if name.lower() in KEYWORDS:
            continue
        start = m.start()
        if start > 0 and (s[start - 1].isdigit() or s[start - 1] == "."):
            continue  # part of a number such as 1e9
        out.add(name)
    return out


def grafana_sample(expr):
    """The query with Grafana's variables replaced so that promtool can parse it."""
    for var, value in (("$__rate_interval", "5m"), ("$__interval", "1m"), ("$__range", "1h"),
                       ("${__rate_interval}", "5m")):
        expr = expr.replace(var, value)
    return re.sub(r"\$\{?\w+\}?", ".*", expr)


def dashboard_queries(path, problems):
    try:
        with open(path) as f:
            d = json.load(f)
    except (OSError, ValueError) as e:
        problems.append(f"{path}: not valid JSON: {e}")
        return []
    queries = []
    ids = set()

    def walk(panels):
        for p in panels:
            pid = p.get("id")
            if pid in ids:
                problems.append(f"{path}: duplicate panel id {pid}")
            ids.add(pid)
            for t in p.get("targets", []):
                if "expr" in t:
                    queries.append((f"panel \"{p.get('title')}\" {t.get('refId')}", t["expr"]))
            walk(p.get("panels", []))

    walk(d.get("panels", []))
    for v in d.get("templating", {}).get("list", []):
        q = v.get("query")
        q = q.get("query") if isinstance(q, dict) else q
        if v.get("type") == "query" and q:
            m = re.match(r"\s*label_values\((.*),\s*\w+\)\s*$", q)
            queries.append((f"variable {v.get('name')}", m.group(1) if m else q))
    if not queries:
        problems.append(f"{path}: no queries found")
    return queries


def rule_queries(path, problems):
    # Rule files are YAML; PyYAML is not a dependency, so read `record:`/`expr:` lines (block
    # scalars included) the way these files are written.
    queries, recorded = [], set()
    with open(path) as f:
        lines = f.read().splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r"\s*-?\s*record:\s*(\S+)", line)
        if m:
            recorded.add(m.group(1))
        m = re.match(r"(\s*)-?\s*expr:\s*(.*)$", line)
        if m:
            indent, value = len(m.group(1)), m.group(2).strip()
            if value in ("|", ">", "|-", ">-"):
                body = []
                i += 1
                while i < len(lines) and (not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > indent):
                    body.append(lines[i].strip())
                    i += 1
                queries.append((f"{path}:{i}", " ".join(body)))
                continue
            queries.append((f"{path}:{i + 1}", value.strip("'\"")))
        i += 1
    return queries, recorded


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--names", required=True)
    ap.add_argument("--dashboard", action="append", default=[])
    ap.add_argument("--rules", action="append", default=[])
    ap.add_argument("--promtool")
    args = ap.parse_args()
    known = load_names(args.names)
    problems = []
    recorded = set()
    rule_qs = []
    for r in args.rules:
        qs, rec = rule_queries(r, problems)
        rule_qs += qs
        recorded |= rec
    dash_qs = []
    for d in args.dashboard:
        dash_qs += [(f"{d}: {where}", q) for where, q in dashboard_queries(d, problems)]
    allowed = known | recorded
    for where, q in rule_qs + dash_qs:
        for name in sorted(metric_names(q) - allowed):
            problems.append(f"{where}: unknown metric {name} (not in {os.path.basename(args.names)})")
    if args.promtool and dash_qs:
        with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
            f.write("groups:\n  - name: dashboard\n    rules:\n")
            for n, (where, q) in enumerate(dash_qs):
                f.write(f"      - record: dashboard_query_{n}\n        expr: {json.dumps(grafana_sample(q))}\n")
            tmp = f.name
        r = subprocess.run([args.promtool, "check", "rules", tmp], capture_output=True, text=True)
        if r.returncode != 0:
            out = r.stdout + r.stderr
            for m in re.finditer(r"group \"dashboard\", rule (\d+)", out):
                where, q = dash_qs[int(m.group(1)) - 1]
                problems.append(f"{where}: not valid PromQL: {q}")
            problems.append("promtool check rules on the dashboard queries failed:\n" + out)
        os.unlink(tmp)
    for p in problems:
        print(p)
    total = len(rule_qs) + len(dash_qs)
    print(f"check_metric_names: {total} queries, {len(problems)} problems", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
