#!/usr/bin/env bash
# Installs what the tests need (Debian packages only), builds, and runs every test: the normal
# build and its ctest suite, then the hardening stages (deploy/test-hardening.sh: the suite again
# under ASan+UBSan, each libFuzzer target for a bounded time, the threaded tests under TSan).
# This is the command README.md gives and the one .ci/run runs.
# VW_SKIP_HARDENING=1 stops after the normal suite (a quick local run; CI never sets it);
# VW_HARDENING_STAGES="asan tsan" runs those stages instead (default: asan fuzz tsan).
set -euo pipefail
cd "$(dirname "$0")/.."
export VW_CI_START=${VW_CI_START:-$(date +%s)}
deploy/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVW_BUILD_TESTS=ON
cmake --build build
ctest --test-dir build --output-on-failure --timeout 300 -j "$(nproc)"
if [ "${VW_SKIP_HARDENING:-0}" != 1 ]; then
  # shellcheck disable=SC2086  # a list of stage names
  deploy/test-hardening.sh ${VW_HARDENING_STAGES:-}
fi
