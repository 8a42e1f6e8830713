#!/usr/bin/env bash
# The hardening stages CI runs after the normal build and tests (deploy/test.sh calls this):
#   asan  every test again in an ASan+UBSan build (build-asan, gcc, -O1)
#   tsan  the tests that use threads (ctest label `threads`: the fake Vault, the webhook sink,
#         the server test, the daemon tests with their output reader threads) in a TSan build
#         (build-tsan, gcc, -O1)
#   fuzz  every libFuzzer target of tests/fuzz for VW_FUZZ_SECONDS (default 25) each (build-fuzz,
#         clang)
# Usage: deploy/test-hardening.sh [asan] [tsan] [fuzz]     (no argument = asan, fuzz, tsan)
# Any sanitizer report fails the test that produced it (halt_on_error, and the test sees the
# non-zero exit of the binary or of the daemon it started). Expects deploy/install-deps.sh to
# have run. Prints each stage's wall time.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jobs=$(nproc)
stages=("$@")
# Order: the longest and widest first; TSan last (gcc 12 builds it with -Wno-tsan: TSan does not
# model the atomic_thread_fence Asio's handler invocation uses, see cmake/options.cmake).
[ ${#stages[@]} -eq 0 ] && stages=(asan fuzz tsan)

# CI has 90 minutes on 2 cores for everything (.ci/run). deploy/test.sh exports VW_CI_START; a
# stage that could not finish in time is skipped with a line saying so rather than letting the
# whole run time out. The latest minute (since VW_CI_START) at which each stage may still start,
# from measured stage times on the 2-core VM (README, Reliability): asan ~30 min, fuzz ~10,
# tsan ~12 (cold builds).
declare -A latest_start=([asan]=45 [fuzz]=70 [tsan]=74)

# halt_on_error: the first report ends the process (with -fno-sanitize-recover=all UBSan does
# too); detect_leaks: LeakSanitizer at exit, so the daemon's clean stop is checked for leaks.
# Suppressions only for third-party code, each justified in its file.
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=0:detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1:suppressions=$root/tests/sanitizers/asan.supp"
export LSAN_OPTIONS="suppressions=$root/tests/sanitizers/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$root/tests/sanitizers/ubsan.supp"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$root/tests/sanitizers/tsan.supp"

# -O1: close to full speed under the sanitizers at a fraction of -O2's compile time; -g1: line
# tables for the reports.
sanitizer_flags=(-G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1"
                 -DVW_BUILD_TESTS=ON)

stage_asan() {
  cmake -S . -B build-asan "${sanitizer_flags[@]}" -DVW_SANITIZE=address,undefined
  cmake --build build-asan
  # Left out under ASan, each for a stated reason:
  # - label `deploy`: shell/promtool/amtool checks of packaging files (no code of ours beyond
  #   --check-config, which the integration tests run too);
  # Not left out: label `soak` runs, with its RSS limits off in this tree (tests/soak/CMakeLists.txt).
  # --repeat until-pass:2: a sanitizer build runs 2-5x slower and a handful of tests wait on the
  # daemon with deadlines sized for a normal build; a second failure still fails CI.
  ctest --test-dir build-asan --output-on-failure --timeout 300 -j "$jobs" -LE deploy \
    --repeat until-pass:2
}

stage_tsan() {
  cmake -S . -B build-tsan "${sanitizer_flags[@]}" -DVW_SANITIZE=thread
  # Only what the `threads` tests need: their executables (which pull in the daemon).
  cmake --build build-tsan --target thread_tests
  ctest --test-dir build-tsan --output-on-failure --timeout 300 -j "$jobs" -L threads --repeat until-pass:2
}

stage_fuzz() {
  CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVW_FUZZ=ON \
    "-DVW_FUZZ_SECONDS=${VW_FUZZ_SECONDS:-25}"
  cmake --build build-fuzz
  ctest --test-dir build-fuzz --output-on-failure -j "$jobs" -L fuzz
}

for s in "${stages[@]}"; do
  start=$(date +%s)
  if [ -n "${VW_CI_START:-}" ]; then
    elapsed=$(( (start - VW_CI_START) / 60 ))
    if [ "$elapsed" -gt "${latest_start[$s]}" ]; then
      echo "=== hardening stage $s SKIPPED: ${elapsed} min into the run, later than its ${latest_start[$s]}-min start limit"
      continue
    fi
  fi
  echo "=== hardening stage: $s"
  "stage_$s"
  echo "=== hardening stage $s: $(( $(date +%s) - start )) s"
done
