#!/usr/bin/env python3
"""Disk faults: state_dir read-only, state_dir full, audit file permission flipped, audit
directory removed and recreated — against the real vaultwatch.

  disk_faults.py --vaultwatch build/daemon/vaultwatch --fake-vault build/tests/fake_vault/fake-vault \\
                 --gen-audit tests/tools/gen_audit.py

Permissions do not stop root, and CI runs as root: when this script runs as root it starts
vaultwatch as `nobody` (setpriv --reuid/--regid, no capabilities), so chmod means what it means
in production (the systemd unit runs vaultwatch as its own user). "Full" is a small tmpfs mounted
on state_dir when the script may mount (root with CAP_SYS_ADMIN); otherwise that one fault is
reported as skipped, never as passed.

For each fault the daemon must: report it (its counter rises: vaultwatch_audit_checkpoint_write_
failures_total or vaultwatch_audit_open_failures_total) with ONE log line per episode (not one
per retry), keep answering /metrics and /healthz, recover by itself when the fault is removed
(a recovery log line, the counter stops rising), and lose no audit line: at the end
vaultwatch_audit_lines_total equals the lines written, across a clean restart too.
"""
import argparse
import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from soaklib import Daemon, FakeVaultProc, Failure, Procs, finish, free_port, log, wait_until  # noqa: E402


