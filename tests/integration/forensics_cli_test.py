#!/usr/bin/env python3
"""End-to-end tests of `vaultwatch audit search` / `audit stats` (issue 7, SPEC §1).

Runs the real binary over logs from tests/tools/gen_audit.py (both key layouts, a `prefix`, plain,
gzip, concatenated gzip members, truncated gzip, stdin, several files) and compares what it
prints with an INDEPENDENT reference: the filter below is written from the contract in
docs/forensics.md / daemon/audit_command.cpp with Python's json module and shares no code with the C++
side. The matched entries (every field of every row) must be identical.

  forensics_cli_test.py --bin build/daemon/vaultwatch --gen tests/tools/gen_audit.py [TestName...]

No sleeps, no ports; every subprocess has a deadline.
"""
import argparse
import csv
import gzip
import io
import ipaddress
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest
import zlib
from datetime import datetime, timedelta, timezone

BIN = None
GEN = None
DEADLINE = 120  # seconds per command

# ---------------------------------------------------------------------------------------------
# The reference decoder and filter.


def parse_time(s):
    """RFC 3339 -> aware datetime (microsecond precision; the generator writes microseconds)."""
    m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)", s)
    if not m:
        raise ValueError(s)
    frac = (m.group(7) or "").ljust(9, "0")
    dt = datetime(*[int(m.group(i)) for i in range(1, 7)], int(frac[:6]), tzinfo=timezone.utc)
    if m.group(8) != "Z":
        sign = 1 if m.group(8)[0] == "+" else -1
        dt -= sign * timedelta(hours=int(m.group(8)[1:3]), minutes=int(m.group(8)[4:6]))
    return dt


def half(typ):
    """Vault's entry type -> the half of an API call it is (request, response or other)."""
    for h in ("request", "response"):
        if typ == h or (typ.endswith("-" + h) and len(typ) > len(h) + 1):
            return h
    return "other"


def client_of(addr):
    """remote_address as Go writes it -> (address, port): "a.b.c.d:p", "[v6]:p", "[v6]", bare."""
    m = re.fullmatch(r"\[([^\]]*)\](?::(\d{1,5}))?", addr)
    if m and (m.group(2) is None or 0 < int(m.group(2)) <= 65535):
        return m.group(1), int(m.group(2) or 0)
    if addr.count(":") == 1:
        host, port = addr.split(":")
        if re.fullmatch(r"\d{1,5}", port) and 0 < int(port) <= 65535:
            return host, int(port)
    return addr, 0


def ref_decode(line, prefix=""):
    """-> (entry dict, None) or (None, reason). Only a JSON object without a type or time is bad."""
    if prefix and line.startswith(prefix):
        line = line[len(prefix):]
    try:
        doc = json.loads(line)
    except ValueError:
        return None, "bad_json"
    if not isinstance(doc, dict):
        return None, "bad_json"
    req = doc.get("request") if isinstance(doc.get("request"), dict) else {}
    typ = doc.get("type")
    if not isinstance(typ, str) or not typ:
        return None, "missing_field"
    op = req.get("operation") if isinstance(req.get("operation"), str) else ""
    try:
        t = parse_time(doc.get("time") if isinstance(doc.get("time"), str) else "")
    except ValueError:
        return None, "missing_field"
    auth = doc.get("auth") if isinstance(doc.get("auth"), dict) else {}

    def s(d, k):
        v = d.get(k)
        return v if isinstance(v, str) else ""

    pol = auth.get("policies") if isinstance(auth.get("policies"), list) else []
    pol = [p for p in pol if isinstance(p, str) and p]
    md = auth.get("metadata") if isinstance(auth.get("metadata"), dict) else {}
    md = {k: v for k, v in md.items() if isinstance(v, str)}
    resp = doc.get("response") if isinstance(doc.get("response"), dict) else {}
    rdata = resp.get("data") if isinstance(resp.get("data"), dict) else {}
    has_auth = bool(s(auth, "client_token") or s(auth, "accessor") or s(auth, "display_name") or pol
                    or s(auth, "entity_id"))
    ns = req.get("namespace") if isinstance(req.get("namespace"), dict) else {}
    client, port = client_of(s(req, "remote_address"))
    rp = req.get("remote_port")
    if isinstance(rp, int) and not isinstance(rp, bool) and 0 < rp <= 65535:
        port = rp
    return {
        "time": t, "type": typ, "operation": op, "path": s(req, "path"),
        "display_name": s(auth, "display_name"), "entity_id": s(auth, "entity_id"),
        "policies": pol, "remote_address": s(req, "remote_address"), "client": client,
        "remote_port": port or None, "error": s(doc, "error"),
        "request_id": s(req, "id"), "mount_point": s(req, "mount_point"),
        "mount_type": s(req, "mount_type"), "namespace": s(ns, "path"), "metadata": md,
        "token_type": s(auth, "token_type"), "accessor": s(auth, "accessor"),
        "client_token": s(auth, "client_token"), "response_error": "error" in rdata,
        "has_auth": has_auth,
    }, None


