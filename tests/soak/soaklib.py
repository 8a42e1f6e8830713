"""Shared helpers for the soak and abuse scripts (Python 3 standard library only).

Every child process started through `Procs` is killed (process group, SIGKILL) when the script
exits for any reason, so a failed assertion never leaves a daemon, a fake Vault or a Prometheus
behind. Every wait has a deadline. Ports are picked by binding 127.0.0.1:0.
"""
import atexit
import http.client
import json
import os
import re
import signal
import socket
import ssl
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request


class Failure(Exception):
    pass


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


def free_port():
    """A port that was free a moment ago (bind 0, read, close). Passed to the child at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(pred, deadline_s, what):
    end = time.monotonic() + deadline_s
    last_exc = None
    while time.monotonic() < end:
        try:
            v = pred()
            if v:
                return v
        except Failure:
            raise
        except Exception as e:  # noqa: BLE001 - a probe that fails is "not yet"
            last_exc = e
        time.sleep(0.05)
    raise Failure(f"timed out after {deadline_s}s waiting for {what}" + (f" (last error: {last_exc})" if last_exc else ""))


class Procs:
    """Owns child processes; kills them all at exit."""

    def __init__(self):
        self.procs = []
        atexit.register(self.kill_all)
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._on_signal)

    def _on_signal(self, signum, _frame):
        self.kill_all()
        sys.exit(128 + signum)

    def start(self, argv, stdout=None, stderr=None, **kw):
        p = subprocess.Popen(argv, stdout=stdout or subprocess.DEVNULL, stderr=stderr or subprocess.DEVNULL,
                             start_new_session=True, **kw)
        self.procs.append(p)
        return p

    def kill_all(self):
        for p in self.procs:
            if p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    pass


def rss_bytes(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise Failure(f"no VmRSS for {pid}")


def open_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def tcp_conns(pid):
    """Number of the process's fds that are sockets."""
    n = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:"):
                n += 1
        except OSError:
            pass
    return n


def http_get(host, port, path, timeout=5.0, headers=None, method="GET", body=None, tls_ctx=None):
    """(status, body bytes, seconds). Raises on connection errors or timeout."""
    t0 = time.monotonic()
    if tls_ctx is not None:
        c = http.client.HTTPSConnection(host, port, timeout=timeout, context=tls_ctx)
    else:
        c = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        return r.status, data, time.monotonic() - t0
    finally:
        c.close()


_SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)')


def parse_metrics(text):
    """{'name{labels}': value} for every sample line, labels exactly as exposed."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = _SAMPLE.match(line)
        if m:
            out[m.group(1) + (m.group(2) or "")] = float(m.group(3))
    return out


def metric_sum(samples, name, **labels):
    """Sum of every series of `name` whose labels include `labels`."""
    total = 0.0
    for k, v in samples.items():
        n, _, rest = k.partition("{")
        if n != name:
            continue
        if all(f'{lk}="{lv}"' in rest for lk, lv in labels.items()):
            total += v
    return total


class Daemon:
    """The real vaultwatch binary with a given config file; stderr to a log file."""

    def __init__(self, procs, binary, config_path, port, log_path, extra_args=()):
        self.procs, self.binary, self.config, self.port, self.log_path = procs, binary, config_path, port, log_path
        self.extra = list(extra_args)
        self.proc = None

    def start(self, ready_deadline=20, preexec=None, user=None):
        argv = [self.binary, f"--config.file={self.config}", f"--web.listen-address=127.0.0.1:{self.port}"] + self.extra
        if user:
            import pwd
            pw = pwd.getpwnam(user)
            argv = ["setpriv", f"--reuid={pw.pw_uid}", f"--regid={pw.pw_gid}", "--clear-groups", "--inh-caps=-all",
                    "--bounding-set=-all"] + argv
        logf = open(self.log_path, "ab")
        self.proc = self.procs.start(argv, stdout=logf, stderr=logf, preexec_fn=preexec)
        logf.close()
        def up():
            if self.proc.poll() is not None:
                raise Failure(f"vaultwatch exited {self.proc.returncode} at start; see {self.log_path}")
            return self.get("/healthz", 1)[0] == 200
        wait_until(up, ready_deadline,
                   f"vaultwatch /healthz on :{self.port} (log {self.log_path})")
        if self.proc.poll() is not None:
            raise Failure(f"vaultwatch exited {self.proc.returncode}; see {self.log_path}")
        return self

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def get(self, path, timeout=5.0, **kw):
        return http_get("127.0.0.1", self.port, path, timeout=timeout, **kw)

    def scrape(self, timeout=5.0):
        st, body, _ = self.get("/metrics", timeout)
        if st != 200:
            raise Failure(f"/metrics answered {st}")
        return parse_metrics(body.decode())

    def stop(self, deadline=15):
        """SIGTERM; returns the exit code (must be 0 for a clean stop)."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(deadline)
        except subprocess.TimeoutExpired:
            raise Failure(f"vaultwatch did not stop within {deadline}s of SIGTERM")

    def log_lines(self):
        with open(self.log_path, errors="replace") as f:
            return f.read().splitlines()


