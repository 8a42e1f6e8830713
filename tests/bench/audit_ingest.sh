#!/usr/bin/env bash
# End-to-end audit ingest benchmark (SPEC §9: >= 500 MB/s on one core through the running
# daemon, RSS flat while ingesting), with two yardsticks on the same file:
#   - mtail (Debian package) counting the same fields (type, operation, mount_point, errors,
#     root policy) with regexes, in --one_shot mode;
#   - the simdjson ceiling, tests/tools/parse_limit.cpp (built as its header says), which loads
#     the whole file and pulls the same fields out with a document stream.
#
#   tests/bench/audit_ingest.sh [BUILD_DIR] [SIZE_MB]      # defaults: build 500
#   VW_BENCH_NICE=-10 tests/bench/audit_ingest.sh           # on a shared machine: the same
#                                                           # priority for all three measured
#
# Prints a Markdown table. Numbers are from the daemon's own counters
# (vaultwatch_audit_bytes_total, vaultwatch_audit_entries_total) and its /proc CPU time, so the
# "per CPU-second" column is what one core does even on a shared machine.
set -euo pipefail

BUILD=${1:-build}
NICE=(nice -n "${VW_BENCH_NICE:-0}")
SIZE_MB=${2:-500}
source "$(dirname "$0")/bench_lib.sh"
bench_init "$BUILD" vw-ingest
LOG_SRC=$(bench_log "$SIZE_MB")
BYTES=$(stat -c %s "$LOG_SRC")
LINES=$(wc -l < "$LOG_SRC")

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

# ---- vaultwatch ------------------------------------------------------------------------------
mkdir -p "$WORK/vault" "$WORK/state"
: > "$WORK/vault/audit.log"
cat > "$WORK/vaultwatch.yaml" <<EOF
vault:
  address: http://127.0.0.1:9
  health_interval: 1h
  leader_interval: 1h
audit:
  path: $WORK/vault/audit.log
  start_at: beginning
  watch:
    - name: cwiq-shared
      paths: ["secret/data/cwiq/shared/**"]
state_dir: $WORK/state
EOF
bench_start_daemon "$WORK/vaultwatch.yaml" "${NICE[@]}"
RSS_IDLE=$(rss_kb $DAEMON_PID)
# The measurement runs in one python process (no fork per sample): it starts the appender, polls
# /metrics every 10 ms until the daemon has read every byte, and records the daemon's CPU time,
# RSS and how long each scrape took while it was ingesting.
read -r WALL CPU ENTRIES ERRORS RSS_MIN RSS_MAX RSS_PEAK SCRAPES SCRAPE_P50 SCRAPE_P99 SCRAPE_MAX < <(
  "${NICE[@]}" python3 - "$PORT" "$DAEMON_PID" "$BYTES" "$LOG_SRC" "$WORK/vault/audit.log" <<'PY'
import os, subprocess, sys, time, urllib.request
port, pid, total, src, dst = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
hz = os.sysconf("SC_CLK_TCK")
def cpu():
    f = open("/proc/%s/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / hz
def status(key):
    for l in open("/proc/%s/status" % pid):
        if l.startswith(key):
            return int(l.split()[1])
def scrape():
    t = time.monotonic()
    body = urllib.request.urlopen("http://127.0.0.1:%s/metrics" % port, timeout=10).read().decode()
    return body, time.monotonic() - t
def total_of(body, prefix):
    return sum(float(l.rsplit(" ", 1)[1]) for l in body.splitlines() if l.startswith(prefix))
cpu0, t0 = cpu(), time.monotonic()
# Appends the whole log in 128 KiB writes, far faster than Vault ever writes.
appender = subprocess.Popen(["cat", src], stdout=open(dst, "ab"))
rss, lat = [], []
while True:
    body, dt = scrape()
    lat.append(dt)
    rss.append(status("VmRSS:"))
    if total_of(body, "vaultwatch_audit_bytes_total") >= total:
        break
    time.sleep(0.01)
t1, cpu1 = time.monotonic(), cpu()
appender.wait()
body, _ = scrape()
lat.sort()
print("%.3f %.3f %d %d %d %d %d %d %.1f %.1f %.1f" % (
    t1 - t0, cpu1 - cpu0, total_of(body, "vaultwatch_audit_entries_total"),
    total_of(body, "vaultwatch_audit_decode_errors_total"), min(rss), max(rss), status("VmHWM:"),
    len(lat), lat[len(lat) // 2] * 1e3, lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1e3, lat[-1] * 1e3))
PY
)
kill $DAEMON_PID; wait $DAEMON_PID 2>/dev/null || true; DAEMON_PID=""

# ---- mtail -------------------------------------------------------------------------------------
mkdir -p "$WORK/progs"
cat > "$WORK/progs/audit.mtail" <<'EOF'
# The same fields the daemon counts: entries by type/operation/mount_point, errors, root use.
counter audit_entries by type, operation, mount_point
counter audit_errors
counter audit_root
/"type":"(?P<type>request|response)".*"operation":"(?P<operation>[a-z-]+)".*"mount_point":"(?P<mount_point>[^"]*)"/ {
  audit_entries[$type][$operation][$mount_point]++
}
/"error":"/ {
  audit_errors++
}
/"policies":\[[^\]]*"root"/ {
  audit_root++
}
EOF
# timed OUT_FILE CMD...: runs CMD with stdout to OUT_FILE; prints "wall cpu maxrss_kb" (python
# reads the child's rusage, no extra packages needed).
timed() {
  python3 - "$@" <<'PY'
import resource, subprocess, sys, time
out, cmd = sys.argv[1], sys.argv[2:]
t0 = time.monotonic()
with open(out, "w") as o:
    subprocess.run(cmd, stdout=o, stderr=subprocess.STDOUT)
wall = time.monotonic() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.3f %.3f %d" % (wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss))
PY
}
read -r MT_WALL MT_CPU MT_RSS < <(timed "$WORK/mtail.out" "${NICE[@]}" mtail --one_shot --one_shot_format=prometheus \
  --progs "$WORK/progs" --logs "$LOG_SRC" --logtostderr)
