#!/usr/bin/env bash
# /metrics latency, resident memory and idle CPU of the running daemon with ~5 000 series
# (SPEC §9: scrape p99 ≤ 10 ms under full audit load, RSS ≤ 32 MB steady, idle CPU < 0.5 %).
#
#   tests/bench/metrics_scrape.sh [BUILD_DIR] [SIZE_MB] [MOUNTS]     # defaults: build 300 700
#
# The audit log is tests/tools/gen_audit.py's, with each KV entry's mount_point spread over
# MOUNTS mounts (audit.mount_label_limit raised to match) so that vaultwatch_audit_entries_total
# and vaultwatch_audit_kv_writes_total alone make thousands of series. Phases:
#   1. prime: the first 10 % of the log, read to the end, no scrapes measured;
#   2. load:  the rest appended by `cat` as fast as the disk takes it while one client scrapes
#             back to back (alternating gzip, as Prometheus asks, and identity);
#   3. idle:  300 scrapes with nothing to ingest, then 20 s with no scrapes for the idle CPU.
# Prints a Markdown table: series, body size, latency percentiles per phase, RSS, CPU.
set -euo pipefail

BUILD=${1:-build}
SIZE_MB=${2:-300}
MOUNTS=${3:-700}
source "$(dirname "$0")/bench_lib.sh"
bench_init "$BUILD" vw-scrape
LOG_SRC="$CACHE/audit-${SIZE_MB}MB-${MOUNTS}mounts.log"
if [[ ! -s $LOG_SRC ]]; then
  echo "generating $LOG_SRC..." >&2
  python3 "$ROOT/tests/tools/gen_audit.py" --entries $(( SIZE_MB * 1000 * 1000 / 2780 )) --seed 7 \
    --root-every 1000 | python3 -c '
import sys, zlib
mounts = int(sys.argv[1])
out = sys.stdout
for i, line in enumerate(sys.stdin):
    # request and response of one call share the mount: key on the pair index.
    m = "kv-%04d/" % (zlib.crc32(str(i // 2).encode()) % mounts)
    out.write(line.replace("\"mount_point\":\"secret/\"", "\"mount_point\":\"" + m + "\""))
' "$MOUNTS" > "$LOG_SRC.tmp"
  mv "$LOG_SRC.tmp" "$LOG_SRC"
fi
BYTES=$(stat -c %s "$LOG_SRC")
PRIME=$(( $(wc -l < "$LOG_SRC") / 10 ))

mkdir -p "$WORK/vault" "$WORK/state"
head -n "$PRIME" "$LOG_SRC" > "$WORK/vault/audit.log"
tail -n +"$((PRIME + 1))" "$LOG_SRC" > "$WORK/rest.log"
cat > "$WORK/vaultwatch.yaml" <<EOF
vault:
  address: http://127.0.0.1:9
  health_interval: 1h
  leader_interval: 1h
audit:
  path: $WORK/vault/audit.log
  start_at: beginning
  mount_label_limit: $(( MOUNTS + 50 ))
  watch:
    - name: cwiq-shared
      paths: ["secret/data/cwiq/shared/**"]
state_dir: $WORK/state
EOF
bench_start_daemon "$WORK/vaultwatch.yaml"

python3 - "$PORT" "$DAEMON_PID" "$(stat -c %s "$WORK/vault/audit.log")" "$BYTES" "$WORK/rest.log" \
  "$WORK/vault/audit.log" <<'PY'
import http.client, os, subprocess, sys, time
port, pid, primed, total, rest, dst = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
hz = os.sysconf("SC_CLK_TCK")
def cpu():
    f = open("/proc/%s/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / hz
def status(key):
    for l in open("/proc/%s/status" % pid):
        if l.startswith(key):
            return int(l.split()[1])
conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=10)
def scrape(gzip):
    t = time.monotonic()
    conn.request("GET", "/metrics", headers={"Accept-Encoding": "gzip" if gzip else "identity"})
    r = conn.getresponse()
    body = r.read()
    assert r.status == 200, r.status
    return body, time.monotonic() - t
def plain():
    return scrape(False)[0].decode()
def total_of(body, prefix):
    return sum(float(l.rsplit(" ", 1)[1]) for l in body.splitlines() if l.startswith(prefix))
def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(len(v) * p))] * 1e3
deadline = time.monotonic() + 300
while total_of(plain(), "vaultwatch_audit_bytes_total") < primed:
    assert time.monotonic() < deadline, "priming did not finish"
    time.sleep(0.05)
body = plain()
series = sum(1 for l in body.splitlines() if l and not l.startswith("#"))
size = len(body)
gz_size = len(scrape(True)[0])
rss_primed = status("VmRSS:")

# Load: back-to-back scrapes while `cat` appends the rest of the log.
lat = {True: [], False: []}
rss = []
cpu0, t0 = cpu(), time.monotonic()
appender = subprocess.Popen(["cat", rest], stdout=open(dst, "ab"))
i = 0
while True:
    b, dt = scrape(i % 2 == 0)
    lat[i % 2 == 0].append(dt)
    i += 1
    if i % 20 == 0:
        rss.append(status("VmRSS:"))
        if total_of(plain(), "vaultwatch_audit_bytes_total") >= total:
            break
    assert time.monotonic() < deadline + 600, "ingest did not finish"
t1, cpu1 = time.monotonic(), cpu()
appender.wait()
body = plain()
series_end = sum(1 for l in body.splitlines() if l and not l.startswith("#"))

idle = {True: [], False: []}
for i in range(300):
    b, dt = scrape(i % 2 == 0)
    idle[i % 2 == 0].append(dt)
conn.close()
rss_idle = status("VmRSS:")
c0, w0 = cpu(), time.monotonic()
time.sleep(20)
idle_cpu = (cpu() - c0) / (time.monotonic() - w0) * 100

print()
print("host: %d cores, load %s" % (os.cpu_count(), " ".join(open("/proc/loadavg").read().split()[0:3])))
print("series: %d after priming, %d at the end; body %d KiB (%d KiB gzip)" % (series, series_end, size // 1024, gz_size // 1024))
print("ingest under scraping: %d MB in %.1f s (%.0f MB/s wall, %.0f MB per CPU-second)" % (
    (total - primed) / 1e6, t1 - t0, (total - primed) / 1e6 / (t1 - t0), (total - primed) / 1e6 / (cpu1 - cpu0)))
print()
print("| phase | encoding | scrapes | p50 ms | p99 ms | max ms |")
print("|---|---|---|---|---|---|")
for name, d in (("full audit load", lat), ("idle", idle)):
    for gz in (True, False):
        v = d[gz]
        print("| %s | %s | %d | %.2f | %.2f | %.2f |" % (name, "gzip" if gz else "identity", len(v), pct(v, 0.5), pct(v, 0.99), max(v) * 1e3))
print()
print("RSS: %d MiB primed, %d-%d MiB under load, %d MiB after, peak %d MiB; idle CPU %.2f %% of a core (20 s, no scrapes)" % (
    rss_primed // 1024, min(rss) // 1024, max(rss) // 1024, rss_idle // 1024, status("VmHWM:") // 1024, idle_cpu))
PY
