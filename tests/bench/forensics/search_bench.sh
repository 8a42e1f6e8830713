#!/usr/bin/env bash
# `vaultwatch audit search` / `audit stats` throughput (SPEC §9: >= 500 MB/s over a 1 GB plain
# log), beside jq and grep on the same file.
#
#   tests/bench/forensics/search_bench.sh [BUILD_DIR] [SIZE_MB]     # defaults: build 1000
#   VW_BENCH_LOG=/path/audit.log tests/bench/forensics/search_bench.sh build   # your own log
#   VW_BENCH_REPS=5 ...                                             # runs per command (default 3)
#
# The log comes from tests/tools/gen_audit.py (old key layout, seed 42, a root token every 1000
# calls; the same file tests/bench/audit_ingest.sh uses, cached in $VW_BENCH_CACHE). The file is
# read once first so every command starts from the page cache. Each command runs VW_BENCH_REPS
# times (jq once: it is ~20x slower); the table shows the best wall time and that run's CPU
# time (user + sys), so "MB per CPU-second" is what one core does even on a loaded machine.
#
# The commands (SELECT is a secret's path prefix, ~7.5 % of the lines):
#   vaultwatch selective   audit search --format=json --path="$SELECT**"        > /dev/null
#   vaultwatch match-all   audit search --format=json                           > /dev/null
#   vaultwatch no literal  audit search --format=json --remote=... --operation=list > /dev/null
#   vaultwatch stats       audit stats                                          > /dev/null
#   jq selective           jq -c 'select(.request.path|startswith("$SELECT"))'  > /dev/null
#   grep -F -c             grep -F -c "$SELECT" | cat > /dev/null  (through a pipe: GNU grep
#                                                  stops at the first match when its output
#                                                  is /dev/null, even with -c)
#   vaultwatch .gz         audit search --format=json --path=... on `gzip -6` of the log
#   zcat                   zcat LOG.gz > /dev/null (the decompression alone)
# grep is a yardstick, not an equivalent: it matches the string anywhere in the line, decodes
# nothing, and cannot filter by identity, time, CIDR or error.
set -euo pipefail

BUILD=${1:-build}
SIZE_MB=${2:-1000}
REPS=${VW_BENCH_REPS:-3}
source "$(dirname "$0")/../bench_lib.sh"
bench_init "$BUILD" vw-search
SELECT="secret/data/cwiq/shared/billing/"

LOG=${VW_BENCH_LOG:-}
[[ -n $LOG ]] || LOG=$(bench_log "$SIZE_MB")
GZ=$(bench_gz "$LOG")
BYTES=$(stat -c %s "$LOG")
cat "$LOG" > /dev/null
cat "$GZ" > /dev/null

printf '| command | MB/s (wall) | MB per CPU-second | wall s | CPU s |\n|---|---|---|---|---|\n'
run() { bench_run "$@"; }

run "vaultwatch audit search --path (selective, json)" "$REPS" \
  "'$BIN' audit search --quiet --format=json --path='${SELECT}**' '$LOG' > /dev/null"
run "vaultwatch audit search (match-all, json)" "$REPS" \
  "'$BIN' audit search --quiet --format=json '$LOG' > /dev/null"
run "vaultwatch audit search --identity=billing --errors (table)" "$REPS" \
  "'$BIN' audit search --quiet --identity=billing --errors '$LOG' > /dev/null"
run "vaultwatch audit search --remote=10.1.0.0/16 --operation=list (no pre-filter: every line decoded, json)" "$REPS" \
  "'$BIN' audit search --quiet --format=json --remote=10.1.0.0/16 --operation=list '$LOG' > /dev/null"
run "vaultwatch audit stats" "$REPS" "'$BIN' audit stats --quiet '$LOG' > /dev/null"
run "grep -F -c (substring count, no decoding)" "$REPS" "grep -F -c '$SELECT' '$LOG' | cat > /dev/null"
run "jq -c 'select(.request.path|startswith(...))'" 1 \
  "jq -c 'select(.request.path|startswith(\"$SELECT\"))' '$LOG' > /dev/null"
# For gzip the MB/s are of the uncompressed log, so the rows compare with the plain ones.
run "vaultwatch audit search --path on the .gz (uncompressed MB/s)" "$REPS" \
  "'$BIN' audit search --quiet --format=json --path='${SELECT}**' '$GZ' > /dev/null"
run "zcat .gz > /dev/null (uncompressed MB/s)" "$REPS" "zcat '$GZ' > /dev/null"
echo
echo "log: $LOG ($BYTES bytes, $(wc -l < "$LOG") lines); gzip: $(stat -c %s "$GZ") bytes; $(nproc) CPUs; load: $(cut -d' ' -f1-3 /proc/loadavg)"
