# Shared by the shell benchmarks in tests/bench/ (sourced, not run).
#   bench_init BUILD_DIR WORK_PREFIX   sets ROOT, BIN (the daemon), WORK (removed on exit), CACHE
#   bench_log SIZE_MB [SEED]           prints the path of a cached gen_audit.py log of ~SIZE_MB
#   bench_start_daemon CONFIG [CMD_PREFIX...]
#                                      starts the daemon (sets DAEMON_PID, killed on exit) and
#                                      waits for its "listening" line (sets PORT)
#   bench_gz LOG                       prints the path of a cached `gzip -6` copy of LOG
#   bench_run NAME REPS CMD...         a "| command | MB/s | MB per CPU-s | wall | CPU |" row

bench_init() {
  ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  BIN=$(cd "$1" && pwd)/daemon/vaultwatch
  [[ -x $BIN ]] || { echo "no daemon at $BIN: build first" >&2; exit 2; }
  WORK=$(mktemp -d "/tmp/$2.XXXXXX")
  CACHE=${VW_BENCH_CACHE:-/tmp/vw-bench-cache}
  mkdir -p "$CACHE"
  DAEMON_PID=""
  trap bench_cleanup EXIT
}

bench_cleanup() {
  [[ -n ${DAEMON_PID:-} ]] && kill "$DAEMON_PID" 2>/dev/null || true
  rm -rf "$WORK"
}

# ~2.8 KB per request/response pair (old key layout, realistic fields, 1% permission denied,
# root token every 1000 calls).
bench_log() {
  local size_mb=$1 seed=${2:-42}
  local pairs=$(( size_mb * 1000 * 1000 / 2780 ))
  local log="$CACHE/audit-${size_mb}MB.log"
  [[ $seed == 42 ]] || log="$CACHE/audit-${size_mb}MB-seed${seed}.log"
  if [[ ! -s $log ]]; then
    echo "generating $log ($pairs request/response pairs)..." >&2
    python3 "$ROOT/tests/tools/gen_audit.py" --entries "$pairs" --seed "$seed" --root-every 1000 > "$log.tmp"
    mv "$log.tmp" "$log"
  fi
  echo "$log"
}

bench_start_daemon() {
  local config=$1
  shift
  "$@" "$BIN" --config.file="$config" --web.listen-address=127.0.0.1:0 > "$WORK/daemon.log" 2>&1 &
  DAEMON_PID=$!
  PORT=""
  for _ in $(seq 200); do
    PORT=$(sed -n 's/.*listening: address=127.0.0.1:\([0-9]*\).*/\1/p' "$WORK/daemon.log")
    [[ -n $PORT ]] && break
    sleep 0.05
  done
  [[ -n $PORT ]] || { cat "$WORK/daemon.log" >&2; exit 1; }
}

# bench_run NAME REPS CMD...: one table row: the best wall time of REPS runs of CMD (through
# bash -c, stdout discarded), with that run's user+sys CPU time, as MB/s over BYTES (set by the
# caller: the size of the log the commands read).
bench_run() {
  local name=$1 reps=$2
  shift 2
  local times="$WORK/times" best_wall="" best_cpu=""
  for _ in $(seq "$reps"); do
    /usr/bin/time -o "$times" -f "%e %U %S" bash -c "$*" > /dev/null
    read -r wall user sys < <(tail -n 1 "$times")
    local cpu
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
    if [[ -z $best_wall ]] || awk -v a="$wall" -v b="$best_wall" 'BEGIN { exit !(a < b) }'; then
      best_wall=$wall
      best_cpu=$cpu
    fi
  done
  awk -v n="$name" -v b="$BYTES" -v w="$best_wall" -v c="$best_cpu" 'BEGIN {
    printf "| %s | %.0f | %.0f | %.2f | %.2f |\n", n, (w > 0 ? b / 1e6 / w : 0), (c > 0 ? b / 1e6 / c : 0), w, c }'
}

bench_gz() {
  local gz="$CACHE/$(basename "$1").gz"
  if [[ ! -s $gz || $gz -ot $1 ]]; then
    echo "compressing $gz..." >&2
    gzip -6 -c "$1" > "$gz.tmp" && mv "$gz.tmp" "$gz"
  fi
  echo "$gz"
}
