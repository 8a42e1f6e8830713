#!/usr/bin/env python3
"""Endpoint abuse: the real vaultwatch's HTTP server under slowloris, oversized headers and
bodies, junk bytes, bad request lines and 1 000 concurrent `wrk` connections.

  endpoint_abuse.py --vaultwatch build/daemon/vaultwatch --fake-vault build/tests/fake_vault/fake-vault \\
                    [--max-connections 100] [--slowloris 300] [--wrk-seconds 10]

Verdict (exit 0 only if all hold):
  * every probe (GET /metrics and GET /healthz on a fresh connection, one attempt each, every
    0.25 s during each attack and after it) answers 200 within --deadline seconds (while wrk
    runs: --wrk-deadline, since a probe queues in the listen backlog with 1 000 connections);
  * the connection cap holds: the daemon's socket count (from /proc/PID/fd) never exceeds
    max_connections + --socket-slack (listener, Vault client sockets, connections being closed);
  * each malformed request gets the documented answer (431 headers too large, 413 body too large,
    400 or a plain close for junk) or a close, never a hang past the server's read timeout;
  * RSS stays bounded: max RSS during the run <= RSS after start-up + --rss-slack-mib;
  * the daemon is alive at the end and exits 0 on SIGTERM; its log has no "critical" line.
"""
import argparse
import json
import os
import random
import re
import selectors
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from soaklib import (Daemon, FakeVaultProc, Failure, Procs, finish, free_port, log, raise_nofile, rss_bytes,  # noqa: E402
                     tcp_conns, wait_until)


class Prober(threading.Thread):
    """Probes /metrics and /healthz every `every` seconds, one attempt each, on a new connection."""

    def __init__(self, d, deadline, wrk_deadline, every=0.25):
        super().__init__(daemon=True)
        self.d, self.every = d, every
        self.deadlines = {"wrk": wrk_deadline}
        self.default_deadline = deadline
        self.stop_ev = threading.Event()
        self.results = []  # (label, path, status or error, seconds)
        self.label = "start"

    def run(self):
        i = 0
        while not self.stop_ev.is_set():
            path = "/metrics" if i % 2 == 0 else "/healthz"
            i += 1
            t0 = time.monotonic()
            label = self.label
            try:
                st, body, secs = self.d.get(path, timeout=self.deadlines.get(label, self.default_deadline))
                self.results.append((label, path, st, secs))
            except Exception as e:  # noqa: BLE001 - judged below
                self.results.append((label, path, type(e).__name__, time.monotonic() - t0))
            self.stop_ev.wait(self.every)


class Sampler(threading.Thread):
    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid = pid
        self.stop_ev = threading.Event()
        self.max_socks = 0
        self.max_rss = 0

    def run(self):
        while not self.stop_ev.is_set():
            try:
                self.max_socks = max(self.max_socks, tcp_conns(self.pid))
                self.max_rss = max(self.max_rss, rss_bytes(self.pid))
            except Exception:  # noqa: BLE001 - the process is gone; judged elsewhere
                pass
            self.stop_ev.wait(0.05)


