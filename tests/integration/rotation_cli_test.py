#!/usr/bin/env python3
"""End-to-end tests of `vaultwatch audit rotation` (issue 13).

Runs the real binary over logs from tests/tools/gen_rotation_audit.py (both key layouts, a
prefix, gzip, several files, stdin) and compares its JSON lines with an INDEPENDENT reference
written here from the contract (docs/forensics.md "Rotation propagation", the header of
lib/rotation/tracker.hpp) with Python's json module; it shares no code with the C++ side.

  rotation_cli_test.py --bin build/daemon/vaultwatch --gen tests/tools/gen_rotation_audit.py

No sleeps, no ports; every subprocess has a deadline.
"""
import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import unittest
from datetime import timedelta

BIN = None
GEN = None
DEADLINE = 120


# Time parsing and the glob semantics (SPEC §1: '*' within a segment, '**' across) are the
# forensics reference's; the rotation contract below is this file's own.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from forensics_cli_test import glob_re, parse_time  # noqa: E402


def glob_match(pattern, path):
    return glob_re(pattern).fullmatch(path) is not None


KINDS = ("data/", "metadata/", "delete/", "undelete/", "destroy/")


def reference(lines, globs, window, deadline, prefix=""):
    """The contract, replayed: a list of write records (dicts as the CLI prints them)."""
    secrets = {}  # key -> dict(version, written, writer, seen_write, consumers{id: {...}})
    out = []

    def close(key, s):
        if not s["seen_write"]:
            return
        cons = []
        for ident, c in s["consumers"].items():
            if c["due"] or c["last_read"] >= s["written"]:
                cons.append({"identity": ident, "remote_address": c["remote"], "last_version": c["version"],
                             "last_read": c["last_read"], "picked_up_at": c["picked"]})
        cons.sort(key=lambda c: c["identity"])
        out.append({"path": key, "version": s["version"], "written_at": s["written"], "writer": s["writer"],
                    "consumers": cons})

    def write(key, s, version, t, writer, seen):
        if version < s["version"]:
            return
        if version == s["version"]:
            if seen and not s["seen_write"]:
                s.update(seen_write=True, written=t, writer=writer)
            return
        close(key, s)
        first = s["version"] == 0
        for c in s["consumers"].values():
            c["due"] = c["last_read"] > t - window
            c["picked"] = None
        s.update(version=version, written=None if first and not seen else t, writer=writer, seen_write=seen)

    for line in lines:
        if prefix and line.startswith(prefix):
            line = line[len(prefix):]
        e = json.loads(line)
        if e.get("type") != "response" or e.get("error"):
            continue
        req = e["request"]
        resp = e.get("response") or {}
        data = resp.get("data") or {}
        if "error" in data:
            continue
        mount, path, op = req.get("mount_point", ""), req["path"], req["operation"]
        if not path.startswith(mount):
            continue
        rest = path[len(mount):]
        kind = next((k for k in KINDS if rest.startswith(k) and len(rest) > len(k)), None)
        if kind is None:
            continue
        rel = mount + "data/" + rest[len(kind):]
        key = req.get("namespace", {}).get("path", "") + rel
        t = parse_time(e["time"])
        a = e.get("auth") or {}
        ident = a.get("entity_id") or a.get("display_name") or ""
        version = data.get("version")
        if version is None and isinstance(data.get("metadata"), dict):
            version = data["metadata"].get("version")
        if kind == "data/" and op in ("create", "update", "patch", "read"):
            if not isinstance(version, int) or version < 1:
                continue
            if op == "read" and not ident:
                continue
            s = secrets.get(key)
            if s is None:
                if not any(glob_match(g, rel) for g in globs):
                    continue
                s = secrets[key] = {"version": 0, "written": None, "writer": "", "seen_write": False, "consumers": {}}
            if op != "read":
                write(key, s, version, t, ident, True)
                continue
            if version > s["version"]:
                write(key, s, version, t, "", False)
            c = s["consumers"].setdefault(ident, {"last_read": t, "remote": "", "version": 0, "picked": None, "due": False})
            c["last_read"] = max(c["last_read"], t)
            c["remote"] = req.get("remote_address", "")
            c["version"] = version
            if version >= s["version"] and c["picked"] is None and s["written"] is not None and t >= s["written"]:
                c["picked"] = t
        elif kind == "metadata/" and op == "delete" and key in secrets:
            close(key, secrets[key])
            del secrets[key]
    for key, s in secrets.items():
        close(key, s)
    return out