def make_pki(dirpath):
    """A CA and a server certificate for 127.0.0.1 (openssl CLI). Returns (ca, cert, key)."""
    ca_key, ca, key, csr, cert = (os.path.join(dirpath, n) for n in ("ca.key", "ca.pem", "srv.key", "srv.csr", "srv.pem"))
    run = lambda *a: subprocess.run(a, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", ca_key,
        "-out", ca, "-days", "2", "-subj", "/CN=soak-ca", "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign")
    run("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", csr,
        "-subj", "/CN=127.0.0.1")
    ext = os.path.join(dirpath, "ext.cnf")
    with open(ext, "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
    run("openssl", "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial", "-out", cert, "-days", "2",
        "-extfile", ext)
    return ca, cert, key


class FakeVaultProc:
    """The fake-vault program; faults and states through its control API."""

    def __init__(self, procs, binary, workdir, tls=None, extra=()):
        self.procs, self.binary, self.workdir, self.tls, self.extra = procs, binary, workdir, tls, list(extra)
        self.port_file = os.path.join(workdir, "fake-vault.port")
        self.ctx = ssl.create_default_context(cafile=tls[0]) if tls else None
        self.port = 0
        self.conn = None
        self._start()
        self.address = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"

    def _start(self):
        if os.path.exists(self.port_file):
            os.unlink(self.port_file)
        argv = [self.binary, f"--listen=127.0.0.1:{self.port}", f"--port-file={self.port_file}",
                "--metrics=unauthenticated"] + self.extra
        if self.tls:
            argv += [f"--tls-cert={self.tls[1]}", f"--tls-key={self.tls[2]}"]
        self.proc = self.procs.start(argv, stdout=open(os.path.join(self.workdir, "fake-vault.log"), "ab"),
                                     stderr=subprocess.STDOUT)
        self.port = int(wait_until(lambda: open(self.port_file).read().strip(), 10, "fake-vault port file"))

    def down(self):
        """Stops the fake (connections refused) until up()."""
        if self.conn:
            self.conn.close()
            self.conn = None
        self.proc.terminate()
        self.proc.wait(10)

    def up(self):
        """Starts it again on the same port (the acceptor sets SO_REUSEADDR)."""
        self._start()

    def control(self, what, body):
        # One keep-alive connection, opened while no fault is active: a tls_error fault breaks
        # every *new* handshake (the fake cannot tell a control client from vaultwatch before it).
        for attempt in (0, 1):
            try:
                if self.conn is None:
                    self.conn = (http.client.HTTPSConnection("127.0.0.1", self.port, timeout=5, context=self.ctx)
                                 if self.ctx else http.client.HTTPConnection("127.0.0.1", self.port, timeout=5))
                self.conn.request("POST", f"/_fake/{what}", body=json.dumps(body),
                                  headers={"Content-Type": "application/json"})
                r = self.conn.getresponse()
                st, data = r.status, r.read()
                break
            except (OSError, http.client.HTTPException):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
        if st != 200:
            raise Failure(f"fake-vault control {what} {body}: {st} {data!r}")

    def fault(self, kind, endpoint="", delay_ms=0, count=-1):
        self.control("fault", {"kind": kind, "endpoint": endpoint, "delay_ms": delay_ms, "count": count})

    def state(self, s):
        self.control("state", {"state": s})


def raise_nofile(n):
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(max(n, soft), hard)
    if want > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=2, sort_keys=True)
        f.write("\n")


def finish(report_path, summary, failures, work, skipped=(), require_full=False):
    """Writes the report, logs the verdict, removes the work dir on success; the exit status."""
    if report_path:
        write_json(report_path, summary)
    for s in skipped:
        log("SKIPPED:", s)
    if failures or (skipped and require_full):
        for f in failures:
            log("FAIL:", f)
        log(f"work dir kept: {work}")
        return 1
    shutil.rmtree(work, ignore_errors=True)
    log("PASS")
    return 0
