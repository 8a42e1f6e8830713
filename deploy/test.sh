#!/usr/bin/env bash
# Installs what the tests need (Debian packages only), builds, and runs every test: the normal
# build (preset ci), the packager's build and the .deb (preset release, deploy/package.sh), the
# ctest suite, then the later stages (deploy/test-hardening.sh: the suite again under ASan+UBSan,
# each libFuzzer target for a bounded time, the threaded tests under TSan, the README's commands
# on a pristine Debian 12 root). This is the command README.md gives and the one .ci/run runs.
# VW_SKIP_HARDENING=1 stops after the normal suite (a quick local run; CI never sets it);
# VW_HARDENING_STAGES="asan tsan" runs those stages instead (default: asan fuzz tsan pristine).
set -euo pipefail
cd "$(dirname "$0")/.."
export VW_CI_START=${VW_CI_START:-$(date +%s)}
deploy/install-deps.sh
# Preset ci (CMakePresets.json): build/, RelWithDebInfo, -Werror, the tests.
cmake --preset ci
cmake --build --preset ci
# The packager's build: the release preset (Release, warnings not errors) and the .deb from it,
# build/vaultwatch_<version>_<arch>.deb, which the ctest test deploy.debian_package installs.
deploy/package.sh
ctest --preset ci -j "$(nproc)"
if [ "${VW_SKIP_HARDENING:-0}" != 1 ]; then
  # shellcheck disable=SC2086  # a list of stage names
  deploy/test-hardening.sh ${VW_HARDENING_STAGES:-}
fi
