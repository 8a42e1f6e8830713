#!/bin/sh
# Runs one libFuzzer target for a bounded time:
#   run_fuzz.sh NAME FUZZER WORK_DIR SECONDS
# Starts from the kept corpus (tests/fuzz/corpus/NAME, read only here) plus seeds cut from the
# fixtures, config/ and deploy/; new interesting inputs go to WORK_DIR/new, a crash, leak or
# timeout to WORK_DIR/crash-* (and the exit status is non-zero). To grow the kept corpus after
# a long run:  FUZZER -merge=1 tests/fuzz/corpus/NAME WORK_DIR/new
# The random seed is fixed (VW_FUZZ_SEED, default 1) so that a CI run is reproducible: the
# same commit explores the same inputs in the same order, and CI cannot turn red on a change
# that did not touch what it fuzzes. Hunting for new findings is a long local run with
# VW_FUZZ_SEED=0 (libFuzzer picks a random seed and prints it).
set -eu
name=$1; fuzzer=$2; work=$3; seconds=$4
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
fx=$root/tests/fixtures
rm -rf "$work"
mkdir -p "$work/seeds" "$work/new"

seed_file() { [ -f "$1" ] && cp "$1" "$work/seeds/$(echo "$1" | tr / _)"; return 0; }
seed_lines() {
  i=0
  while IFS= read -r line || [ -n "$line" ]; do
    i=$((i + 1))
    printf '%s' "$line" > "$work/seeds/$(basename "$1")-$i"
  done < "$1"
}

max_len=16384
case $name in
  audit_decode)
    seed_lines "$fx/vault/audit_docs_log_mdx.jsonl"
    seed_lines "$fx/vault/reconstructed/audit_reconstructed_vault_1.17plus.jsonl"
    seed_lines "$fx/vault/audit_kmip_elastic_integrations.jsonl"
    seed_lines "$fx/vault/audit_remote_port_vault_pr12790.jsonl"
    seed_lines "$fx/vault/reconstructed/audit_shapes_reconstructed.jsonl"
    max_len=8192 ;;
  prom_text)
    for f in "$fx"/vault/metrics_prometheus_*.txt "$fx"/vault/reconstructed/metrics_prometheus_*.txt; do
      seed_file "$f"; done
    max_len=65536 ;;
  vault_decode)
    for f in "$fx"/vault/*.json "$fx"/vault/reconstructed/*.json; do seed_file "$f"; done ;;
  config_load)
    seed_file "$root/config/vaultwatch.yaml"
    seed_file "$root/deploy/package/vaultwatch.yaml" ;;
  rules_load)
    seed_file "$root/config/rules.yaml" ;;
  http_server)
    max_len=8192 ;;
  *) echo "unknown fuzz target $name" >&2; exit 2 ;;
esac

dict=
[ -f "$here/$name.dict" ] && dict="-dict=$here/$name.dict"
# -rss_limit_mb: a leak or unbounded growth is a finding too. -timeout: one input taking
# longer than this is a hang.
exec "$fuzzer" -seed="${VW_FUZZ_SEED:-1}" -artifact_prefix="$work/" -max_total_time="$seconds" -max_len="$max_len" \
  -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 $dict \
  "$work/new" "$here/corpus/$name" "$work/seeds"
