#!/usr/bin/env python3
"""End-to-end alert latency (SPEC §9: audit line appended -> webhook POST received, rule with
`for: 0s`, budget p99 <= 50 ms). A benchmark, not a test: it prints p50/p90/p99/max.

It starts `webhook-sink` (records the arrival time of every POST) and the real `vaultwatch` with
an audit log in a temp dir and one audit rule grouped by path, then appends audit entries with
a unique path each, one at a time, and waits for the firing POST that names that path. The
latency of an entry is (POST arrival time at the sink) - (time the line was written), both from
the system clock of this machine.

Its helpers (stamp, start_sink, start_daemon, Web, Arrivals, quantiles, stop) are shared with
tests/bench/rotation/pickup_latency.py and tests/bench/behaviour/new_network_latency.py.

  tests/bench/notify/alert_latency.py [--build build] [--events 1000] [--rate 50]
"""
import argparse
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid

RULE = """\
- alert: BenchAuditLatency
  audit:
    type: request
    path: ["secret/data/bench/**"]
    group_by: [path]
  for: 0s
  keep_firing_for: 1s
  labels: {severity: info}
  annotations:
    summary: "{{ $event.path }} read by {{ $event.display_name }}"
"""


def stamp(ns=None):
    """An audit entry's `time` (RFC 3339, microseconds, UTC) for unix ns `ns` (default: now)."""
    ns = time.time_ns() if ns is None else ns
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ns // 10 ** 9)) + ".%06dZ" % (ns // 1000 % 1000000)


def audit_line(path):
    now = stamp()
    return json.dumps({
        "auth": {"accessor": "hmac-sha256:" + "a" * 64, "client_token": "hmac-sha256:" + "b" * 64,
                 "display_name": "approle", "policies": ["default", "bench-read"],
                 "token_policies": ["default", "bench-read"], "token_type": "service"},
        "request": {"id": str(uuid.uuid4()), "operation": "read", "mount_point": "secret/",
                    "mount_type": "kv", "namespace": {"id": "root"}, "path": path,
                    "remote_address": "10.0.0.7", "remote_port": 40000},
        "time": now, "type": "request"}, separators=(",", ":")) + "\n"


def wait_for(pattern, stream, deadline):
    buf = ""
    end = time.time() + deadline
    while time.time() < end:
        line = stream.readline()
        if not line:
            time.sleep(0.01)
            continue
        buf += line
        m = re.search(pattern, buf)
        if m:
            return m
    raise SystemExit("timed out waiting for %r; got:\n%s" % (pattern, buf))


def start_sink(build, arrivals):
    """webhook-sink recording every POST into `arrivals`; returns (process, port)."""
    sink = subprocess.Popen([os.path.join(build, "tests/webhook_sink/webhook-sink"),
                             "--listen=127.0.0.1:0", "--out=" + arrivals],
                            stderr=subprocess.PIPE, text=True)
    return sink, wait_for(r"listening: port=(\d+)", sink.stderr, 10).group(1)


class Web:
    """GETs from the daemon's web port over one kept-alive connection (a new connection per poll
    would cost a handshake and a port per request)."""

    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=5)

    def get(self, path):
        self.conn.request("GET", path)
        r = self.conn.getresponse()
        body = r.read().decode()
        if r.status != 200:
            raise SystemExit("GET %s: HTTP %d" % (path, r.status))
        return body

    def metric(self, name):
        """The value of the unlabelled sample `name` in /metrics, or None."""
        m = re.search(r"^%s (\S+)$" % re.escape(name), self.get("/metrics"), re.M)
        return float(m.group(1)) if m else None


