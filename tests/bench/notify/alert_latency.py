#!/usr/bin/env python3
"""End-to-end alert latency (SPEC §9: audit line appended -> webhook POST received, rule with
`for: 0s`, budget p99 <= 50 ms). A benchmark, not a test: it prints p50/p90/p99/max.

It starts `webhook-sink` (records the arrival time of every POST) and the real `vaultwatch` with
an audit log in a temp dir and one audit rule grouped by path, then appends audit entries with
a unique path each, one at a time, and waits for the firing POST that names that path. The
latency of an entry is (POST arrival time at the sink) - (time the line was written), both from
the system clock of this machine.

Needs the audit tailer (issue 3) and the rule engine (issue 4, rules half): run it once both are
merged.

  tests/bench/notify/alert_latency.py [--build build] [--events 1000] [--rate 50]
"""
import argparse
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


def audit_line(path):
    now = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + ".%06dZ" % (time.time_ns() // 1000 % 1000000)
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


def start_daemon(build, tmp, config):
    """vaultwatch with `config` written to tmp/vaultwatch.yaml, given a second to open its log."""
    with open(os.path.join(tmp, "vaultwatch.yaml"), "w") as f:
        f.write(config)
    daemon = subprocess.Popen([os.path.join(build, "daemon/vaultwatch"),
                               "--config.file=" + os.path.join(tmp, "vaultwatch.yaml"),
                               "--web.listen-address=127.0.0.1:0", "--log.level=warn"],
                              stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)  # let the tailer open the file and seek to its end
    if daemon.poll() is not None:
        raise SystemExit("vaultwatch exited: " + daemon.stderr.read())
    return daemon


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
    daemon = start_daemon(args.build, tmp,
                          "vault: {address: http://127.0.0.1:1, health_interval: 1h, leader_interval: 1h}\n"
                          "audit: {path: %s, start_at: end}\n"
                          "rules_files: [%s]\n"
                          "notify:\n  webhooks:\n    - {name: bench, url: \"http://127.0.0.1:%s/hook\"}\n"
                          "state_dir: %s\n" % (audit, os.path.join(tmp, "rules.yaml"), port, tmp))

    latencies = []
    seen = 0
    fd = os.open(audit, os.O_WRONLY | os.O_APPEND)
    arr = open(arrivals, "r")
    pending_lines = ""
    try:
        for i in range(args.events):
            path = "secret/data/bench/%d" % i
            line = audit_line(path).encode()
            t_written = time.time_ns()
            os.write(fd, line)
            deadline = time.time() + 5
            found = None
            while found is None:
                chunk = arr.readline()
                if not chunk:
                    if time.time() > deadline:
                        raise SystemExit("no webhook POST for %s within 5 s" % path)
                    time.sleep(0.0005)
                    continue
                pending_lines += chunk
                if not pending_lines.endswith("\n"):
                    continue
                rec = json.loads(pending_lines)
                pending_lines = ""
                body = json.loads(rec["body"])
                for a in body.get("alerts", []):
                    if a["status"] == "firing" and a["labels"].get("path") == path:
                        found = rec["received_unix_ns"]
            latencies.append((found - t_written) / 1e6)
            seen += 1
            time.sleep(max(0.0, 1.0 / args.rate - (time.time_ns() - t_written) / 1e9))
    finally:
        os.close(fd)
        stop(daemon, sink)

    latencies.sort()
    q = lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))]
    print("audit line appended -> webhook POST received, %d events: p50 %.2f ms, p90 %.2f ms, "
          "p99 %.2f ms, max %.2f ms" % (len(latencies), q(0.5), q(0.9), q(0.99), latencies[-1]))


if __name__ == "__main__":
    sys.exit(main())