class Writer:
    def __init__(self, path, pool):
        self.path, self.pool, self.i, self.lines = path, pool, 0, 0

    def write(self, n, mode=0o644):
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, mode)
        try:
            chunk = []
            for _ in range(n):
                chunk.append(self.pool[self.i % len(self.pool)])
                self.i += 1
            os.write(fd, b"".join(chunk))
            self.lines += n
        finally:
            os.close(fd)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vaultwatch", required=True)
    ap.add_argument("--fake-vault", required=True)
    ap.add_argument("--gen-audit", required=True)
    ap.add_argument("--report", default="")
    ap.add_argument("--require-full", action="store_true", help="fail (not skip) when tmpfs cannot be mounted")
    a = ap.parse_args()

    root = os.geteuid() == 0
    work = tempfile.mkdtemp(prefix="vw-disk-")
    os.chmod(work, 0o755)
    procs = Procs()
    failures, summary, skipped = [], {}, []
    mounted = None
    try:
        uid = gid = None
        if root:
            pw = pwd.getpwnam("nobody")
            uid, gid = pw.pw_uid, pw.pw_gid
        audit_dir = os.path.join(work, "audit")
        state_dir = os.path.join(work, "state")
        os.makedirs(audit_dir, mode=0o755)
        os.makedirs(state_dir, mode=0o755)
        if root:
            r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k,mode=0755", "tmpfs", state_dir],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            if r.returncode == 0:
                mounted = state_dir
            else:
                skipped.append(f"state_dir full: cannot mount a tmpfs here ({r.stdout.decode().strip()})")
        else:
            skipped.append("state_dir full: not root, cannot mount a tmpfs")
        if root:
            os.chown(state_dir, uid, gid)
        audit_path = os.path.join(audit_dir, "audit.log")
        out = subprocess.run([sys.executable, a.gen_audit, "--entries", "500", "--seed", "3", "--layout", "new"],
                             check=True, stdout=subprocess.PIPE).stdout
        w = Writer(audit_path, out.splitlines(keepends=True))
        w.write(100)

        fv = FakeVaultProc(procs, a.fake_vault, work)
        port = free_port()
        cfg = os.path.join(work, "vaultwatch.yaml")
        with open(cfg, "w") as f:
            f.write(f"vault: {{address: '{fv.address}', timeout: 1s, health_interval: 1s}}\n"
                    f"audit: {{path: '{audit_path}', start_at: beginning}}\nstate_dir: {state_dir}\n")
        os.chmod(cfg, 0o644)
        dlog = os.path.join(work, "vaultwatch.log")
        user = "nobody" if root else None
        binary = a.vaultwatch
        if user:
            # The build tree may be where nobody cannot reach it (e.g. under /root in CI).
            probe = subprocess.run(["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", binary, "--version"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if probe.returncode != 0:
                binary = os.path.join(work, "vaultwatch")
                shutil.copy2(a.vaultwatch, binary)
                os.chmod(binary, 0o755)
        d = Daemon(procs, binary, cfg, port, dlog)
        d.start(user=user)
        base = [0.0]

        def counted():
            return base[0] + d.scrape(3).get("vaultwatch_audit_lines_total", 0)

        def wait_counted(what):
            wait_until(lambda: counted() == w.lines, 30, f"{what}: vaultwatch to count {w.lines} lines")

        def metric(name):
            return d.scrape(3).get(name, 0)

        def log_count(fragment):
            return sum(1 for l in d.log_lines() if fragment in l)

        def serving(what):
            for path in ("/metrics", "/healthz"):
                st, _, secs = d.get(path, 5)
                if st != 200:
                    failures.append(f"{what}: {path} answered {st}")

        def rises_then_settles(name, what):
            """The counter keeps rising while the fault lasts (retries), then stops after recovery."""
            v0 = metric(name)
            wait_until(lambda: metric(name) >= v0 + 2, 20, f"{what}: {name} to keep rising")

        wait_counted("start")
        ckpt = "vaultwatch_audit_checkpoint_write_failures_total"
        results = {}

        # A. state_dir read-only (permissions; vaultwatch is not root)
        t = "state_dir read-only"
        os.chmod(state_dir, 0o555)
        w.write(200)
        wait_until(lambda: metric(ckpt) > 0, 20, f"{t}: {ckpt} > 0")
        rises_then_settles(ckpt, t)
        serving(t)
        wait_counted(t)
        n_err = log_count("cannot save the audit checkpoint")
        os.chmod(state_dir, 0o755)
        wait_until(lambda: log_count("audit checkpoint saved again") >= 1, 20, f"{t}: recovery log line")
        after = metric(ckpt)
        time.sleep(2.5)
        results[t] = {"failures_counted": after, "error_log_lines": n_err, "still_rising_after_fix": metric(ckpt) != after}
        if n_err != 1:
            failures.append(f"{t}: {n_err} 'cannot save the audit checkpoint' log lines, want exactly 1")
        if metric(ckpt) != after:
            failures.append(f"{t}: {ckpt} still rising after the fix")

        # B. state_dir full (tmpfs)
        t = "state_dir full"
        if mounted:
            filler = os.path.join(state_dir, "filler")
            ffd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
            try:
                while os.write(ffd, b"\0" * 4096) > 0:
                    pass
            except OSError:
                pass  # ENOSPC: full
            finally:
                os.close(ffd)
            v0 = metric(ckpt)
            w.write(200)
            wait_until(lambda: metric(ckpt) > v0, 20, f"{t}: {ckpt} rises")
            rises_then_settles(ckpt, t)
            serving(t)
            wait_counted(t)
            n_err = log_count("cannot save the audit checkpoint")
            os.unlink(filler)
            wait_until(lambda: log_count("audit checkpoint saved again") >= 2, 20, f"{t}: recovery log line")
            after = metric(ckpt)
            time.sleep(2.5)
            results[t] = {"failures_counted": after - v0, "error_log_lines": n_err - 1}
            if n_err != 2:
                failures.append(f"{t}: {n_err - 1} new 'cannot save' log lines, want exactly 1")
            if metric(ckpt) != after:
                failures.append(f"{t}: {ckpt} still rising after the fix")
        else:
            results[t] = "skipped"

        # C1. the open audit file's permission flipped: the daemon holds an open fd, nothing changes.
        t = "open audit file chmod 000"
        os.chmod(audit_path, 0o000)
        w.write(100)
        wait_counted(t)
        os.chmod(audit_path, 0o644)
        results[t] = "read on through the open descriptor"

        # C2. rotated to a new file the daemon may not read.
        t = "new audit file unreadable"
        opf = "vaultwatch_audit_open_failures_total"
        wait_counted(t + " (before)")
        os.rename(audit_path, audit_path + ".1")
        w.write(150, mode=0o000)
        os.chmod(audit_path, 0o000)  # O_CREAT's mode is masked by the umask; make sure
        wait_until(lambda: metric(opf) >= 3, 20, f"{t}: {opf} >= 3 (retries)")
        serving(t)
        n_err = log_count("cannot open audit log")
        os.chmod(audit_path, 0o644)
        wait_counted(t)
        after = metric(opf)
        time.sleep(2.5)
        results[t] = {"open_failures_counted": after, "error_log_lines": n_err,
                      "recovery_log_lines": log_count("audit log can be opened again")}
        if n_err != 1:
            failures.append(f"{t}: {n_err} 'cannot open audit log' log lines, want exactly 1")
        if metric(opf) != after:
            failures.append(f"{t}: {opf} still rising after the fix")

        # D. audit directory removed, then recreated with a new file.
        t = "audit directory removed and recreated"
        shutil.rmtree(audit_dir)
        time.sleep(2.5)
        serving(t)
        os.makedirs(audit_dir, mode=0o755)
        w.write(250)
        wait_counted(t)
        results[t] = "followed"

        # E. clean restart, lines written while down are counted from the checkpoint.
        t = "restart"
        base[0] = counted()
        rc = d.stop()
        if rc != 0:
            failures.append(f"exit {rc} on SIGTERM")
        w.write(120)
        d.start(user=user)
        wait_counted(t)
        results[t] = {"exit_code": rc}

        final_counted = int(counted())
        rc = d.stop()
        if rc != 0:
            failures.append(f"exit {rc} on the final SIGTERM")
        lines = d.log_lines()
        noisy = [l for l in lines if " error " in l.lower() or "[error]" in l.lower() or " warn" in l.lower()]
        summary = {"run_as": user or pwd.getpwuid(os.geteuid()).pw_name, "state_dir_tmpfs": bool(mounted),
                   "faults": results, "audit_lines_written": w.lines, "audit_lines_counted": final_counted,
                   "log_lines": len(lines), "error_and_warning_log_lines": len(noisy), "skipped": skipped}
        if len(noisy) > 12:
            failures.append(f"{len(noisy)} error/warning log lines: a storm? {noisy[:6]}")
    except Failure as e:
        failures.append(str(e))
    finally:
        procs.kill_all()
        if mounted:
            subprocess.run(["umount", "-l", mounted], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    summary["failures"] = failures
    print(json.dumps(summary, indent=2, sort_keys=True))
    return finish(a.report, summary, failures, work, skipped, a.require_full)


if __name__ == "__main__":
    sys.exit(main())