MT_ENTRIES=$(awk '/^audit_entries\{/ {s += $NF} END {printf "%.0f\n", s}' "$WORK/mtail.out")

# ---- simdjson ceiling ----------------------------------------------------------------------------
g++ -O2 -std=c++20 -o "$WORK/parse_limit" "$ROOT/tests/tools/parse_limit.cpp" -lsimdjson
read -r PL_WALL PL_CPU PL_RSS < <(timed "$WORK/parse_limit.out" "${NICE[@]}" "$WORK/parse_limit" "$LOG_SRC")
PL=$(cat "$WORK/parse_limit.out")
PL_PARSE_S=$(sed -n 's/.*parse_s=\([0-9.]*\).*/\1/p' <<< "$PL")

mb() { awk -v b="$BYTES" -v s="$1" 'BEGIN {printf "%.0f", b / 1e6 / s}'; }
per() { awk -v n="$1" -v s="$2" 'BEGIN {printf "%.0f", n / s}'; }

echo
echo "input: $LOG_SRC, $((BYTES / 1000000)) MB, $LINES lines; host: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), nice ${VW_BENCH_NICE:-0}"
echo
echo "| what | MB/s (wall) | MB per CPU-second | entries/s per CPU-second | notes |"
echo "|---|---|---|---|---|"
echo "| vaultwatch, end to end (tail + decode + classify + count) | $(mb "$WALL") | $(mb "$CPU") | $(per "$ENTRIES" "$CPU") | $ENTRIES entries, $ERRORS decode errors; RSS idle $((RSS_IDLE / 1024)) MiB, while ingesting $((RSS_MIN / 1024))-$((RSS_MAX / 1024)) MiB, peak $((RSS_PEAK / 1024)) MiB; $SCRAPES /metrics scrapes while ingesting: median ${SCRAPE_P50} ms, p99 ${SCRAPE_P99} ms, max ${SCRAPE_MAX} ms |"
echo "| mtail --one_shot, same fields by regex | $(mb "$MT_WALL") | $(mb "$MT_CPU") | $(per "$MT_ENTRIES" "$MT_CPU") | $MT_ENTRIES entries matched; max RSS $((MT_RSS / 1024)) MiB |"
echo "| simdjson ceiling (tests/tools/parse_limit.cpp, -O2) | $(mb "$PL_WALL") | $(mb "$PL_CPU") | $(per "$LINES" "$PL_CPU") | whole file in memory first; parse phase alone $(mb "$PL_PARSE_S") MB/s; RSS $((PL_RSS / 1024)) MiB |"
