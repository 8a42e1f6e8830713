#!/usr/bin/env bash
# End-to-end audit ingest benchmark (SPEC §9: >= 500 MB/s on one core through the running
# daemon, RSS flat while ingesting), with two yardsticks on the same file:
#   - mtail (Debian package) counting the same fields (type, operation, mount_point, errors,
#     root policy) with regexes, in --one_shot mode;
#   - the simdjson ceiling, tests/tools/parse_limit.cpp (built as its header says), which loads
#     the whole file and pulls the same fields out with a document stream.
#
#   tests/bench/audit_ingest.sh [BUILD_DIR] [SIZE_MB]      # defaults: build 500
#
# Prints a Markdown table. Numbers are from the daemon's own counters
# (vaultwatch_audit_bytes_total, vaultwatch_audit_entries_total) and its /proc CPU time, so the
# "per CPU-second" column is what one core does even on a shared machine.
set -euo pipefail

BUILD=${1:-build}
SIZE_MB=${2:-500}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=$(cd "$BUILD" && pwd)/daemon/vaultwatch
[[ -x $BIN ]] || { echo "no daemon at $BIN: build first" >&2; exit 2; }
WORK=$(mktemp -d /tmp/vw-ingest.XXXXXX)
CACHE=${VW_BENCH_CACHE:-/tmp/vw-bench-cache}
mkdir -p "$CACHE"
DAEMON_PID=""
cleanup() {
  [[ -n $DAEMON_PID ]] && kill "$DAEMON_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# ~2.8 KB per request/response pair (old key layout, realistic fields, 1% permission denied,
# root token every 1000 calls).
PAIRS=$(( SIZE_MB * 1000 * 1000 / 2780 ))
LOG_SRC="$CACHE/audit-${SIZE_MB}MB.log"
if [[ ! -s $LOG_SRC ]]; then
  echo "generating $LOG_SRC ($PAIRS request/response pairs)..." >&2
  python3 "$ROOT/tests/tools/gen_audit.py" --entries "$PAIRS" --seed 42 --root-every 1000 > "$LOG_SRC.tmp"
  mv "$LOG_SRC.tmp" "$LOG_SRC"
fi
BYTES=$(stat -c %s "$LOG_SRC")
LINES=$(wc -l < "$LOG_SRC")

cpu_seconds() {  # utime + stime of a pid, in seconds
  awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat"
}
metric() {  # metric NAME_PREFIX: sum of matching samples from /metrics
  curl -s "http://127.0.0.1:$PORT/metrics" | awk -v p="$1" 'index($0, p) == 1 {s += $NF} END {printf "%.0f\n", s}'
}
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }

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
"$BIN" --config.file="$WORK/vaultwatch.yaml" --web.listen-address=127.0.0.1:0 > "$WORK/daemon.log" 2>&1 &
DAEMON_PID=$!
for _ in $(seq 200); do
  PORT=$(sed -n 's/.*listening: address=127.0.0.1:\([0-9]*\).*/\1/p' "$WORK/daemon.log")
  [[ -n $PORT ]] && break
  sleep 0.05
done
[[ -n ${PORT:-} ]] || { cat "$WORK/daemon.log" >&2; exit 1; }
RSS_IDLE=$(rss_kb $DAEMON_PID)
CPU0=$(cpu_seconds $DAEMON_PID)
T0=$(date +%s.%N)
# Append the whole log (cat writes in 128 KiB pieces, far faster than Vault ever writes).
cat "$LOG_SRC" >> "$WORK/vault/audit.log" &
CAT_PID=$!
RSS_SAMPLES=()
SCRAPE_TIMES=()
while :; do
  # One scrape per turn: the bytes read so far and how long /metrics took under the ingest load.
  OUT=$(curl -s -w '\nSCRAPE_TIME %{time_total}\n' "http://127.0.0.1:$PORT/metrics")
  READ=$(awk 'index($0, "vaultwatch_audit_bytes_total") == 1 {printf "%.0f", $NF}' <<< "$OUT")
  SCRAPE_TIMES+=("$(sed -n 's/^SCRAPE_TIME //p' <<< "$OUT")")
  RSS_SAMPLES+=("$(rss_kb $DAEMON_PID)")
  [[ ${READ:-0} -ge $BYTES ]] && break
  sleep 0.02