def raw_exchange(port, payload, read_deadline=15.0, send_all=True):
    """Sends payload, reads until close or deadline. Returns (bytes received, closed_by_server, seconds)."""
    t0 = time.monotonic()
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.settimeout(read_deadline)
    got = b""
    closed = False
    try:
        try:
            if send_all:
                s.sendall(payload)
            else:
                s.send(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed while we were still sending: fine
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                closed = True
                break
            except socket.timeout:
                break
            if not chunk:
                closed = True
                break
            got += chunk
    finally:
        s.close()
    return got, closed, time.monotonic() - t0


def status_of(resp):
    m = re.match(rb"HTTP/1\.[01] (\d{3})", resp)
    return int(m.group(1)) if m else None


def slowloris(port, n, seconds, label_cb):
    """n connections, each sending a partial request header one byte per second; returns how many
    the server closed before we did."""
    sel = selectors.DefaultSelector()
    socks = []
    for _ in range(n):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
        except OSError:
            continue
        s.setblocking(False)
        try:
            s.send(b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        except OSError:
            pass
        socks.append(s)
        sel.register(s, selectors.EVENT_READ)
    closed = set()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for s in socks:
            if s in closed:
                continue
            try:
                s.send(b"a")
            except OSError:
                closed.add(s)
        for key, _ in sel.select(timeout=1.0):
            try:
                if not key.fileobj.recv(4096):
                    closed.add(key.fileobj)
            except OSError:
                closed.add(key.fileobj)
            try:
                sel.unregister(key.fileobj)
            except KeyError:
                pass
    for s in socks:
        s.close()
    return len(socks), len(closed)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vaultwatch", required=True)
    ap.add_argument("--fake-vault", required=True)
    ap.add_argument("--wrk", default="wrk")
    ap.add_argument("--max-connections", type=int, default=100)
    ap.add_argument("--slowloris", type=int, default=300)
    ap.add_argument("--slowloris-seconds", type=float, default=12)
    ap.add_argument("--wrk-connections", type=int, default=1000)
    ap.add_argument("--wrk-seconds", type=int, default=10)
    ap.add_argument("--deadline", type=float, default=5.0, help="seconds a probe may take")
    ap.add_argument("--wrk-deadline", type=float, default=15.0,
                    help="seconds a probe may take while wrk runs: it queues with 1 000 connections for 100 slots")
    ap.add_argument("--socket-slack", type=int, default=12)
    ap.add_argument("--rss-slack-mib", type=float, default=48)
    ap.add_argument("--no-rss-check", action="store_true",
                    help="report RSS but do not judge it (sanitizer builds: ASan's quarantine holds freed memory)")
    ap.add_argument("--report", default="")
    a = ap.parse_args()
    nofile = raise_nofile(a.wrk_connections + a.slowloris + 512)
    work = tempfile.mkdtemp(prefix="vw-abuse-")
    procs = Procs()
    failures = []
    summary = {}
    try:
        fv = FakeVaultProc(procs, a.fake_vault, work)
        port = free_port()
        cfg = os.path.join(work, "vaultwatch.yaml")
        with open(cfg, "w") as f:
            f.write(f"vault: {{address: '{fv.address}', timeout: 1s, health_interval: 1s}}\n"
                    f"audit: {{path: ''}}\nstate_dir: {work}/state\n"
                    f"server: {{max_connections: {a.max_connections}}}\n")
        d = Daemon(procs, a.vaultwatch, cfg, port, os.path.join(work, "vaultwatch.log"))
        d.start()
        wait_until(lambda: d.get("/readyz", 2)[0] == 200, 30, "readyz")
        rss0 = rss_bytes(d.pid)
        sampler = Sampler(d.pid)
        sampler.start()
        prober = Prober(d, a.deadline, a.wrk_deadline)
        prober.start()

        # 1. slowloris
        prober.label = "slowloris"
        opened, server_closed = slowloris(port, a.slowloris, a.slowloris_seconds, None)
        summary["slowloris"] = {"opened": opened, "closed_by_server": server_closed}
        log(f"slowloris: {opened} opened, {server_closed} closed by the server")
        if server_closed < opened - a.max_connections:
            failures.append(f"slowloris: only {server_closed} of {opened} connections closed by the server "
                            f"(cap {a.max_connections}): the excess was not shed")

        # 2. malformed requests, each on its own connection
        prober.label = "malformed"
        cases = {
            "oversized header": (b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (200 * 1024) + b"\r\n\r\n", {431}),
            "many headers": (b"GET /metrics HTTP/1.1\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(5000)) + b"\r\n", {431}),
            "oversized body": (b"POST /-/reload HTTP/1.1\r\nHost: x\r\nContent-Length: 10485760\r\n\r\n" + b"b" * (1024 * 1024), {413}),
            "oversized chunked body": (b"POST /-/reload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                                       + b"".join(b"10000\r\n" + b"c" * 0x10000 + b"\r\n" for _ in range(4)), {413}),
            "junk bytes": (bytes(random.Random(1).getrandbits(8) for _ in range(8192)), {400, None}),
            "NUL bytes": (b"\x00" * 4096, {400, None}),
            "HTTP/0.9 request line": (b"GET /metrics\r\n\r\n", {400, None}),
            "garbage request line": (b"FOO BAR BAZ QUX\r\n\r\n", {400, None}),
            "bad version": (b"GET /metrics HTTP/9.9\r\nHost: x\r\n\r\n", {400, None}),
            "TLS hello to plain port": (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64, {400, None}),
            "huge target": (b"GET /" + b"a" * (100 * 1024) + b" HTTP/1.1\r\nHost: x\r\n\r\n", {431, 400, 414}),
            "bad content-length": (b"POST /-/reload HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", {400, None}),
            "two content-lengths": (b"POST /-/reload HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", {400, None}),
            "header without colon": (b"GET /metrics HTTP/1.1\r\nHost x\r\n\r\n", {400, None}),
        }
        malformed = {}
        for name, (payload, want) in cases.items():
            try:
                got, closed, secs = raw_exchange(port, payload)
            except OSError as e:
                got, closed, secs = b"", True, 0.0
                log(f"{name}: connect/send error {e}")
            st = status_of(got)
            malformed[name] = {"status": st, "closed": closed, "seconds": round(secs, 3)}
            if st not in want or not closed:
                failures.append(f"{name}: got status {st} closed={closed} after {secs:.1f}s, want one of {sorted(want, key=str)} and a close")
        summary["malformed"] = malformed

        # 3. 1 000 concurrent connections with wrk
        prober.label = "wrk"
        wrk_out = subprocess.run([a.wrk, "-t2", f"-c{a.wrk_connections}", f"-d{a.wrk_seconds}s", "--timeout", "5s",
                                  f"http://127.0.0.1:{port}/metrics"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 timeout=a.wrk_seconds + 60).stdout.decode()
        m = re.search(r"(\d+) requests in", wrk_out)
        rps = re.search(r"Requests/sec:\s+([\d.]+)", wrk_out)
        errs = re.search(r"Socket errors: (.*)", wrk_out)
        summary["wrk"] = {"connections": a.wrk_connections, "requests": int(m.group(1)) if m else None,
                          "requests_per_s": float(rps.group(1)) if rps else None,
                          "socket_errors": errs.group(1) if errs else "none"}
        log("wrk:", json.dumps(summary["wrk"]))
        if not m or int(m.group(1)) == 0:
            failures.append(f"wrk made no successful request:\n{wrk_out}")

        # 4. after
        prober.label = "after"
        time.sleep(2)
        prober.stop_ev.set()
        prober.join(a.wrk_deadline + 5)
        sampler.stop_ev.set()
        sampler.join(5)

        by_label = {}
        limit = lambda label: prober.deadlines.get(label, a.deadline)  # noqa: E731
        for label, path, st, secs in prober.results:
            e = by_label.setdefault(label, {"probes": 0, "ok": 0, "max_s": 0.0})
            e["probes"] += 1
            e["ok"] += st == 200 and secs <= limit(label)
            e["max_s"] = round(max(e["max_s"], secs), 3)
        summary["probes"] = by_label
        bad = [r for r in prober.results if r[2] != 200 or r[3] > limit(r[0])]
        if bad:
            failures.append(f"{len(bad)} of {len(prober.results)} probes failed, e.g. {bad[:5]}")
        for label in ("slowloris", "wrk", "after"):
            if by_label.get(label, {}).get("probes", 0) == 0:
                failures.append(f"no probe ran during {label}")
        summary["max_sockets"] = sampler.max_socks
        summary["max_connections"] = a.max_connections
        if sampler.max_socks > a.max_connections + a.socket_slack:
            failures.append(f"connection cap exceeded: {sampler.max_socks} sockets > {a.max_connections} + {a.socket_slack}")
        summary["rss_start_mib"] = round(rss0 / 2**20, 2)
        summary["rss_max_mib"] = round(sampler.max_rss / 2**20, 2)
        summary["nofile"] = nofile
        summary["rss_judged"] = not a.no_rss_check
        if sampler.max_rss > rss0 + a.rss_slack_mib * 2**20 and not a.no_rss_check:
            failures.append(f"RSS {sampler.max_rss / 2**20:.1f} MiB > start {rss0 / 2**20:.1f} + {a.rss_slack_mib} MiB")
        if not d.alive():
            failures.append(f"vaultwatch died: exit {d.proc.returncode}")
        else:
            rc = d.stop()
            summary["exit_code"] = rc
            if rc != 0:
                failures.append(f"exit {rc} on SIGTERM")
        lines = d.log_lines()
        summary["log_lines"] = len(lines)
        if any("critical" in l.lower() for l in lines):
            failures.append("critical log line")
    except Failure as e:
        failures.append(str(e))
    finally:
        procs.kill_all()
    summary["failures"] = failures
    print(json.dumps(summary, indent=2, sort_keys=True))
    return finish(a.report, summary, failures, work)


if __name__ == "__main__":
    sys.exit(main())
