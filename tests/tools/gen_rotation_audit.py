#!/usr/bin/env python3
"""Generate a Vault file-audit log in which KV v2 secrets are rotated and read (issue 13).

Like gen_audit.py (same entry shapes: request + response entries, HMAC'd values, auth block,
mount info, both key layouts, `prefix`), but with a stable population: consumers (an entity_id, a
display_name, a remote address) that each read a few secrets, secrets whose versions only go up,
writes (rotations) after which each consumer switches to the new version after its own lag (some
never do, some read an old version explicitly), failed writes, deletes of the latest version,
metadata deletes, namespaces, a mount with '/' in its name, and gen_audit-style noise in between.
Deterministic for a given --seed.

  gen_rotation_audit.py --events 20000 --seed 3 --layout new > audit.log
"""
import argparse
import hashlib
import json
import random
import sys
import uuid
from datetime import datetime, timedelta, timezone

MOUNTS = [("secret/", "", "secret/data/pay/"), ("team/kv/", "", "team/kv/data/app/"),
          ("secret/", "ns1/", "secret/data/pay/")]


def hmac(s, rnd):
    return "hmac-sha256:" + hashlib.sha256((s + str(rnd.random())).encode()).hexdigest()


class Consumer:
    def __init__(self, rnd, i):
        self.entity = str(uuid.UUID(int=rnd.getrandbits(128))) if i % 5 else ""  # some have no entity
        self.name = "approle-%d" % i if i % 7 else "token"
        self.remote = "10.%d.%d.%d" % (i % 4, (i * 7) % 256, 1 + i % 250)
        self.lag = rnd.choice([5, 30, 120, 600, 1800, None])  # seconds to pick a rotation up
        self.secrets = []
        self.known = {}  # secret -> version it reads


class Secret:
    def __init__(self, mount, ns, prefix, i, rnd):
        self.mount, self.ns, self.path = mount, ns, prefix + "s%d" % i
        self.version = rnd.randint(1, 5)
        self.written = None


def auth(c, rnd):
    a = {"client_token": hmac("t" + c.name, rnd), "accessor": hmac("a" + c.name, rnd),
         "display_name": c.name, "policies": ["default", "app"], "token_policies": ["default", "app"],
         "metadata": {"role_name": c.name}, "token_type": "service", "token_ttl": 3600,
         "token_issue_time": "2026-11-28T10:00:00Z"}
    if c.entity:
        a["entity_id"] = c.entity
    return a


def request(rnd, op, path, mount, ns, a, remote, data=None):
    r = {"id": str(uuid.UUID(int=rnd.getrandbits(128))), "operation": op, "mount_point": mount,
         "mount_type": "kv", "mount_accessor": "kv_1234", "mount_class": "secret",
         "client_token": a.get("client_token", ""), "client_token_accessor": a.get("accessor", ""),
         "namespace": {"id": "root"} if not ns else {"id": "nsid1", "path": ns}, "path": path,
         "remote_address": remote, "remote_port": rnd.randint(30000, 65000)}
    if data is not None:
        r["data"] = data
    return r


