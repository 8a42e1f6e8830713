#!/usr/bin/env python3
"""Fault soak: the real vaultwatch against a fake Vault that cycles through faults and state
flips, while an audit log is written continuously and rotated by the real `logrotate`, and a
real `prometheus` scrapes vaultwatch every second.

  fault_soak.py --vaultwatch build/daemon/vaultwatch --fake-vault build/tests/fake_vault/fake-vault \\
                --gen-audit tests/tools/gen_audit.py --duration 75 [--report out.json]

Verdict (every item is an invariant, not a timing race; exit 0 only if all hold):
  1. no crash: every vaultwatch instance is alive until we stop it and exits 0 on SIGTERM;
  2. RSS flat: for the last instance, after warm-up (the first 20 % of its life is ignored), the
     maximum RSS of the last quarter <= the maximum RSS of the first quarter + --rss-slack-mib;
  3. scrapes: every Prometheus scrape outside a deliberate restart window has up == 1 and
     scrape_duration_seconds <= --scrape-budget (Prometheus' own samples, read back raw through
     its HTTP query API); every direct scrape of /metrics and /healthz (every 0.2 s) outside
     a restart window answers 200 within --scrape-budget;
  4. counters: the sum over instances of vaultwatch_audit_lines_total, of
     vaultwatch_audit_entries_total by type and of vaultwatch_audit_decode_errors_total{reason=
     "bad_json"} equal exactly what was written; vaultwatch_audit_rotations_total by kind
     equals the rotations made;
  5. every fault kind was seen by the daemon (poll error reasons timeout, tls, http_status,
     bad_body and connect each counted), and the log has no storm: at most --max-log-lines-per-
     min lines per minute on average.
"""
import argparse
import gzip
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from soaklib import (Daemon, FakeVaultProc, Failure, Procs, free_port, http_get, log, make_pki,  # noqa: E402
                     metric_sum, rss_bytes, wait_until, write_json)

# (kind, endpoint, delay_ms). The daemon's vault.timeout is 1 s: hang and slow_drip hit it,
# "delay 300" does not (a slow but good answer), "delay 1500" does. "down" stops the fake for
# one phase (connection refused), then starts a fresh one on the same port.
FAULTS = [
    ("hang", "", 0), ("reset", "", 0), ("error500", "", 0), ("garbage", "", 0), ("slow_drip", "", 150),
    ("tls_error", "", 0), ("close_mid_body", "", 0), ("not_json", "health", 0), ("delay", "", 300),
    ("delay", "", 1500), ("reset", "health", 0), ("down", "", 0), ("none", "", 0),
]
STATES = ["sealed", "active", "standby", "active", "perf_standby", "ha_unhealthy", "active", "uninitialized",
          "dr_secondary", "removed", "active"]


