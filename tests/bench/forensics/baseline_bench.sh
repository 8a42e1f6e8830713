#!/usr/bin/env bash
# `vaultwatch baseline build` throughput (issue 14.4: at search speed, >= 500 MB/s), beside
# `audit search` on the same file in the same run.
#
#   tests/bench/forensics/baseline_bench.sh [BUILD_DIR] [SIZE_MB]     # defaults: build 1000
#   VW_BENCH_LOG=/path/audit.log ...   your own log;  VW_BENCH_REPS=5 ...  runs per command (3)
#
# The log is tests/tools/gen_audit.py's (bench_log, shared with search_bench.sh and
# audit_ingest.sh). The configuration has the behavioural rules of the built-in set (those
# `baseline build` feeds) and a state_dir under the work directory. Rows: best wall time of
# REPS runs and that run's CPU time, so "MB per CPU-second" is what one core does on a loaded
# machine.
set -euo pipefail

BUILD=${1:-build}
SIZE_MB=${2:-1000}
REPS=${VW_BENCH_REPS:-3}
source "$(dirname "$0")/../bench_lib.sh"
bench_init "$BUILD" vw-baseline

LOG=${VW_BENCH_LOG:-}
[[ -n $LOG ]] || LOG=$(bench_log "$SIZE_MB")
GZ=$(bench_gz "$LOG")
BYTES=$(stat -c %s "$LOG")
cat "$LOG" "$GZ" > /dev/null

CONFIG="$WORK/vaultwatch.yaml"
printf 'audit:\n  path: ""\nrules_files: []\nstate_dir: %s\n' "$WORK/state" > "$CONFIG"

printf '| command | MB/s (wall) | MB per CPU-second | wall s | CPU s |\n|---|---|---|---|---|\n'
bench_run "vaultwatch baseline build (built-in behavioural rules)" "$REPS" \
  "'$BIN' baseline build --quiet --config.file='$CONFIG' '$LOG'"
bench_run "vaultwatch audit search --remote=10.1.0.0/16 --operation=list (every line decoded)" "$REPS" \
  "'$BIN' audit search --quiet --format=json --remote=10.1.0.0/16 --operation=list '$LOG' > /dev/null"
bench_run "vaultwatch baseline build on the .gz (uncompressed MB/s)" "$REPS" \
  "'$BIN' baseline build --quiet --config.file='$CONFIG' '$GZ'"
echo
"$BIN" baseline build --config.file="$CONFIG" "$LOG" 2>&1 | sed 's/^/    /'
echo
echo "log: $LOG ($BYTES bytes, $(wc -l < "$LOG") lines); $(nproc) CPUs; load: $(cut -d' ' -f1-3 /proc/loadavg)"