def pair(rnd, t, a, req, resp_data=None, error=None):
    ts = t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    first = {"time": ts, "type": "request", "auth": a, "request": req}
    second = {"time": ts, "type": "response", "auth": a, "request": req,
              "response": {"mount_point": req["mount_point"], "mount_type": "kv", "mount_class": "secret"}}
    if resp_data is not None:
        second["response"]["data"] = resp_data
    if error:
        first["error"] = second["error"] = error
    return [first, second]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=20000, help="number of request/response pairs")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--secrets", type=int, default=12)
    ap.add_argument("--consumers", type=int, default=40)
    ap.add_argument("--write-every", type=int, default=400, help="one write per N events on average")
    ap.add_argument("--layout", choices=["old", "new"], default="old")
    ap.add_argument("--prefix", default="")
    ap.add_argument("--step-ms", type=int, default=2000, help="mean time between events")
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    secrets = [Secret(*MOUNTS[i % len(MOUNTS)], i, rnd) for i in range(a.secrets)]
    consumers = [Consumer(rnd, i) for i in range(a.consumers)]
    for c in consumers:
        c.secrets = rnd.sample(secrets, k=min(3, len(secrets)))
        for s in c.secrets:
            c.known[id(s)] = s.version
    admin = Consumer(rnd, 10**6)
    admin.name, admin.entity = "admin", "00000000-0000-0000-0000-00000000adm1"
    t = datetime(2026, 11, 28, 10, 0, 0, tzinfo=timezone.utc)
    out = sys.stdout

    def emit(entries):
        for e in entries:
            if a.layout == "new":
                line = json.dumps(e, separators=(",", ":"), sort_keys=True)
            else:
                line = json.dumps(e, separators=(",", ":"))
            out.write(a.prefix + line + "\n")

    for i in range(a.events):
        t += timedelta(milliseconds=rnd.randint(1, 2 * a.step_ms))
        roll = rnd.random()
        if roll < 1.0 / a.write_every:
            s = rnd.choice(secrets)
            kind = rnd.random()
            aa = auth(admin, rnd)
            if kind < 0.08:  # failed write
                emit(pair(rnd, t, aa, request(rnd, "update", s.path, s.mount, s.ns, aa, admin.remote, {"data": {}}),
                          None, "1 error occurred:\n\t* permission denied\n\n"))
            elif kind < 0.12:  # delete of the latest version
                emit(pair(rnd, t, aa, request(rnd, "delete", s.path, s.mount, s.ns, aa, admin.remote)))
            elif kind < 0.14:  # metadata delete: the secret starts again at version 1
                mpath = s.path.replace("/data/", "/metadata/", 1)
                emit(pair(rnd, t, aa, request(rnd, "delete", mpath, s.mount, s.ns, aa, admin.remote)))
                s.version = 0
                s.written = None
                for c in consumers:
                    if id(s) in c.known:
                        c.known[id(s)] = 0
            else:
                s.version += 1
                s.written = t
                op = rnd.choice(["update", "update", "create", "patch"])
                emit(pair(rnd, t, aa, request(rnd, op, s.path, s.mount, s.ns, aa, admin.remote, {"data": {"k": hmac("v", rnd)}}),
                          {"created_time": hmac("ct", rnd), "custom_metadata": None, "deletion_time": "",
                           "destroyed": False, "version": s.version}))
        elif roll < 0.75:
            c = rnd.choice(consumers)
            s = rnd.choice(c.secrets)
            if s.version == 0:
                continue
            v = c.known[id(s)]
            if s.written and c.lag is not None and (t - s.written).total_seconds() >= c.lag:
                v = s.version
            if v == 0 or v > s.version:
                v = s.version
            if rnd.random() < 0.01 and s.version > 1:
                v = rnd.randint(1, s.version - 1)  # explicit ?version=N of an old one
            else:
                c.known[id(s)] = v
            aa = auth(c, rnd)
            emit(pair(rnd, t, aa, request(rnd, "read", s.path, s.mount, s.ns, aa, c.remote),
                      {"data": {"password": hmac("p", rnd)},
                       "metadata": {"created_time": hmac("ct", rnd), "custom_metadata": None,
                                    "deletion_time": "", "destroyed": False, "version": v}}))
        else:
            # Noise: logins, lists, renewals (as in gen_audit.py).
            c = rnd.choice(consumers)
            aa = auth(c, rnd)
            kind = rnd.random()
            if kind < 0.5:
                req = request(rnd, "update", "auth/approle/login", "auth/approle/", "", {}, c.remote)
                req["mount_type"] = "approle"
                emit(pair(rnd, t, {"display_name": "", "policies": None, "token_type": "default"}, req))
            elif kind < 0.8:
                s = rnd.choice(secrets)
                emit(pair(rnd, t, aa, request(rnd, "list", s.path.replace("/data/", "/metadata/", 1).rsplit("/", 1)[0] + "/",
                                              s.mount, s.ns, aa, c.remote), {"keys": [hmac("k", rnd)]}))
            else:
                req = request(rnd, "update", "auth/token/renew-self", "auth/token/", "", aa, c.remote)
                req["mount_type"] = "token"
                emit(pair(rnd, t, aa, req))


if __name__ == "__main__":
    main()
