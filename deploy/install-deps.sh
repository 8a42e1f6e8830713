#!/usr/bin/env bash
# Installs every package vaultwatch needs to build, test and run its demo, from
# Debian 12's archive only. Idempotent: re-running installs nothing new.
# This script is the only way packages get onto a machine (README and .ci/run use it).
#
#   deploy/install-deps.sh             build, run and test dependencies
#   deploy/install-deps.sh --no-tests  only what building, packaging (deploy/package.sh) and
#                                      running the daemon and its demo need
set -euo pipefail

runtime=(
  ca-certificates openssl python3 curl
)
build=(
  build-essential cmake ninja-build pkg-config git ccache
  # Boost 1.81 only: the unversioned libboost-*-dev pull 1.74, which conflicts.
  libboost1.81-dev
  prometheus-cpp-dev nlohmann-json3-dev libyaml-cpp-dev libspdlog-dev libfmt-dev
  libssl-dev libsystemd-dev libsimdjson-dev zlib1g-dev libcrypt-dev
  # deploy/package.sh: cpack's Depends: detection runs dpkg-shlibdeps and file
  dpkg-dev file
)
test=(
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  prometheus prometheus-alertmanager logrotate jq mtail
  clang libclang-rt-14-dev systemd ansible-core
  chromium wrk
  # the pristine-root stage of deploy/test.sh (deploy/test-pristine.sh)
  debootstrap
)

want=("${runtime[@]}" "${build[@]}")
[[ "${1:-}" == "--no-tests" ]] || want+=("${test[@]}")

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#want[@]} packages present"
  exit 0
fi

sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
# Packaged daemons (prometheus, alertmanager, mtail) must not be started by their
# postinst scripts: tests start their own instances on free ports.
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
  $sudo chmod +x /usr/sbin/policy-rc.d
  trap '$sudo rm -f /usr/sbin/policy-rc.d' EXIT
fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
