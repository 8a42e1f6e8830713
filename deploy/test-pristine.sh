#!/usr/bin/env bash
# The README's two commands on a pristine Debian 12 root, as a new user runs them (issue 18).
# debootstrap builds a minimal bookworm root (--variant=minbase: required packages and apt only),
# this checkout's HEAD is cloned into it (a clean `git clone`; uncommitted changes are not in it)
# with ../shared copied beside it, and then, inside the root:
#   demo   deploy/demo.sh until /metrics answers, then stopped (it installs --no-tests packages
#          and builds build/ without the tests);
#   tests  deploy/test.sh with VW_SKIP_HARDENING=1: every package, the ci preset's build on top of
#          what the demo built, the release preset and the .deb, the whole normal ctest suite. The
#          hardening stages (ASan, fuzz, TSan) do not run in the root: they need no package the
#          host lacks and CI's 90 minutes do not hold them twice. VW_PRISTINE_HARDENING="asan"
#          (by hand) runs those stages in the root as well.
#   demo2  deploy/demo.sh again until /metrics answers: the demo still works after the tests.
# The other order (tests first on a pristine machine) is CI's own run: .ci/run on a fresh machine.
#
# Needs root (debootstrap, chroot, mounts), debootstrap (deploy/install-deps.sh) and Debian's
# archive. To keep it inside CI's budget, the root shares with the host:
# - the package downloads: the host's /var/cache/apt/archives is bind-mounted into the root (and
#   given to debootstrap as its --cache-dir), so nothing the host downloaded is downloaded again;
# - the compiler cache: the clone sits at the same absolute path as this checkout, and the host's
#   ccache directory is bind-mounted at its own path with the host's ccache settings, so whatever
#   the host compiled with the same flags is a cache hit in the root.
# The root's network is the host's (chroot): every port is bound 0 (VW_DEMO_LISTEN=127.0.0.1:0;
# the port is read from the daemon's "listening: address=" log line).
#
#   deploy/test-pristine.sh                 (as root; ~20-35 min, see docs/testing.md)
# Environment: VW_PRISTINE_DIR parent of the scratch directory (default /var/tmp);
# VW_PRISTINE_MIRROR (default http://deb.debian.org/debian); VW_PRISTINE_SHARED the shared/
# directory to copy beside the clone (default: ../shared of this checkout, if there is one);
# VW_PRISTINE_KEEP=1 keeps the root (unmounted) for a look inside; VW_PRISTINE_DEMO_DEADLINE
# seconds the demo may take to answer /metrics, its install and build included (default 2400).
set -euo pipefail
cd "$(dirname "$0")/.."
src=$(pwd)
[ "$(id -u)" -eq 0 ] || { echo "test-pristine: needs root (debootstrap, chroot, mount)" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "test-pristine: no debootstrap (deploy/install-deps.sh installs it)" >&2; exit 1; }
rev=$(git rev-parse HEAD)
mirror=${VW_PRISTINE_MIRROR:-http://deb.debian.org/debian}
shared=${VW_PRISTINE_SHARED:-$src/../shared}
demo_deadline=${VW_PRISTINE_DEMO_DEADLINE:-2400}
archives=/var/cache/apt/archives

work=$(mktemp -d "${VW_PRISTINE_DIR:-/var/tmp}/vw-pristine.XXXXXX")
root=$work/root
mounted=()
timings=()

# Everything started in the root is stopped (found by its root directory, so only what this
# script started), every mount is undone, and only then is the scratch directory removed, never
# across a mount that is still there.
cleanup() {
  local rc=$? p i
  trap - EXIT INT TERM
  set +e
  for sig in TERM KILL; do
    for p in /proc/[0-9]*; do
      [ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && kill -"$sig" "${p#/proc/}" 2>/dev/null
    done
    [ "$sig" = TERM ] && sleep 2
  done
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount -R "${mounted[i]}" || umount -R -l "${mounted[i]}"
  done
  if findmnt -rn -o TARGET | grep -q "^$root"; then
    echo "test-pristine: mounts left under $root; not removing $work" >&2
  elif [ "${VW_PRISTINE_KEEP:-0}" = 1 ]; then
    echo "test-pristine: root kept in $root"
  else
    rm -rf --one-file-system "$work"
  fi
  exit "$rc"
}
trap cleanup EXIT INT TERM

step_start=0
step() { step_start=$(date +%s); echo "=== pristine: $*"; }
step_done() {
  local s=$(( $(date +%s) - step_start ))
  timings+=("$1 ${s}s")
  echo "=== pristine: $1: ${s} s"
}
bind() {  # bind SOURCE DIR-IN-ROOT
  mkdir -p "$root$2"
  mount --rbind "$1" "$root$2"
  mount --make-rslave "$root$2"
  mounted+=("$root$2")
}
# A pristine machine's environment: none of the host's variables, only the ccache settings.
in_root() {
  chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
}

step "debootstrap bookworm (minbase) into $root"
mkdir -p "$archives/partial"
debootstrap --variant=minbase --cache-dir="$archives" bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 ||
  { tail -30 "$work/debootstrap.log"; exit 1; }
# What an installed Debian 12 machine has and debootstrap leaves out: the updates and security
# suites, /etc/hosts (localhost), a host name.
cat >"$root/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb ${mirror%/debian}/debian-security bookworm-security main
EOF
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
echo pristine >"$root/etc/hostname"
step_done debootstrap

step "mounts, clone of $rev, shared/"
mount -t proc proc "$root/proc" && mounted+=("$root/proc")
mount -t sysfs sysfs "$root/sys" && mounted+=("$root/sys")
bind /dev /dev
bind "$archives" "$archives"
if command -v ccache >/dev/null; then
  cache_dir=$(ccache -k cache_dir)
  mkdir -p "$cache_dir"
  bind "$cache_dir" "$cache_dir"
  # The host's settings (base_dir, hash_dir, ...): the same hash for the same compile.
  { ccache --show-config | grep -v '^(default)' | sed 's/^([^)]*) //'; echo "cache_dir = $cache_dir"; } \
    >"$root/etc/ccache.conf"
fi
mkdir -p "$root$(dirname "$src")"
git clone -q --no-checkout "$src" "$root$src"
git -C "$root$src" checkout -q --detach "$rev"
if [ -d "$shared" ]; then
  cp -a "$shared" "$root$(dirname "$src")/shared"
else
  echo "test-pristine: no $shared to copy beside the clone (nothing in the build reads it)"
fi
step_done setup

# demo_until_metrics NAME: deploy/demo.sh in the root until /metrics answers with vault_up, then
# stopped; fails with the demo's output when it exits or the deadline passes first.
demo_until_metrics() {
  local log="$work/$1.log" deadline=$(( $(date +%s) + demo_deadline )) port="" pid
  step "$1: deploy/demo.sh until /metrics answers"
  # setsid: the demo and what it starts are one process group, stopped together if need be.
  in_root VW_DEMO_LISTEN=127.0.0.1:0 setsid bash -c "cd '$src' && exec deploy/demo.sh" >"$log" 2>&1 &
  pid=$!
  while :; do
    if [ -z "$port" ]; then
      port=$(sed -n 's/.*listening: address=127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$log" | head -1)
    fi
    if [ -n "$port" ] && curl -fsS --max-time 5 "http://127.0.0.1:$port/metrics" 2>/dev/null | grep -q '^vault_up '; then
      break
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -40 "$log"; echo "=== pristine: $1 FAILED: deploy/demo.sh exited before /metrics answered"; return 1
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      tail -40 "$log"; echo "=== pristine: $1 FAILED: /metrics did not answer within ${demo_deadline} s"
      kill -TERM -- "-$pid" 2>/dev/null; return 1
    fi
    sleep 2
  done
  echo "=== pristine: $1: /metrics answered on 127.0.0.1:$port"
  kill -TERM "$pid"  # the demo's trap stops the daemon and the fake Vault
  for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  kill -KILL -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  step_done "$1"
}

demo_until_metrics demo

step "tests: deploy/test.sh in the root after the demo"
hardening=(VW_SKIP_HARDENING=1)
[ -n "${VW_PRISTINE_HARDENING:-}" ] && hardening=("VW_HARDENING_STAGES=$VW_PRISTINE_HARDENING")
if ! in_root "${hardening[@]}" bash -c "cd '$src' && deploy/test.sh" >"$work/tests.log" 2>&1; then
  tail -60 "$work/tests.log"; echo "=== pristine: tests FAILED (deploy/test.sh in the root)"; exit 1
fi
# The ci build's first progress line (before package.sh's release build starts) gives its size.
after_demo=$(sed '/Executing workflow step 1/q' "$work/tests.log" | grep -m1 -o '^\[1/[0-9]*\]' | tr -dc '0-9/' | cut -d/ -f2)
full=$(in_root ninja -C "$src/build" -t commands all | wc -l)  # every step of a full build
grep -E '^(100% tests passed|[0-9]+% tests passed)|^Total Test time' "$work/tests.log" || true
echo "=== pristine: after the demo, the ci build ran ${after_demo:-0} build steps (a full build of build/: $full)"
step_done tests

demo_until_metrics demo2

echo "=== pristine: passed (${timings[*]})"