def normalise_cli(obj, deadline):
    """The CLI's JSON object with times parsed, checking the derived fields on the way."""
    written = parse_time(obj["written_at"])
    assert parse_time(obj["deadline"]) == written + deadline, obj
    cons = []
    for c in obj["consumers"]:
        picked = parse_time(c["picked_up_at"]) if c["picked_up_at"] is not None else None
        assert c["on_time"] == (picked is not None and picked <= written + deadline), c
        cons.append({"identity": c["identity"], "remote_address": c["remote_address"],
                     "last_version": c["last_version"], "last_read": parse_time(c["last_read"]),
                     "picked_up_at": picked})
    return {"path": obj["path"], "version": obj["version"], "written_at": written, "writer": obj["writer"],
            "consumers": cons}


def key_of(r):
    return (r["path"], r["version"], r["written_at"])


def run(args, stdin=None):
    p = subprocess.run([BIN, "audit", "rotation"] + args, input=stdin, capture_output=True, timeout=DEADLINE)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def generate(tmp, name, *gen_args):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        subprocess.run([sys.executable, GEN] + list(gen_args), stdout=f, check=True, timeout=DEADLINE)
    return path


class RotationCli(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def compare(self, files, globs, cli_args, window=timedelta(days=7), deadline=timedelta(minutes=15), prefix="",
                stdin=None):
        lines = []
        for f in files:
            opener = gzip.open if f.endswith(".gz") else open
            with opener(f, "rt") as fh:
                lines.extend(fh.read().splitlines())
        want = sorted(reference(lines, globs, window, deadline, prefix), key=key_of)
        rc, out, err = run(cli_args + ["--format=json"] + (["-"] if stdin else files), stdin=stdin)
        self.assertEqual(rc, 0, err)
        got = sorted((normalise_cli(json.loads(l), deadline) for l in out.splitlines()), key=key_of)
        self.assertGreater(len(want), 5, "the log has rotations to compare")
        self.assertEqual(len(got), len(want))
        for g, w in zip(got, want):
            self.assertEqual(g, w)
        self.assertIn("writes", err)
        return got

    def test_new_layout_every_secret(self):
        f = generate(self.dir, "a.log", "--events", "20000", "--seed", "3", "--layout", "new")
        got = self.compare([f], ["**"], [])
        # The log has consumers that picked up and consumers that never did, in namespaces and a
        # mount with '/' in its name.
        self.assertTrue(any(c["picked_up_at"] for r in got for c in r["consumers"]))
        self.assertTrue(any(c["picked_up_at"] is None for r in got for c in r["consumers"]))
        self.assertTrue(any(r["path"].startswith("ns1/") for r in got))
        self.assertTrue(any(r["path"].startswith("team/kv/data/") for r in got))

    def test_old_layout_prefix_gzip_several_files_and_a_path_glob(self):
        a = generate(self.dir, "a.log", "--events", "8000", "--seed", "5", "--prefix", "AUDIT: ")
        b = generate(self.dir, "b.log", "--events", "8000", "--seed", "6", "--prefix", "AUDIT: ")
        with open(b, "rb") as src, gzip.open(b + ".gz", "wb") as dst:
            dst.write(src.read())
        self.compare([a, b + ".gz"], ["secret/data/pay/*"],
                     ["--path", "secret/data/pay/*", "--prefix", "AUDIT: "], prefix="AUDIT: ")

    def test_deadline_window_and_key_flags_and_stdin(self):
        f = generate(self.dir, "a.log", "--events", "12000", "--seed", "9", "--layout", "new", "--step-ms", "30000")
        with open(f, "rb") as fh:
            data = fh.read()
        self.compare([f], ["**"], ["--deadline", "2m", "--consumer-window", "1h"], window=timedelta(hours=1),
                     deadline=timedelta(minutes=2), stdin=data)

    def test_table_format_and_usage_errors(self):
        f = generate(self.dir, "a.log", "--events", "3000", "--seed", "4")
        rc, out, err = run([f])
        self.assertEqual(rc, 0, err)
        self.assertRegex(out, r"version \d+  written \S+ by 00000000-0000-0000-0000-00000000adm1  \d+ of \d+ consumers")
        self.assertTrue("picked up" in out or "NOT picked up" in out)
        for bad in (["--format=csv", f], ["--deadline=0s", f], ["--consumer-key=token", f], [], ["--bogus", f]):
            rc, out, err = run(bad)
            self.assertEqual(rc, 2, bad)
            self.assertIn("see 'vaultwatch audit rotation --help'", err)
            self.assertEqual(len(err.strip().splitlines()), 1, err)
        rc, out, err = run([os.path.join(self.dir, "missing.log"), f])
        self.assertEqual(rc, 1)
        self.assertIn("missing.log", err)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--gen", required=True)
    args, rest = ap.parse_known_args()
    BIN, GEN = args.bin, args.gen
    unittest.main(argv=[sys.argv[0]] + rest)