def glob_re(pattern):
    out = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**", i):
            out += ".*"
            i += 2
        elif pattern[i] == "*":
            out += "[^/]*"
            i += 1
        else:
            out += re.escape(pattern[i])
            i += 1
    return re.compile(out, re.S)


def in_cidr(addr, cidr):
    host = client_of(addr)[0]
    if ":" in host:
        host = host.split("%")[0]  # a zone names the interface, not the client
    try:
        a = ipaddress.ip_address(host)
    except ValueError:
        return False
    net = ipaddress.ip_network(cidr, strict=False)
    if isinstance(a, ipaddress.IPv6Address) and a.ipv4_mapped and net.version == 4:
        a = a.ipv4_mapped
    return a.version == net.version and a in net


def ref_match(e, f):
    if f.get("type") and half(e["type"]) != f["type"]:
        return False
    if f.get("since") and e["time"] < f["since"]:
        return False
    if f.get("until") and e["time"] > f["until"]:
        return False
    if f.get("errors") and not (e["error"] or e["response_error"]):
        return False
    if f.get("operation") and e["operation"] not in f["operation"]:
        return False
    if f.get("path") and not (e["path"] and any(glob_re(p).fullmatch(e["path"]) for p in f["path"])):
        return False
    if f.get("policy") and not set(e["policies"]) & set(f["policy"]):
        return False
    if f.get("identity"):
        vals = {e["display_name"], e["entity_id"], *e["metadata"].values()} - {""}
        if not vals & set(f["identity"]):
            return False
    if f.get("remote") and not any(in_cidr(e["remote_address"], c) for c in f["remote"]):
        return False
    return True


def ref_search(lines, f, prefix=""):
    matched, bad = [], {}
    for line in lines:
        e, why = ref_decode(line, prefix)
        if e is None:
            bad[why] = bad.get(why, 0) + 1
        elif ref_match(e, f):
            matched.append(e)
    return matched, bad


def split_lines(data):
    """Lines as the scanner sees them: split on \\n, a last line without \\n included."""
    text = data.decode("utf-8", errors="surrogateescape")
    parts = text.split("\n")
    if parts and parts[-1] == "":
        parts.pop()
    return parts


def filter_args(f):
    args = []
    for k in ("path", "operation", "identity", "policy", "remote"):
        for v in f.get(k, []):
            args.append("--%s=%s" % (k, v))
    for k in ("since", "until"):
        if f.get(k + "_arg"):
            args.append("--%s=%s" % (k, f[k + "_arg"]))
    if f.get("errors"):
        args.append("--errors")
    if f.get("type"):
        args.append("--type=" + f["type"])
    return args


# ---------------------------------------------------------------------------------------------
# Running the binary.


def run(args, stdin=None):
    p = subprocess.run([BIN, "audit"] + args, input=stdin, capture_output=True, timeout=DEADLINE)
    return p.returncode, p.stdout.decode("utf-8", errors="replace"), p.stderr.decode("utf-8", errors="replace")


def generate(tmp, name, pairs, seed, layout="old", prefix="", root_every=50, denied_every=13):
    path = os.path.join(tmp, name)
    cmd = [sys.executable, GEN, "--entries", str(pairs), "--seed", str(seed), "--layout", layout,
           "--root-every", str(root_every), "--denied-every", str(denied_every)]
    if prefix:
        cmd += ["--prefix", prefix]
    with open(path, "wb") as out:
        subprocess.run(cmd, stdout=out, check=True, timeout=DEADLINE)
    with open(path, "rb") as f:
        return path, f.read()


