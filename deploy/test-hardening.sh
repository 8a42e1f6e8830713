#!/usr/bin/env bash
# The stages CI runs after the normal build and tests (deploy/test.sh calls this):
#   asan  every test again in an ASan+UBSan build (build-asan, gcc, -O1)
#   tsan  the tests that use threads (ctest label `threads`: the fake Vault, the webhook sink,
#         the server test, the daemon tests with their output reader threads) in a TSan build
#         (build-tsan, gcc, -O1)
#   fuzz  every libFuzzer target of tests/fuzz for VW_FUZZ_SECONDS (default 25) each (build-fuzz,
#         clang)
#   pristine  the README's commands (deploy/demo.sh, deploy/test.sh without these stages) on a
#         pristine Debian 12 root made with debootstrap (deploy/test-pristine.sh)
# Usage: deploy/test-hardening.sh [asan] [tsan] [fuzz] [pristine]
#        (no argument = asan, fuzz, tsan, pristine)
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
# The pristine root after them: it checks the packages and the README commands, not the code.
[ ${#stages[@]} -eq 0 ] && stages=(asan fuzz tsan pristine)

# CI has 90 minutes on 2 cores for everything (.ci/run). deploy/test.sh exports VW_CI_START; a
# stage that could not finish in time is skipped with a line saying so rather than letting the
# whole run time out. The latest minute (since VW_CI_START) at which each stage may still start,
# from measured stage times on the 2-core VM (README, Reliability): asan ~30 min, fuzz ~10,
# tsan ~12 (cold builds); pristine ~20 on an idle 2-core machine with the host's ccache and
# package downloads (docs/testing.md, "Pristine root").
declare -A latest_start=([asan]=45 [fuzz]=70 [tsan]=74 [pristine]=66)

# halt_on_error: the first report ends the process (with -fno-sanitize-recover=all UBSan does
# too); detect_leaks: LeakSanitizer at exit, so the daemon's clean stop is checked for leaks.
# Suppressions only for third-party code, each justified in its file.
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=0:detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1:suppressions=$root/tests/sanitizers/asan.supp"
export LSAN_OPTIONS="suppressions=$root/tests/sanitizers/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$root/tests/sanitizers/ubsan.supp"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$root/tests/sanitizers/tsan.supp"

# The trees are the presets of the same names (CMakePresets.json: build-asan and build-tsan with
# gcc at -O1 -g1, build-fuzz with clang); `cmake --preset asan && cmake --build --preset asan &&
# ctest --preset asan` reproduces a stage by hand.

stage_asan() {
  cmake --preset asan
  cmake --build --preset asan
  # Left out under ASan (test preset asan), each for a stated reason:
  # - label `deploy`: shell/promtool/amtool checks of packaging files (no code of ours beyond
  #   --check-config, which the integration tests run too);
  # Not left out: label `soak` runs, with its RSS limits off in this tree (tests/soak/CMakeLists.txt).
  # until-pass:2 (the preset's repetitions): a sanitizer build runs 2-5x slower and a handful of
  # tests wait on the daemon with deadlines sized for a normal build; a second failure still fails CI.
  ctest --preset asan -j "$jobs"
}

stage_tsan() {
  cmake --preset tsan
  # Only what the `threads` tests need (build preset tsan: target thread_tests).
  cmake --build --preset tsan
  ctest --preset tsan -j "$jobs"
}

stage_fuzz() {
  cmake --preset fuzz "-DVW_FUZZ_SECONDS=${VW_FUZZ_SECONDS:-25}"
  cmake --build --preset fuzz
  ctest --preset fuzz -j "$jobs"
}

stage_pristine() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "=== hardening stage pristine SKIPPED: not root (debootstrap, chroot and mounts need root; CI runs as root)"
    return
  fi
  # Bounded by CI's 90 minutes (VW_CI_START, minus a margin for the run's end): a root that is
  # still building when the time is up is stopped (its trap unmounts and removes it) and the stage
  # is reported INCOMPLETE rather than failing the run on time.
  if [ -z "${VW_CI_START:-}" ]; then
    deploy/test-pristine.sh
    return
  fi
  local budget=$(( 80 * 60 - ($(date +%s) - VW_CI_START) ))
  if [ "$budget" -le 0 ]; then
    echo "=== hardening stage pristine SKIPPED: no time left before CI's limit"
    return
  fi
  local rc=0
  timeout --signal=TERM --kill-after=300 "$budget" deploy/test-pristine.sh || rc=$?
  if [ "$rc" -eq 124 ]; then
    echo "=== hardening stage pristine INCOMPLETE: stopped after ${budget} s at CI's time limit (nothing failed before that)"
    return
  fi
  return "$rc"
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