done
T1=$(date +%s.%N)
CPU1=$(cpu_seconds $DAEMON_PID)
wait $CAT_PID
ENTRIES=$(metric vaultwatch_audit_entries_total)
ERRORS=$(metric vaultwatch_audit_decode_errors_total)
RSS_END=$(rss_kb $DAEMON_PID)
RSS_PEAK=$(hwm_kb $DAEMON_PID)
kill $DAEMON_PID; wait $DAEMON_PID 2>/dev/null || true; DAEMON_PID=""

calc() { awk "BEGIN {printf \"%.3f\", $1}"; }
WALL=$(calc "$T1 - $T0")
CPU=$(calc "$CPU1 - $CPU0")
# RSS spread while ingesting (min/max of the samples taken every 20 ms).
RSS_MIN=$(printf '%s\n' "${RSS_SAMPLES[@]}" | sort -n | head -1)
RSS_MAX=$(printf '%s\n' "${RSS_SAMPLES[@]}" | sort -n | tail -1)
SCRAPES=${#SCRAPE_TIMES[@]}
SCRAPE_P50=$(printf '%s\n' "${SCRAPE_TIMES[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)] * 1000}')
SCRAPE_MAX=$(printf '%s\n' "${SCRAPE_TIMES[@]}" | sort -n | tail -1 | awk '{printf "%.1f", $1 * 1000}')

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
read -r MT_WALL MT_CPU MT_RSS < <(timed "$WORK/mtail.out" mtail --one_shot --one_shot_format=prometheus \
  --progs "$WORK/progs" --logs "$LOG_SRC" --logtostderr)
MT_ENTRIES=$(awk '/^audit_entries\{/ {s += $NF} END {printf "%.0f\n", s}' "$WORK/mtail.out")

# ---- simdjson ceiling ----------------------------------------------------------------------------
g++ -O2 -std=c++20 -o "$WORK/parse_limit" "$ROOT/tests/tools/parse_limit.cpp" -lsimdjson
read -r PL_WALL PL_CPU PL_RSS < <(timed "$WORK/parse_limit.out" "$WORK/parse_limit" "$LOG_SRC")
PL=$(cat "$WORK/parse_limit.out")
PL_PARSE_S=$(sed -n 's/.*parse_s=\([0-9.]*\).*/\1/p' <<< "$PL")

mb() { awk -v b="$BYTES" -v s="$1" 'BEGIN {printf "%.0f", b / 1e6 / s}'; }
per() { awk -v n="$1" -v s="$2" 'BEGIN {printf "%.0f", n / s}'; }

echo
echo "input: $LOG_SRC, $((BYTES / 1000000)) MB, $LINES lines; host: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| what | MB/s (wall) | MB per CPU-second | entries/s per CPU-second | notes |"
echo "|---|---|---|---|---|"
echo "| vaultwatch, end to end (tail + decode + classify + count) | $(mb "$WALL") | $(mb "$CPU") | $(per "$ENTRIES" "$CPU") | $ENTRIES entries, $ERRORS decode errors; RSS idle $((RSS_IDLE / 1024)) MiB, while ingesting $((RSS_MIN / 1024))-$((RSS_MAX / 1024)) MiB, peak $((RSS_PEAK / 1024)) MiB; $SCRAPES /metrics scrapes while ingesting: median ${SCRAPE_P50} ms, max ${SCRAPE_MAX} ms |"
echo "| mtail --one_shot, same fields by regex | $(mb "$MT_WALL") | $(mb "$MT_CPU") | $(per "$MT_ENTRIES" "$MT_CPU") | $MT_ENTRIES entries matched; max RSS $((MT_RSS / 1024)) MiB |"
echo "| simdjson ceiling (tests/tools/parse_limit.cpp, -O2) | $(mb "$PL_WALL") | $(mb "$PL_CPU") | $(per "$LINES" "$PL_CPU") | whole file in memory first; parse phase alone $(mb "$PL_PARSE_S") MB/s; RSS $((PL_RSS / 1024)) MiB |"