# Hand-written entries the generator does not produce: escapes, IPv6, an HMAC'd metadata value,
# sensitive paths, response.data.error, a control character in a path, and bad lines.
def extra_lines():
    def entry(t, typ, path, op="update", auth=None, error=None, remote="10.9.0.1", resp=None):
        e = {"time": t, "type": typ, "request": {"id": "x-" + path, "operation": op, "path": path,
                                                  "remote_address": remote, "namespace": {"id": "root"}}}
        if auth is not None:
            e["auth"] = auth
        if error:
            e["error"] = error
        if resp is not None:
            e["response"] = resp
        return json.dumps(e)

    alice = {"client_token": "hmac-sha256:aaa", "accessor": "hmac-sha256:bbb",
             "display_name": "userpass-alice", "policies": ["default", "ops"],
             "metadata": {"username": "alice", "secret_thing": "hmac-sha256:ccc"},
             "entity_id": "ent-alice"}
    good = [
        entry("2026-11-28T10:00:01.5Z", "request", "sys/policy/ops", auth=alice),
        entry("2026-11-28T10:00:01.6Z", "request", "sys/seal", auth=alice, remote="2001:db8::7"),
        entry("2026-11-28T11:00:01+01:00", "request", "secret/data/<weird>&\"q\"", op="read",
              auth=alice, remote="::ffff:10.1.2.3"),
        entry("2026-11-28T10:00:02Z", "response", "auth/userpass/login/bob", auth={"token_type": "default"},
              resp={"data": {"error": "invalid username or password"}}),
        entry("2026-11-28T10:00:03Z", "request", "secret/data/evil\u001b[31m/x", op="read", auth=alice),
        entry("2026-11-28T10:00:04Z", "request", "secret/data/caf\u00e9/menu", op="read", auth=alice),
        # Issue 16: Enterprise KMIP entries (no path, no operation, the port in remote_address),
        # as Elastic's Vault integration tests log them, and a type vaultwatch does not know.
        json.dumps({"request": {"client_certificate_serial_number": "7931113",
                                "data": {"kmip_request": {"tag": "RequestMessage", "value": []}},
                                "namespace": {"id": "root"}, "remote_address": "192.168.0.10:36776"},
                    "time": "2026-11-28T10:00:05.25Z", "type": "kmip-request"}),
        json.dumps({"request": {"data": {"kmip_request": {}}, "namespace": {"id": "root"},
                                "remote_address": "[2001:db8::10]:36778"},
                    "response": {"data": {"kmip_response": {}}},
                    "time": "2026-11-28T10:00:06Z", "type": "kmip-response"}),
        '{"time":"2026-11-28T10:00:07Z","type":"other","request":{"operation":"read"}}',
        json.dumps({"time": "2026-11-28T10:00:08Z", "type": "request",
                    "request": {"operation": "read", "path": "secret/data/mapped", "remote_port": 4242,
                                "remote_address": "::ffff:192.168.7.7"}}),
    ]
    bad = [
        "not json at all",
        '{"type":"request"}',
        '{"time":"yesterday","type":"request","request":{"operation":"read","path":"a"}}',
        '{"time":"2026-11-28T10:00:00Z","type":"request","request":{"operation":"read","pa',
        "[1,2,3]",
        "",
        '{"time":"2026-11-28T10:00:00Z","type":"","request":{"operation":"read"}}',
    ]
    return good, bad


def parse_json_rows(text):
    rows = [json.loads(l) for l in text.splitlines() if l]
    for r in rows:
        r["time"] = parse_time(r["time"])
    return rows


HMAC_SHOWN = "(hmac)"


def vis(v):
    return HMAC_SHOWN if v.startswith("hmac-sha256:") else v


def matched(n):
    """The summary's count of matches ("1 entry matched.", "136 entries matched.")."""
    return "%d %s matched." % (n, "entry" if n == 1 else "entries")


def readable(err):
    """Reference for the table's error column: Vault's go-multierror wrapper removed, one line."""
    m = re.search(r"(\d+) +errors? occurred:", err)
    if not m:
        return " ".join(err.split())
    out = " ".join(err[:m.start()].split())
    items = []
    for line in err[m.end():].split("\n"):
        line = " ".join(line.split())
        if not line:
            continue
        if line.startswith("* "):
            items.append(line[2:])
        elif not items:
            items.append(line)
        else:
            items[-1] += " " + line
    for i, it in enumerate(items):
        if out:
            out += " " if i == 0 else "; "
        out += it
    return out


def expected_json(e, show_hmac=False):
    v = (lambda x: x) if show_hmac else vis
    d = {"time": e["time"], "type": e["type"], "operation": e["operation"], "path": e["path"],
         "display_name": e["display_name"], "entity_id": e["entity_id"],
         "policies": [v(p) for p in e["policies"]], "remote_address": v(e["client"]),
         "remote_port": e["remote_port"], "error": v(e["error"]), "request_id": e["request_id"], "mount_point": e["mount_point"],
         "mount_type": e["mount_type"], "namespace": e["namespace"], "token_type": e["token_type"],
         "metadata": {k: v(x) for k, x in e["metadata"].items()}}
    if show_hmac:
        d["accessor"] = e["accessor"]
        d["client_token"] = e["client_token"]
    return d


# ---------------------------------------------------------------------------------------------