def start_daemon(build, tmp, config, deadline=15.0):
    """vaultwatch with `config` written to tmp/vaultwatch.yaml; returns (process, Web) once it follows
    the audit log. Its log (a file: a pipe nobody reads would fill and block the daemon) names the
    port; /metrics has vaultwatch_audit_file_info once the tailer has opened the file and fixed where
    it starts (start_at: end), so every line written from then on is read."""
    with open(os.path.join(tmp, "vaultwatch.yaml"), "w") as f:
        f.write(config)
    log_path = os.path.join(tmp, "vaultwatch.log")
    with open(log_path, "w") as log:
        daemon = subprocess.Popen([os.path.join(build, "daemon/vaultwatch"),
                                   "--config.file=" + os.path.join(tmp, "vaultwatch.yaml"),
                                   "--web.listen-address=127.0.0.1:0", "--log.level=info"],
                                  stderr=log, text=True)
    end = time.time() + deadline
    web = None
    while True:
        if daemon.poll() is not None:
            raise SystemExit("vaultwatch exited: " + open(log_path).read())
        if web is None:
            m = re.search(r"listening: address=\S*:(\d+)", open(log_path).read())
            web = Web(m.group(1)) if m else None
        if web is not None and "\nvaultwatch_audit_file_info{" in web.get("/metrics"):
            return daemon, web
        if time.time() > end:
            daemon.kill()
            raise SystemExit("vaultwatch did not follow its audit log within %.0f s:\n%s"
                             % (deadline, open(log_path).read()))
        time.sleep(0.01)


class Arrivals:
    """Reads webhook-sink's --out file: the alerts named `alertname`, by (status, value of the label
    `by`) -> (arrival ns of the first such POST, that alert)."""

    def __init__(self, path, alertname, by):
        self.f = open(path, "r")
        self.alertname, self.by = alertname, by
        self.partial = ""
        self.seen = {}

    def poll(self):
        """Reads what the sink has written so far; False when there was nothing new."""
        chunk = self.f.readline()
        if not chunk:
            return False
        self.partial += chunk
        if self.partial.endswith("\n"):
            rec = json.loads(self.partial)
            self.partial = ""
            for a in json.loads(rec["body"]).get("alerts", []):
                if a["labels"].get("alertname") == self.alertname:
                    self.seen.setdefault((a["status"], a["labels"].get(self.by)), (rec["received_unix_ns"], a))
        return True

    def wait(self, status, value, timeout=10.0):
        end = time.time() + timeout
        while (status, value) not in self.seen:
            if not self.poll():
                if time.time() > end:
                    raise SystemExit("no %s %s POST for %s=%s within %.0f s"
                                     % (status, self.alertname, self.by, value, timeout))
                time.sleep(0.0005)
        return self.seen[(status, value)][0]


def quantiles(xs):
    xs = sorted(xs)
    q = lambda p: xs[min(len(xs) - 1, int(p * len(xs)))]
    return "p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms" % (q(0.5), q(0.9), q(0.99), xs[-1])


def stop(daemon, sink):
    daemon.send_signal(signal.SIGTERM)
    sink.send_signal(signal.SIGTERM)
    daemon.wait(15)
    sink.wait(5)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--events", type=int, default=1000)
    ap.add_argument("--rate", type=float, default=50.0, help="events per second at most")
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="vw-alert-latency.")
    arrivals = os.path.join(tmp, "arrivals.jsonl")
    audit = os.path.join(tmp, "audit.log")
    open(audit, "w").close()
    with open(os.path.join(tmp, "rules.yaml"), "w") as f:
        f.write(RULE)

    sink, port = start_sink(args.build, arrivals)
    daemon, _ = start_daemon(args.build, tmp,
                          "vault: {address: http://127.0.0.1:1, health_interval: 1h, leader_interval: 1h}\n"
                          "audit: {path: %s, start_at: end}\n"
                          "rules_files: [%s]\n"
                          "notify:\n  webhooks:\n    - {name: bench, url: \"http://127.0.0.1:%s/hook\"}\n"
                          "state_dir: %s\n" % (audit, os.path.join(tmp, "rules.yaml"), port, tmp))

    latencies = []
    fd = os.open(audit, os.O_WRONLY | os.O_APPEND)
    arr = Arrivals(arrivals, "BenchAuditLatency", "path")
    try:
        for i in range(args.events):
            path = "secret/data/bench/%d" % i
            line = audit_line(path).encode()
            t_written = time.time_ns()
            os.write(fd, line)
            latencies.append((arr.wait("firing", path, timeout=5) - t_written) / 1e6)
            # The pacing of --rate, not a synchronisation: the POST was already waited for.
            time.sleep(max(0.0, 1.0 / args.rate - (time.time_ns() - t_written) / 1e9))
    finally:
        os.close(fd)
        stop(daemon, sink)

    print("audit line appended -> webhook POST received, %d events: %s" % (len(latencies), quantiles(latencies)))


if __name__ == "__main__":
    sys.exit(main())
