#!/usr/bin/env python3
"""Rotation propagation latency through the real daemon (issue 13: pickup recorded within 100 ms
p99 of the line being written). A benchmark, not a test: it prints p50/p90/p99/max.

For each sample it uses a fresh secret secret/data/bench/<i>: a consumer reads version 1, the
secret is written (version 2), the deadline (rotation.deadline, 200 ms here) passes and
VaultSecretRotationNotPropagated fires to webhook-sink; then the consumer reads version 2, and
from that line's write the script times:

- pickup recorded: what the issue asks. The daemon records a pickup when it reads the line (the
  tracker's update and one observation of vaultwatch_rotation_pickup_seconds, on the io thread,
  right after the rules have seen that line). The script polls /metrics back to back until
  vaultwatch_rotation_pickup_seconds_count reaches the number of samples so far: exact (one
  observation per due consumer's first read of the new version; this consumer was due) and a
  constant-size answer, where GET /api/v1/rotation grows with every secret. The figure is the
  arrival of the first answer that shows it, so it includes up to one poll round trip (printed).
- resolved POST received: the alert that follows from it, an upper bound on the above. The rotation
  service rebuilds the rules' input at most every 100 ms (min_push_interval), hence its tail.

It also prints deadline -> firing POST (issue 13: the alert within 1 s of the deadline).

  tests/bench/rotation/pickup_latency.py [--build build] [--events 200]
"""
import argparse
import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "notify"))
from alert_latency import Arrivals, quantiles, stamp, start_daemon, start_sink, stop  # noqa: E402

DEADLINE_S = 0.2
PICKUPS = "vaultwatch_rotation_pickup_seconds_count"


def kv_line(op, path, who, version):
    data = ({"data": {"data": {"k": "hmac-sha256:cc"}, "metadata": {"version": version}}} if op == "read"
            else {"data": {"version": version}})
    return json.dumps({
        "auth": {"accessor": "hmac-sha256:aa", "client_token": "hmac-sha256:bb", "display_name": who,
                 "entity_id": who, "policies": ["default"], "token_type": "service"},
        "request": {"id": "r", "operation": op, "mount_point": "secret/", "mount_type": "kv",
                    "namespace": {"id": "root"}, "path": path, "remote_address": "10.0.0.7"},
        "response": data, "time": stamp(), "type": "response"}, separators=(",", ":")) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--events", type=int, default=200)
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="vw-rotation-latency.")
    arrivals = os.path.join(tmp, "arrivals.jsonl")
    audit = os.path.join(tmp, "audit.log")
    open(audit, "w").close()
    sink, port = start_sink(args.build, arrivals)
    # Built-in rules: the shipped VaultSecretRotationNotPropagated.
    daemon, web = start_daemon(args.build, tmp,
                          "vault: {address: http://127.0.0.1:1, health_interval: 1h, leader_interval: 1h}\n"
                          "audit: {path: %s, start_at: end}\n"
                          "rotation: {secrets: [\"secret/data/bench/**\"], deadline: %dms, consumer_window: 1h}\n"
                          "notify:\n  resend_interval: 1h\n  webhooks:\n    - {name: bench, url: \"http://127.0.0.1:%s/hook\"}\n"
                          "state_dir: %s\n" % (audit, int(DEADLINE_S * 1000), port, tmp))

    recorded, resolved, firing, polls = [], [], [], []
    fd = os.open(audit, os.O_WRONLY | os.O_APPEND)
    arr = Arrivals(arrivals, "VaultSecretRotationNotPropagated", "path")
    try:
        for i in range(args.events):
            path = "secret/data/bench/%d" % i
            os.write(fd, kv_line("read", path, "app-%d" % i, 1).encode())
            os.write(fd, kv_line("update", path, "admin", 2).encode())
            t_write = time.time_ns()
            fired = arr.wait("firing", path)
            firing.append((fired - t_write) / 1e6 - DEADLINE_S * 1000)
            line = kv_line("read", path, "app-%d" % i, 2).encode()
            t_read = time.time_ns()
            os.write(fd, line)
            end = time.time() + 10
            while True:
                t_poll = time.time_ns()
                count = web.metric(PICKUPS) or 0
                t_seen = time.time_ns()
                polls.append((t_seen - t_poll) / 1e6)
                if count >= i + 1:
                    break
                if time.time() > end:
                    raise SystemExit("%s stayed at %d (expected %d) for 10 s after %s's new-version read"
                                     % (PICKUPS, count, i + 1, path))
            if count != i + 1:
                raise SystemExit("%s is %d after %d pickups" % (PICKUPS, count, i + 1))
            recorded.append((t_seen - t_read) / 1e6)
            resolved.append((arr.wait("resolved", path) - t_read) / 1e6)
    finally:
        os.close(fd)
        stop(daemon, sink)
    print("new version read appended -> pickup recorded (%s), %d events: %s"
          % (PICKUPS, len(recorded), quantiles(recorded)))
    print("new version read appended -> resolved POST received, %d events: %s" % (len(resolved), quantiles(resolved)))
    print("deadline passed -> firing POST received (write line + %.0f ms), %d events: %s"
          % (DEADLINE_S * 1000, len(firing), quantiles(firing)))
    print("(one /metrics poll round trip, %d polls: %s)" % (len(polls), quantiles(polls)))


if __name__ == "__main__":
    sys.exit(main())