class Base(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmpdir = tempfile.TemporaryDirectory(prefix="vw-forensics-")
        cls.tmp = cls.tmpdir.name
        good, bad = extra_lines()
        cls.logs = {}
        for layout, seed in (("old", 7), ("new", 8)):
            path, data = generate(cls.tmp, "audit-%s.log" % layout, 1500, seed, layout)
            # Sprinkle the hand-written entries and bad lines through the file.
            lines = data.decode().split("\n")[:-1]
            for i, l in enumerate(good + bad):
                lines.insert(1 + i * 97, l)
            data = ("\n".join(lines) + "\n").encode()
            with open(path, "wb") as f:
                f.write(data)
            with open(path + ".gz", "wb") as f:
                f.write(gzip.compress(data))
            cls.logs[layout] = (path, data)

    @classmethod
    def tearDownClass(cls):
        cls.tmpdir.cleanup()

    def search_json(self, files, f, extra=(), stdin=None):
        rc, out, err = run(["search", "--format=json", "--no-progress"] + filter_args(f) + list(extra) + files,
                           stdin=stdin)
        self.assertEqual(rc, 0, err)
        return parse_json_rows(out), err

    def assert_rows(self, got, want, show_hmac=False):
        exp = [expected_json(e, show_hmac) for e in want]
        self.assertEqual(len(got), len(exp))
        for g, x in zip(got, exp):
            self.assertEqual(g, x)


# Each filter alone and in combination; the times come from the data itself.
def filter_cases(lines):
    entries = [e for e, _ in (ref_decode(l) for l in lines) if e]
    t1 = entries[len(entries) // 4]["time"]
    t2 = entries[len(entries) // 2]["time"]
    fmt = lambda t: t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return {
        "all": {},
        "path_exact": {"path": ["secret/data/cwiq/shared/billing/database"]},
        "path_star": {"path": ["secret/data/cwiq/shared/*/smtp"]},
        "path_globstar": {"path": ["secret/data/cwiq/**"]},
        "path_two_globs": {"path": ["secret/metadata/cwiq/shared/*", "auth/**"]},
        "path_no_literal": {"path": ["**"]},
        "path_escaped_chars": {"path": ["secret/data/<weird>&\"q\""]},
        # json.dumps writes "caf\u00e9": the pre-filter's literal is absent, its \u fallback decodes.
        "path_unicode_escape": {"path": ["secret/data/caf\u00e9/*"]},
        "operation": {"operation": ["list"]},
        "operations_or": {"operation": ["list", "delete", "update"]},
        "identity_display_name": {"identity": ["jwt-gitlab-ci"]},
        "identity_metadata": {"identity": ["grafana"]},
        "identity_metadata_user": {"identity": ["alice"]},
        "identity_entity": {"identity": [next(e["entity_id"] for e in entries if e["entity_id"])]},
        "policy": {"policy": ["harbor-read"]},
        "policy_root": {"policy": ["root"]},
        "remote_cidr": {"remote": ["10.1.0.0/16"]},
        "remote_two": {"remote": ["10.2.3.0/24", "10.3.255.255"]},
        "remote_v6": {"remote": ["2001:db8::/32"]},
        "remote_mapped": {"remote": ["10.1.2.0/24"]},
        "remote_with_port": {"remote": ["192.168.0.0/16"]},
        "remote_bracketed_with_port": {"remote": ["2001:db8::10"]},
        "since": {"since": t1, "since_arg": fmt(t1)},
        "until": {"until": t1, "until_arg": fmt(t1)},
        "since_until": {"since": t1, "since_arg": fmt(t1), "until": t2, "until_arg": fmt(t2)},
        "errors": {"errors": True},
        "type_request": {"type": "request"},
        "type_response": {"type": "response"},
        "combined": {"path": ["secret/data/cwiq/shared/**"], "operation": ["read"], "type": "request",
                     "identity": ["approle"], "remote": ["10.0.0.0/15"], "since": t1, "since_arg": fmt(t1)},
        "who_read_secret": {"path": ["secret/data/cwiq/shared/billing/*"], "operation": ["read"],
                            "type": "request"},
        "errors_denied_policy": {"errors": True, "policy": ["default"]},
    }


class Filters(Base):
    def test_every_filter_plain_and_gzip_both_layouts(self):
        for layout in ("old", "new"):
            path, data = self.logs[layout]
            lines = split_lines(data)
            for name, f in filter_cases(lines).items():
                want, _ = ref_search(lines, f)
                for file in (path, path + ".gz"):
                    with self.subTest(layout=layout, filter=name, file=os.path.basename(file)):
                        got, err = self.search_json([file], f)
                        self.assert_rows(got, want)
                        self.assertIn(matched(len(want)), err)

    def test_filters_select_something(self):
        # Guards the test itself: a filter that matches nothing (or everything) proves little.
        path, data = self.logs["old"]
        lines = split_lines(data)
        total = len(ref_search(lines, {})[0])
        for name, f in filter_cases(lines).items():
            n = len(ref_search(lines, f)[0])
            if name not in ("all", "path_no_literal"):
                self.assertTrue(0 < n < total, "%s matched %d of %d" % (name, n, total))

    def test_relative_since_and_until(self):
        now = datetime.now(timezone.utc)
        lines = []
        for hours, path in ((1, "recent"), (3, "older"), (30 * 24, "old")):
            t = (now - timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            lines.append(json.dumps({"time": t, "type": "request",
                                     "request": {"operation": "read", "path": path}}))
        p = os.path.join(self.tmp, "relative.log")
        with open(p, "w") as f:
            f.write("\n".join(lines) + "\n")
        for args, want in ((["--since=2h"], ["recent"]), (["--since=7d"], ["recent", "older"]),
                           (["--until=2h"], ["older", "old"]), (["--since=1d", "--until=90m"], ["older"]),
                           (["--since=" + (now - timedelta(days=2)).strftime("%Y-%m-%d")], ["recent", "older"])):
            with self.subTest(args=args):
                got, _ = self.search_json([p], {}, extra=args)
                self.assertEqual([r["path"] for r in got], want)

    def test_prefix_option(self):
        path, data = generate(self.tmp, "prefixed.log", 300, 3, "new", prefix="vault-audit: ")
        lines = split_lines(data)
        want, bad = ref_search(lines, {"operation": ["read"]}, prefix="vault-audit: ")
        self.assertEqual(bad, {})
        got, err = self.search_json([path], {"operation": ["read"]}, extra=["--prefix=vault-audit: "])
        self.assert_rows(got, want)
        self.assertIn("0 bad lines", err)
        # Without --prefix every line is bad: counted, not fatal.
        rc, out, err = run(["search", "--format=json", path])
        self.assertEqual(rc, 0)
        self.assertEqual(out, "")
        self.assertIn("%d bad lines (%d not valid JSON: bad_json)" % (len(lines), len(lines)), err)


class Formats(Base):
    def test_csv_matches_reference(self):
        path, data = self.logs["new"]
        lines = split_lines(data)
        f = {"path": ["secret/**", "sys/**"]}
        want, _ = ref_search(lines, f)
        rc, out, err = run(["search", "--format=csv"] + filter_args(f) + [path + ".gz"])
        self.assertEqual(rc, 0, err)
        rows = list(csv.reader(io.StringIO(out, newline="")))
        self.assertEqual(rows[0], ["time", "type", "operation", "path", "display_name", "entity_id",
                                   "policies", "remote_address", "error", "request_id", "mount_point",
                                   "metadata"])
        self.assertEqual(len(rows) - 1, len(want))
        for r, e in zip(rows[1:], want):
            self.assertEqual(parse_time(r[0]), e["time"])
            self.assertEqual(r[1:], [e["type"], e["operation"], e["path"], e["display_name"], e["entity_id"],
                                     ",".join(map(vis, e["policies"])), e["client"], e["error"],
                                     e["request_id"], e["mount_point"],
                                     ";".join("%s=%s" % (k, vis(v)) for k, v in e["metadata"].items())])

    def test_table_matches_reference(self):
        path, data = self.logs["old"]
        lines = split_lines(data)
        f = {"operation": ["update"], "errors": True}
        want, _ = ref_search(lines, f)
        self.assertGreater(len(want), 5)
        rc, out, err = run(["search"] + filter_args(f) + [path])
        self.assertEqual(rc, 0, err)
        rows = out.splitlines()
        self.assertEqual(re.split(r"\s{2,}", rows[0]),
                         ["TIME", "TYPE", "OPERATION", "PATH", "DISPLAY_NAME", "ENTITY_ID", "POLICIES",
                          "REMOTE_ADDRESS", "ERROR"])
        self.assertEqual(len(rows) - 1, len(want))
        # Aligned: every column starts at the same offset in every row.
        starts = [m.start() for m in re.finditer(r"(?<=  )\S", rows[0])]
        for r, e in zip(rows[1:], want):
            self.assertEqual([r[s - 2:s] for s in starts], ["  "] * len(starts), r)
            cells = re.split(r"\s{2,}", r, maxsplit=8)
            self.assertEqual(parse_time(cells[0]), e["time"])
            self.assertEqual(cells[1:4], [e["type"], e["operation"] or "-", e["path"] or "-"])
            self.assertEqual(cells[8], readable(e["error"]) or "-")

    def test_table_neutralises_terminal_escapes(self):
        path, _ = self.logs["old"]
        rc, out, _ = run(["search", "--path=secret/data/evil*/x", path])
        self.assertEqual(rc, 0)
        self.assertNotIn("\x1b", out)
        self.assertIn("secret/data/evil [31m/x", out)

    def test_no_hmac_by_default_and_all_with_show_hmac(self):
        path, data = self.logs["old"]
        lines = split_lines(data)
        want, _ = ref_search(lines, {})
        self.assertTrue(any("hmac-sha256:" in l for l in lines))
        for fmt in ("table", "json", "csv"):
            rc, out, err = run(["search", "--format=" + fmt, path])
            self.assertEqual(rc, 0, err)
            with self.subTest(format=fmt):
                self.assertNotIn("hmac-sha256:", out)
                self.assertNotIn("hmac-sha256:", err)
        self.assertIn(HMAC_SHOWN, run(["search", "--format=json", "--identity=alice", path])[1])
        got, _ = self.search_json([path], {}, extra=["--show-hmac"])
        self.assert_rows(got, want, show_hmac=True)
        self.assertTrue(any(r["client_token"].startswith("hmac-sha256:") for r in got))
        rc, out, _ = run(["search", "--format=csv", "--show-hmac", path])
        self.assertIn("accessor,client_token", out.splitlines()[0])
        self.assertIn("hmac-sha256:", out)
        rc, out, _ = run(["search", "--show-hmac", path])
        self.assertIn("ACCESSOR", out.splitlines()[0])
        self.assertIn("hmac-sha256:", out)

    def test_table_aligns_fractional_seconds_json_and_csv_keep_vaults_text(self):
        # Go's RFC3339Nano drops trailing zeros, so Vault's times vary in width (issue 17.6).
        times = ["2026-11-28T10:00:00.153356Z", "2026-11-28T10:00:00.5Z", "2026-11-28T10:00:01Z",
                 "2026-11-28T10:00:01.12Z"]
        p = os.path.join(self.tmp, "fractions.log")
        with open(p, "w") as f:
            for t in times:
                f.write(json.dumps({"time": t, "type": "request",
                                    "request": {"operation": "read", "path": "secret/data/x"}}) + "\n")
        rc, out, err = run(["search", p])
        self.assertEqual(rc, 0, err)
        rows = out.splitlines()[1:]
        cells = [r.split("  ")[0] for r in rows]
        self.assertEqual(cells, ["2026-11-28T10:00:00.153356Z", "2026-11-28T10:00:00.500000Z",
                                 "2026-11-28T10:00:01.000000Z", "2026-11-28T10:00:01.120000Z"])
        self.assertEqual([parse_time(c) for c in cells], [parse_time(t) for t in times])
        self.assertEqual(len({r.index("request") for r in rows}), 1, out)
        rc, out, _ = run(["search", "--format=json", p])
        self.assertEqual([json.loads(l)["time"] for l in out.splitlines()], times)
        rc, out, _ = run(["search", "--format=csv", p])
        self.assertEqual([r[0] for r in list(csv.reader(io.StringIO(out)))[1:]], times)

    def test_table_shows_vault_multi_errors_on_one_line_json_keeps_the_text(self):
        p = os.path.join(self.tmp, "errors.log")
        err_text = "2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n"
        with open(p, "w") as f:
            f.write(json.dumps({"time": "2026-11-28T10:00:00Z", "type": "request", "error": err_text,
                                "request": {"operation": "read", "path": "secret/data/x"}}) + "\n")
        rc, out, _ = run(["search", p])
        self.assertEqual(rc, 0)
        self.assertTrue(out.splitlines()[1].endswith("  permission denied; invalid token"), out)
        rc, out, _ = run(["search", "--format=json", p])
        self.assertEqual(json.loads(out)["error"], err_text)

    def test_no_table_when_nothing_matches(self):
        path, _ = self.logs["old"]
        rc, out, err = run(["search", "--operation=nothing", path])
        self.assertEqual(rc, 0)
        self.assertEqual(out, "")
        self.assertIn(matched(0), err)

    def test_csv_header_even_when_nothing_matches(self):
        path, _ = self.logs["old"]
        rc, out, err = run(["search", "--format=csv", "--operation=nothing", path])
        self.assertEqual(rc, 0)
        self.assertEqual(out.count("\n"), 1)
        self.assertIn(matched(0), err)


class Inputs(Base):
    def test_bad_lines_counted_not_fatal(self):
        path, data = self.logs["old"]
        lines = split_lines(data)
        want, bad = ref_search(lines, {})
        self.assertEqual(sum(bad.values()), 7)
        got, err = self.search_json([path], {})
        self.assert_rows(got, want)
        self.assertIn("%d bad lines (%d not valid JSON: bad_json, %d without type, time or request: "
                      "missing_field)" % (sum(bad.values()), bad["bad_json"], bad["missing_field"]), err)

    def test_several_files_stdin_and_gzip_members_without_gz_name(self):
        old_path, old = self.logs["old"]
        new_path, new = self.logs["new"]
        # Two gzip members in one file with no .gz name (gzip -c a >> b; a renamed rotation).
        half = len(new) // 2
        cut = new.index(b"\n", half) + 1
        rotated = os.path.join(self.tmp, "audit.log.1")
        with open(rotated, "wb") as f:
            f.write(gzip.compress(new[:cut]) + gzip.compress(new[cut:]))
        f = {"operation": ["read"], "type": "request"}
        want = (ref_search(split_lines(old), f)[0] + ref_search(split_lines(new), f)[0] +
                ref_search(split_lines(old), f)[0])
        got, err = self.search_json([old_path, rotated, "-"], f, stdin=gzip.compress(old))
        self.assert_rows(got, want)
        self.assertIn("from 3 inputs", err)
        # Plain stdin too.
        got, _ = self.search_json(["-"], f, stdin=old)
        self.assert_rows(got, ref_search(split_lines(old), f)[0])

    def test_truncated_gzip_reported_entries_before_it_searched(self):
        _, data = self.logs["old"]
        gz = gzip.compress(data)
        cut = gz[: len(gz) * 3 // 5]
        p = os.path.join(self.tmp, "cut.log.gz")
        with open(p, "wb") as f:
            f.write(cut)
        partial = zlib.decompressobj(wbits=31).decompress(cut)
        self.assertGreater(len(partial), 0)
        lines = split_lines(partial)
        want, bad = ref_search(lines, {})
        got, err = self.search_json([p], {})
        self.assert_rows(got, want)
        self.assertIn("truncated gzip data", err)
        self.assertIn("1 damaged input", err)
        self.assertIn(matched(len(want)), err)

    def test_corrupt_gzip_and_trailing_garbage_reported(self):
        _, data = self.logs["new"]
        gz = bytearray(gzip.compress(data))
        gz[len(gz) // 2] ^= 0xff
        p = os.path.join(self.tmp, "corrupt.gz")
        with open(p, "wb") as f:
            f.write(gz)
        rc, _, err = run(["search", "--format=json", p])
        self.assertEqual(rc, 0, err)
        self.assertRegex(err, "corrupt.gz: (corrupt gzip data|truncated gzip data)")
        p2 = os.path.join(self.tmp, "garbage.gz")
        with open(p2, "wb") as f:
            f.write(gzip.compress(data) + b"garbage")
        rc, out, err = run(["search", "--format=json", p2])
        self.assertEqual(rc, 0, err)
        self.assertIn("trailing garbage after gzip data", err)
        self.assertEqual(len(out.splitlines()), len(ref_search(split_lines(data), {})[0]))

    def test_missing_file_is_an_error_others_still_searched(self):
        path, data = self.logs["old"]
        missing = os.path.join(self.tmp, "nope.log")
        rc, out, err = run(["search", "--format=json", missing, path])
        self.assertEqual(rc, 1)
        self.assertIn("nope.log: No such file or directory", err)
        self.assertEqual(len(out.splitlines()), len(ref_search(split_lines(data), {})[0]))
        rc, _, err = run(["search", self.tmp])
        self.assertEqual(rc, 1)
        self.assertIn("is a directory", err)

    def test_summary_says_what_was_read_skipped_decoded_and_matched(self):
        path, data = self.logs["old"]
        lines = split_lines(data)
        f = {"path": ["secret/**"], "operation": ["read"]}
        want, bad = ref_search(lines, f)
        rc, _, err = run(["search", "--format=json"] + filter_args(f) + [path])
        self.assertEqual(rc, 0, err)
        m = re.fullmatch(r"vaultwatch audit search: (\d+) entries matched\. Read (\d+) lines \([\d.]+ [kMG]?B\) "
                         r"from 1 input in [\d.]+ s \(\d+ MB/s\): (\d+) skipped by the pre-filter without "
                         r"decoding, (\d+) decoded, (\d+) bad lines?(?: \(.*\))?\.\n", err)
        self.assertIsNotNone(m, err)
        got_matched, read, skipped, decoded, bad_lines = map(int, m.groups())
        self.assertEqual(got_matched, len(want))
        self.assertEqual(read, len(lines))
        self.assertEqual(read, skipped + decoded + bad_lines)  # the numbers add up
        self.assertGreater(skipped, 0)
        self.assertGreaterEqual(decoded, got_matched)

    def test_missing_input_prints_the_error_and_no_table(self):
        missing = os.path.join(self.tmp, "nope.log")
        for fmt in ("table", "csv", "json"):
            with self.subTest(format=fmt):
                rc, out, err = run(["search", "--format=" + fmt, missing])
                self.assertEqual(rc, 1)
                self.assertEqual(out, "")
                self.assertEqual(err, "vaultwatch: %s: No such file or directory\n" % missing)
        rc, out, err = run(["stats", missing])
        self.assertEqual((rc, out), (1, ""))

    def test_usage_errors_exit_2(self):
        path, _ = self.logs["old"]
        for args in (["search", "--path=a***", path], ["search", "--remote=10.0.0.0/33", path],
                     ["search", "--remote=example.com", path], ["search", "--since=yesterday", path],
                     ["search", "--format=xml", path], ["search", "--bogus", path], ["search"],
                     ["stats", "--format=csv", path], ["frobnicate"], ["search", "--type=both", path],
                     ["search", "--path", ]):
            with self.subTest(args=args):
                rc, out, err = run(args)
                self.assertEqual(rc, 2, err)
                self.assertEqual(out, "")
                # One line and where the help is, not the whole help (issue 17.7).
                self.assertRegex(err, r"\Avaultwatch: error: [^\n]+; see 'vaultwatch( audit (search|stats))? --help'\n\Z")

    def test_progress_bar_only_on_a_terminal(self):
        import pty
        import select
        p = os.path.join(self.tmp, "big.log")
        line = json.dumps({"time": "2026-11-28T10:00:00Z", "type": "request",
                           "request": {"operation": "read", "path": "secret/data/x" + "y" * 200}}) + "\n"
        with open(p, "w") as f:
            f.write(line * ((65 << 20) // len(line) + 1))  # just over the 64 MiB threshold
        # stderr a pipe: no bar, only the summary.
        rc, _, err = run(["search", "--operation=delete", p])
        self.assertEqual(rc, 0)
        self.assertNotIn("\r", err)
        self.assertEqual(len(err.splitlines()), 1)
        # stderr a terminal: the bar is drawn, then erased before the summary.
        master, slave = pty.openpty()
        proc = subprocess.Popen([BIN, "audit", "search", "--operation=delete", p], stdout=subprocess.DEVNULL,
                                stderr=slave)
        os.close(slave)
        got = b""
        deadline = datetime.now() + timedelta(seconds=DEADLINE)
        while datetime.now() < deadline:
            r, _, _ = select.select([master], [], [], 1.0)
            if not r:
                if proc.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            got += chunk
        os.close(master)
        self.assertEqual(proc.wait(timeout=DEADLINE), 0)
        text = got.decode(errors="replace")
        self.assertRegex(text, r"\r\[#* *\] +\d+%")
        self.assertIn("\r\x1b[K", text)
        self.assertIn(matched(0), text)
        os.remove(p)

    def test_help(self):
        for cmd in ("search", "stats"):
            rc, out, _ = run([cmd, "--help"])
            self.assertEqual(rc, 0)
            self.assertIn("usage: vaultwatch audit " + cmd, out)

    def test_long_line_skipped_and_counted(self):
        p = os.path.join(self.tmp, "long.log")
        ok = json.dumps({"time": "2026-11-28T10:00:00Z", "type": "request",
                         "request": {"operation": "read", "path": "a/b"}})
        huge = json.dumps({"time": "2026-11-28T10:00:00Z", "type": "request",
                           "request": {"operation": "read", "path": "x" * (9 << 20)}})
        with open(p, "w") as f:
            f.write(ok + "\n" + huge + "\n" + ok)  # last line without \n
        got, err = self.search_json([p], {})
        # 9 MiB is within the default limit (64 MiB): all three are entries.
        self.assertEqual(len(got), 3)
        self.assertEqual(len(got[1]["path"]), 9 << 20)


class Stats(Base):
    def test_stats_json_matches_reference(self):
        for layout in ("old", "new"):
            path, data = self.logs[layout]
            lines = split_lines(data)
            entries, bad = ref_search(lines, {})
            rc, out, err = run(["stats", "--format=json", "--top=0", path + ".gz"])
            self.assertEqual(rc, 0, err)
            s = json.loads(out)

            def count(key):
                d = {}
                for e in entries:
                    k = key(e)
                    d[k] = d.get(k, 0) + 1
                return d

            def outcome(e):
                if "permission denied" in e["error"]:
                    return "permission_denied"
                return "error" if e["error"] or e["response_error"] else "ok"

            with self.subTest(layout=layout):
                self.assertEqual(s["entries"], len(entries))
                want_type = {"request": 0, "response": 0}
                want_type.update(count(lambda e: e["type"]))
                self.assertEqual(s["type"], want_type)
                self.assertEqual(s["type"]["kmip-request"], 1)
                self.assertEqual(s["operation"], count(lambda e: e["operation"] or "(none)"))
                self.assertEqual(s["mount"], count(lambda e: e["mount_point"] or "(none)"))
                self.assertEqual(s["identity"], count(
                    lambda e: (e["display_name"] or "(no display_name)") if e["has_auth"] else "(no auth)"))
                want_outcome = {"ok": 0, "error": 0, "permission_denied": 0}
                want_outcome.update(count(outcome))
                self.assertEqual(s["outcome"], want_outcome)
                reqs = [e for e in entries if half(e["type"]) == "request"]
                self.assertEqual(s["root_token_uses"], sum("root" in e["policies"] for e in reqs))
                self.assertGreater(s["root_token_uses"], 0)
                self.assertEqual(s["sensitive"]["policy_change"], 1)
                self.assertEqual(s["sensitive"]["seal"], 1)
                self.assertEqual(sum(s["sensitive"].values()), 2)
                self.assertEqual(parse_time(s["first"]), min(e["time"] for e in entries))
                self.assertEqual(parse_time(s["last"]), max(e["time"] for e in entries))

    def test_stats_table_with_filter(self):
        path, data = self.logs["old"]
        lines = split_lines(data)
        entries, _ = ref_search(lines, {"type": "request", "path": ["secret/**"]})
        rc, out, err = run(["stats", "--type=request", "--path=secret/**", "--top=3", path])
        self.assertEqual(rc, 0, err)
        self.assertIn("entries     %d" % len(entries), out)
        self.assertIn("BY IDENTITY (display_name)", out)
        self.assertIn("ROOT TOKEN USES", out)
        self.assertIn(matched(len(entries)), err)
        self.assertNotIn("hmac-sha256:", out)


def main():
    global BIN, GEN
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--gen", required=True)
    a, rest = ap.parse_known_args()
    BIN, GEN = os.path.abspath(a.bin), os.path.abspath(a.gen)
    unittest.main(argv=[sys.argv[0], "-v"] + rest)


if __name__ == "__main__":
    main()
