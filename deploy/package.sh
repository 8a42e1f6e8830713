#!/usr/bin/env bash
# Builds the Debian package in one command: installs the build packages (Debian 12 archive only),
# then configures, builds and packages the release preset (CMakePresets.json: build-release/,
# Release, warnings not errors, no tests) into build/vaultwatch_<version>_<arch>.deb.
#
#   deploy/package.sh
#   sudo apt install ./build/vaultwatch_*_amd64.deb      # then see the install guide
#
# Incremental: a second run rebuilds only what changed and packages again. deploy/test.sh runs it
# (so CI builds the release preset), and the ctest test deploy.debian_package inspects and
# installs what it produces.
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/install-deps.sh --no-tests
cmake --workflow --preset release
# cpack's scratch tree (a copy of the installed files) is not wanted beside the package.
rm -rf build/_CPack_Packages
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' build-release/CMakeCache.txt)
deb="build/vaultwatch_${version}_$(dpkg --print-architecture).deb"
[ -f "$deb" ] || { echo "package.sh: cpack did not produce $deb" >&2; exit 1; }
echo "package.sh: $deb"
