#!/usr/bin/env python3
"""Every alert rule has a runbook: a runbook_url annotation whose fragment is an anchor
(<a id="...">) of deploy/RUNBOOK.md, and whose document is RUNBOOK.md.

Reads Prometheus rule files (groups[].rules[]) and vaultwatch rule files (rules[] or a bare
list), so the built-in rules (config/rules.yaml) and the cluster rules
(deploy/prometheus/*.rules.yml) are held to the same standard. Recording rules are skipped.

usage: check_runbooks.py --runbook deploy/RUNBOOK.md RULES_FILE...
Exit 0 when every alert passes, 1 with one line per problem otherwise.
"""
import argparse
import re
import sys

import yaml

ANCHOR = re.compile(r'<a id="([^"]+)"></a>')
# The document part may be a plain URL or vaultwatch's ${VAULTWATCH_RUNBOOK_URL:-...} form.
URL = re.compile(r"RUNBOOK\.md\}?#([A-Za-z0-9_-]+)$")


def alert_rules(doc):
    """(alert name, rule dict) for every alert of a Prometheus or vaultwatch rules document."""
    if isinstance(doc, dict) and "groups" in doc:
        for g in doc["groups"] or []:
            for r in g.get("rules") or []:
                if "alert" in r:
                    yield r["alert"], r
        return
    rules = doc.get("rules") if isinstance(doc, dict) else doc
    for r in rules or []:
        if isinstance(r, dict) and "alert" in r:
            yield r["alert"], r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runbook", required=True)
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    with open(a.runbook, encoding="utf-8") as f:
        anchors = set(ANCHOR.findall(f.read()))
    problems, checked = [], 0
    for path in a.files:
        with open(path, encoding="utf-8") as f:
            doc = yaml.safe_load(f)
        for name, rule in alert_rules(doc):
            checked += 1
            url = ((rule.get("annotations") or {}).get("runbook_url") or "").strip()
            if not url:
                problems.append("%s: %s: no runbook_url annotation" % (path, name))
                continue
            m = URL.search(url)
            if not m:
                problems.append("%s: %s: runbook_url %r does not point at RUNBOOK.md#<anchor>" % (path, name, url))
            elif m.group(1) not in anchors:
                problems.append("%s: %s: runbook_url anchor #%s is not in %s" % (path, name, m.group(1), a.runbook))
    if checked == 0:
        problems.append("no alert rules found in %s" % ", ".join(a.files))
    for p in problems:
        print(p)
    if not problems:
        print("%d alerts, each with a runbook_url pointing at a section of %s" % (checked, a.runbook))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
