#!/bin/sh
# Runs the decoder fuzzer for a bounded time, seeded with every fixture line.
#   run_fuzz.sh FUZZER FIXTURES_DIR WORK_DIR SECONDS
set -eu
fuzzer=$1; fixtures=$2; work=$3; seconds=$4
mkdir -p "$work/seeds" "$work/corpus"
i=0
for f in "$fixtures/vault/audit_docs_log_mdx.jsonl" \
         "$fixtures/vault/reconstructed/audit_reconstructed_vault_1.17plus.jsonl"; do
  while IFS= read -r line || [ -n "$line" ]; do
    i=$((i + 1))
    printf '%s' "$line" > "$work/seeds/line-$i"
  done < "$f"
done
dict=$(dirname "$0")/audit.dict
exec "$fuzzer" -artifact_prefix="$work/" -max_total_time="$seconds" -max_len=8192 -timeout=30 -rss_limit_mb=1024 \
  -dict="$dict" -print_final_stats=1 "$work/corpus" "$work/seeds"
