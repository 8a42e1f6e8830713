#!/usr/bin/env bash
# Installs what the tests need (Debian packages only), builds, and runs every test.
# This is the command README.md gives and the one .ci/run runs.
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVW_BUILD_TESTS=ON
cmake --build build
ctest --test-dir build --output-on-failure --timeout 300 -j "$(nproc)"