class AuditWriter(threading.Thread):
    """Appends lines from a pre-generated pool at `rate` lines/s, plus one junk line every
    `junk_every` lines; rotates with logrotate on request (in this thread, between writes, so a
    rotation never races a write — what Vault does when it reopens on SIGHUP)."""

    def __init__(self, path, pool, rate, junk_every, logrotate_dir, caught_up):
        super().__init__(daemon=True)
        self.path, self.pool, self.rate, self.junk_every = path, pool, rate, junk_every
        self.lr_dir, self.caught_up = logrotate_dir, caught_up
        self.lock = threading.Lock()  # held while writing or rotating; the main thread takes it to pause
        self.stop_ev = threading.Event()
        self.lines = self.requests = self.responses = self.junk = 0
        self.rotations = {"rename": 0, "truncate": 0}
        self.pending_rotation = None
        self.daemon_up = True
        self.error = None
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        self.i = 0

    def run(self):
        try:
            tick = 0.05
            per_tick = max(1, int(self.rate * tick))
            nxt = time.monotonic()
            while not self.stop_ev.is_set():
                with self.lock:
                    if self.pending_rotation and self.daemon_up:
                        self._rotate(self.pending_rotation)
                        self.pending_rotation = None
                    self._write(per_tick)
                nxt += tick
                time.sleep(max(0.0, nxt - time.monotonic()))
        except Exception as e:  # noqa: BLE001 - reported by the main thread
            self.error = e

    def _write(self, n):
        chunk = []
        for _ in range(n):
            self.i += 1
            if self.junk_every and self.i % self.junk_every == 0:
                chunk.append(b"{this is not json\n")
                self.junk += 1
            else:
                kind, line = self.pool[self.i % len(self.pool)]
                chunk.append(line)
                if kind == "request":
                    self.requests += 1
                else:
                    self.responses += 1
            self.lines += 1
        os.write(self.fd, b"".join(chunk))

    def _rotate(self, kind):
        conf = os.path.join(self.lr_dir, f"{kind}.conf")
        if kind == "copytruncate":
            # Lines written after the tailer's last read and before the truncate exist only in
            # the copy: no tailer of the path can see them (logrotate's documented race). So the
            # writer waits for the daemon to catch up first; what is tested is that the
            # truncation is detected and the regrown file read from its start.
            self.caught_up(self.lines, 60)
        subprocess.run(["logrotate", "-f", "-s", os.path.join(self.lr_dir, "state"), conf], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if kind == "create":
            os.close(self.fd)  # Vault reopens its file on SIGHUP (logrotate's postrotate)
            self.fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
            self.rotations["rename"] += 1
        else:
            self.rotations["truncate"] += 1


def logrotate_configs(d, audit_path):
    for kind in ("create", "copytruncate"):
        with open(os.path.join(d, f"{kind}.conf"), "w") as f:
            f.write(f"{audit_path} {{\n  rotate 3\n  {kind}{' 0640 root root' if kind == 'create' else ''}\n"
                    "  compress\n  missingok\n  notifempty\n}\n")


def gen_pool(gen_audit, n, seed):
    out = subprocess.run([sys.executable, gen_audit, "--entries", str(n), "--seed", str(seed), "--layout", "new"],
                         check=True, stdout=subprocess.PIPE).stdout
    pool = []
    for raw in out.splitlines(keepends=True):
        t = json.loads(raw)["type"]
        pool.append((t, raw))
    return pool


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vaultwatch", required=True)
    ap.add_argument("--fake-vault", required=True)
    ap.add_argument("--gen-audit", required=True)
    ap.add_argument("--prometheus", default="prometheus")
    ap.add_argument("--duration", type=float, default=75, help="seconds")
    ap.add_argument("--phase", type=float, default=0, help="seconds per fault/state phase (default: duration/25, 2..15)")
    ap.add_argument("--rotate-every", type=float, default=0, help="seconds between rotations (default: duration/8)")
    ap.add_argument("--restarts", type=int, default=1, help="SIGTERM+restart cycles, all in the first quarter")
    ap.add_argument("--audit-rate", type=float, default=400, help="audit lines per second")
    ap.add_argument("--rss-slack-mib", type=float, default=4.0)
    ap.add_argument("--no-rss-check", action="store_true",
                    help="report RSS but do not judge it (sanitizer builds: ASan's quarantine holds freed memory)")
    ap.add_argument("--scrape-budget", type=float, default=1.0, help="seconds; also Prometheus' scrape_timeout")
    ap.add_argument("--max-log-lines-per-min", type=float, default=120)
    ap.add_argument("--workdir", default="")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--report", default="")
    ap.add_argument("--seed", type=int, default=8)
    a = ap.parse_args()
    phase = a.phase or min(15.0, max(2.0, a.duration / 25))
    rotate_every = a.rotate_every or max(5.0, a.duration / 8)
    rnd = random.Random(a.seed)

    work = a.workdir or tempfile.mkdtemp(prefix="vw-soak-")
    os.makedirs(work, exist_ok=True)
    procs = Procs()
    failures = []
    try:
        report = run(a, work, procs, phase, rotate_every, rnd, failures)
    finally:
        procs.kill_all()
    if a.report:
        write_json(a.report, report)
    print(json.dumps(report["summary"], indent=2, sort_keys=True))
    if failures:
        for f in failures:
            log("FAIL:", f)
        log(f"work dir kept: {work}")
        return 1
    if not a.keep and not a.workdir:
        shutil.rmtree(work, ignore_errors=True)
    log("PASS")
    return 0


def run(a, work, procs, phase, rotate_every, rnd, failures):
    pki = make_pki(work)
    fv = FakeVaultProc(procs, a.fake_vault, work, tls=pki)
    audit_dir = os.path.join(work, "audit")
    state_dir = os.path.join(work, "state")
    lr_dir = os.path.join(work, "logrotate")
    for d in (audit_dir, state_dir, lr_dir):
        os.makedirs(d, mode=0o750)
    audit_path = os.path.join(audit_dir, "audit.log")
    logrotate_configs(lr_dir, audit_path)

    port = free_port()
    cfg = os.path.join(work, "vaultwatch.yaml")
    with open(cfg, "w") as f:
        f.write(f"""vault:
  address: {fv.address}
  tls: {{ca_file: {pki[0]}}}
  timeout: 1s
  health_interval: 1s
  leader_interval: 1s
  metrics_interval: 2s
  token_check_interval: 0s
audit:
  path: {audit_path}
  start_at: beginning
state_dir: {state_dir}
log: {{level: info}}
""")
    dlog = os.path.join(work, "vaultwatch.log")
    d = Daemon(procs, a.vaultwatch, cfg, port, dlog)

    pool = gen_pool(a.gen_audit, 2000, a.seed)
    base = {"lines": 0.0, "request": 0.0, "response": 0.0, "bad_json": 0.0, "rename": 0.0, "truncate": 0.0}
    lock_counts = threading.Lock()

    def counted(s):
        return {"lines": s.get("vaultwatch_audit_lines_total", 0.0),
                "request": metric_sum(s, "vaultwatch_audit_entries_total", type="request"),
                "response": metric_sum(s, "vaultwatch_audit_entries_total", type="response"),
                "bad_json": metric_sum(s, "vaultwatch_audit_decode_errors_total", reason="bad_json"),
                "rename": metric_sum(s, "vaultwatch_audit_rotations_total", kind="rename"),
                "truncate": metric_sum(s, "vaultwatch_audit_rotations_total", kind="truncate")}

    def caught_up(lines_written, deadline):
        def ok():
            with lock_counts:
                b = base["lines"]
            return b + d.scrape(2)["vaultwatch_audit_lines_total"] == lines_written
        wait_until(ok, deadline, f"vaultwatch to count {lines_written} audit lines")

    writer = AuditWriter(audit_path, pool, a.audit_rate, 997, lr_dir, caught_up)
    d.start()
    writer.start()

    # Prometheus, scraping every second.
    pport = free_port()
    pcfg = os.path.join(work, "prometheus.yml")
    with open(pcfg, "w") as f:
        f.write(f"""global: {{scrape_interval: 1s, scrape_timeout: {int(a.scrape_budget * 1000)}ms, evaluation_interval: 1m}}
scrape_configs:
  - job_name: vaultwatch
    static_configs: [{{targets: ['127.0.0.1:{port}']}}]
""")
    prom = procs.start([a.prometheus, f"--config.file={pcfg}", f"--storage.tsdb.path={work}/tsdb",
                        f"--web.listen-address=127.0.0.1:{pport}", "--storage.tsdb.retention.time=1d",
                        "--log.level=warn"], stdout=open(f"{work}/prometheus.log", "ab"), stderr=subprocess.STDOUT)
    def prom_ready():
        if prom.poll() is not None:
            raise Failure(f"prometheus exited {prom.returncode}; see {work}/prometheus.log")
        return http_get("127.0.0.1", pport, "/-/ready", 2)[0] == 200
    wait_until(prom_ready, 60, "prometheus ready")
    t_prom_start = time.time()

    # Samplers: RSS every 0.5 s; direct scrapes of /metrics and /healthz every 0.2 s.
    stop = threading.Event()
    rss = []  # (monotonic, instance, bytes)
    direct = []  # (wall, path, status or exception text, seconds)
    instance = [0]
    restarting = threading.Event()

    def sample_rss():
        while not stop.is_set():
            if not restarting.is_set() and d.alive():
                try:
                    rss.append((time.monotonic(), instance[0], rss_bytes(d.pid)))
                except Exception:  # noqa: BLE001 - the process is being replaced
                    pass
            stop.wait(0.5)

    def scrape_direct():
        n = 0
        while not stop.is_set():
            path = "/healthz" if n % 4 == 3 else "/metrics"
            n += 1
            t = time.time()
            try:
                st, _, secs = d.get(path, timeout=5)
                direct.append((t, path, st, secs))
            except Exception as e:  # noqa: BLE001 - recorded, judged below
                direct.append((t, path, type(e).__name__, 5.0))
            stop.wait(0.2)

    threads = [threading.Thread(target=sample_rss, daemon=True), threading.Thread(target=scrape_direct, daemon=True)]
    for t in threads:
        t.start()

    restart_windows = []  # wall-clock (begin, end)
    faults_injected = {}
    states_injected = {}
    restart_codes = []
    t0 = time.monotonic()
    end = t0 + a.duration
    restart_at = [t0 + a.duration * 0.25 * (i + 1) / (a.restarts + 1) for i in range(a.restarts)]
    next_phase = t0
    next_rotation = t0 + rotate_every
    rot_kinds = ["create", "copytruncate"]
    rot_i = 0
    fi = si = 0
    reloads = 0
    fv_down = False
    while time.monotonic() < end:
        now = time.monotonic()
        if writer.error:
            raise Failure(f"audit writer failed: {writer.error}")
        if not d.alive():
            failures.append(f"vaultwatch died (exit {d.proc.returncode}) during the soak")
            break
        if restart_at and now >= restart_at[0]:
            restart_at.pop(0)
            # Pause the writer, let the daemon catch up, record this instance's final counters,
            # stop it cleanly, write while it is down, start it again: the checkpoint must make
            # the new instance count exactly the lines written since.
            with writer.lock:
                caught_up(writer.lines, 60)
                w0 = time.time()
                restarting.set()
                final = counted(d.scrape())
                rc = d.stop()
                restart_codes.append(rc)
                if rc != 0:
                    failures.append(f"vaultwatch exited {rc} on SIGTERM (restart)")
                with lock_counts:
                    for k in base:
                        base[k] += final[k]
                writer.daemon_up = False
            time.sleep(1.0)  # the writer keeps writing while the daemon is down
            with writer.lock:
                d.start()
                instance[0] += 1
                writer.daemon_up = True
                restarting.clear()
                restart_windows.append((w0 - 1.5, time.time() + 1.5))
        if now >= next_rotation:
            next_rotation += rotate_every
            with writer.lock:
                writer.pending_rotation = rot_kinds[rot_i % 2]
            rot_i += 1
        if now >= next_phase:
            next_phase += phase
            # Alternate a fault change and a state flip; each phase also sometimes reloads.
            kind, ep, delay = FAULTS[fi % len(FAULTS)]
            fi += 1
            if fv_down:
                fv.up()  # a fresh fake: active, no fault
                fv_down = False
            if kind == "down":
                fv.down()  # connection refused for one phase
                fv_down = True
            else:
                fv.fault(kind, ep, delay)
            key = kind if not delay else f"{kind}_{delay}ms"
            key += f"@{ep}" if ep else ""
            faults_injected[key] = faults_injected.get(key, 0) + 1
            if fi % 2 == 0 and not fv_down:
                s = STATES[si % len(STATES)]
                si += 1
                fv.state(s)
                states_injected[s] = states_injected.get(s, 0) + 1
            if rnd.random() < 0.15:
                os.kill(d.pid, 1)  # SIGHUP: same config, a full reload
                reloads += 1
        time.sleep(0.05)

    # Wind down: Vault healthy, writer stopped, daemon caught up, final counters, clean stop.
    if fv_down:
        fv.up()
    fv.fault("none")
    fv.state("active")
    with writer.lock:
        writer.pending_rotation = None
    writer.stop_ev.set()
    writer.join(30)
    if writer.error:
        failures.append(f"audit writer failed: {writer.error}")
    try:
        caught_up(writer.lines, 60)
    except Failure as e:
        failures.append(str(e))
    time.sleep(1.5)  # one more Prometheus scrape of the final state
    stop.set()
    for t in threads:
        t.join(10)
    t_end_wall = time.time()
    final = counted(d.scrape()) if d.alive() else {k: 0.0 for k in base}
    last_metrics = d.scrape() if d.alive() else {}
    rc = d.stop() if d.alive() else d.proc.returncode
    restart_codes.append(rc)
    if rc != 0:
        failures.append(f"vaultwatch exited {rc} on the final SIGTERM")
    total = {k: base[k] + final[k] for k in base}

    # 4. counters equal what was written
    expect = {"lines": writer.lines, "request": writer.requests, "response": writer.responses,
              "bad_json": writer.junk, "rename": writer.rotations["rename"], "truncate": writer.rotations["truncate"]}
    for k, v in expect.items():
        if total[k] != v:
            failures.append(f"counter {k}: vaultwatch counted {total[k]:.0f}, written {v}")

    # 5. every kind of poll error seen; no log storm
    reasons = {r: metric_sum(last_metrics, "vaultwatch_poll_errors_total", reason=r)
               for r in ("timeout", "connect", "tls", "http_status", "bad_body")}
    # (The last instance saw only part of the run; reasons are judged over it only when it saw
    # most of the faults: always true because restarts happen in the first quarter.)
    for r, n in reasons.items():
        if n == 0:
            failures.append(f"no poll error with reason={r} was counted: the fault did not reach the daemon")
    log_lines = d.log_lines()
    minutes = a.duration / 60
    if len(log_lines) / minutes > a.max_log_lines_per_min:
        failures.append(f"log storm: {len(log_lines)} log lines in {a.duration:.0f}s")
    crit = [l for l in log_lines if " critical " in l.lower() or "[critical]" in l.lower()]
    if crit:
        failures.append(f"critical log lines: {crit[:3]}")

    # 2. RSS flat, on the last instance
    last = [(t, b) for (t, i, b) in rss if i == instance[0]]
    rss_summary = {}
    if len(last) < 20:
        failures.append(f"too few RSS samples of the last instance ({len(last)})")
    else:
        last = last[len(last) // 5:]  # warm-up
        q = max(1, len(last) // 4)
        first_max = max(b for _, b in last[:q])
        last_max = max(b for _, b in last[-q:])
        rss_summary = {"first_quarter_max_mib": round(first_max / 2**20, 2), "last_quarter_max_mib": round(last_max / 2**20, 2),
                       "min_mib": round(min(b for _, b in last) / 2**20, 2), "max_mib": round(max(b for _, b in last) / 2**20, 2),
                       "at_start_mib": round(rss[0][2] / 2**20, 2) if rss else None,
                       "samples": len(last)}
        rss_summary["judged"] = not a.no_rss_check
        if last_max > first_max + a.rss_slack_mib * 2**20 and not a.no_rss_check:
            failures.append(f"RSS grew: last-quarter max {last_max / 2**20:.1f} MiB > first-quarter max "
                            f"{first_max / 2**20:.1f} MiB + {a.rss_slack_mib} MiB")

    def in_restart(t):
        return any(b <= t <= e for b, e in restart_windows)

    # 3a. direct scrapes
    bad_direct = [x for x in direct if not in_restart(x[0]) and (x[2] != 200 or x[3] > a.scrape_budget)]
    if bad_direct:
        failures.append(f"{len(bad_direct)} direct scrapes failed or were over budget, e.g. {bad_direct[:3]}")
    direct_lat = sorted(x[3] for x in direct if x[2] == 200)

    # 3b. Prometheus' own view: raw samples of up and scrape_duration_seconds.
    rng = int(t_end_wall - t_prom_start) + 1

    def raw(expr):
        q = urllib.parse.urlencode({"query": f"{expr}[{rng}s]", "time": f"{t_end_wall:.3f}"})
        st, body, _ = http_get("127.0.0.1", pport, f"/api/v1/query?{q}", 10)
        res = json.loads(body)["data"]["result"]
        return [(float(t), float(v)) for t, v in res[0]["values"]] if res else []

    ups = raw('up{job="vaultwatch"}')
    durs = raw('scrape_duration_seconds{job="vaultwatch"}')
    prom_down = [(t, v) for t, v in ups if v != 1 and not in_restart(t)]
    prom_slow = [(t, v) for t, v in durs if v > a.scrape_budget and not in_restart(t)]
    if prom_down:
        failures.append(f"Prometheus saw {len(prom_down)} failed scrapes outside restarts, e.g. {prom_down[:3]}")
    if prom_slow:
        failures.append(f"{len(prom_slow)} Prometheus scrapes over {a.scrape_budget}s, e.g. {prom_slow[:3]}")
    if len(ups) < 0.5 * rng:
        failures.append(f"Prometheus made only {len(ups)} scrapes in {rng}s")
    prom.terminate()
    try:
        prom.wait(20)
    except subprocess.TimeoutExpired:
        pass

    summary = {
        "duration_s": round(time.monotonic() - t0, 1),
        "faults_injected": faults_injected,
        "state_flips": states_injected,
        "reloads_sighup": reloads,
        "restarts": len(restart_windows),
        "exit_codes_on_sigterm": restart_codes,
        "poll_errors_last_instance": reasons,
        "audit": {"written": expect, "counted": {k: int(v) for k, v in total.items()}},
        "prometheus_scrapes": {"total": len(ups), "up": sum(1 for _, v in ups if v == 1),
                               "in_restart_windows": sum(1 for t, _ in ups if in_restart(t)),
                               "max_duration_s": round(max((v for _, v in durs), default=0), 4)},
        "direct_scrapes": {"total": len(direct), "ok_200": sum(1 for x in direct if x[2] == 200),
                           "in_restart_windows": sum(1 for x in direct if in_restart(x[0])),
                           "p50_ms": round(direct_lat[len(direct_lat) // 2] * 1000, 2) if direct_lat else None,
                           "p99_ms": round(direct_lat[int(len(direct_lat) * 0.99)] * 1000, 2) if direct_lat else None,
                           "max_ms": round(direct_lat[-1] * 1000, 2) if direct_lat else None},
        "rss_last_instance": rss_summary,
        "log_lines": len(log_lines),
        "failures": failures,
    }
    return {"summary": summary, "rss": [(round(t - t0, 2), i, b) for t, i, b in rss]}


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Failure as e:
        log("FAIL:", e)
        sys.exit(1)
