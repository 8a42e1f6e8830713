#!/bin/bash
# package_test.sh SOURCE_DIR VERSION: builds the Debian package with deploy/package.sh (the one
# command the install guide gives: the release preset, build/vaultwatch_<version>_<arch>.deb),
# checks its contents and metadata, then (as root, which CI is, on a throw-away machine) installs
# it with dpkg -i, runs `vaultwatch --check-config` on the installed configuration, checks the
# user, directories and conffile handling, and purges it again if it was not installed before.
# deploy/test.sh runs deploy/package.sh before ctest, so here it only packages again; run alone,
# this test builds the release tree first (minutes: hence its long timeout).
# Exit 77 (ctest: skipped) after the build-and-inspect half when not root.
set -euo pipefail
src=$(cd "$1" && pwd)
version=$2
arch=$(dpkg --print-architecture)
deb_name="vaultwatch_${version}_${arch}.deb"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# ---- build
"$src/deploy/package.sh" > "$work/package.log" 2>&1 || { cat "$work/package.log"; fail "deploy/package.sh"; }
deb="$src/build/$deb_name"
[ -f "$deb" ] || { tail -20 "$work/package.log"; fail "deploy/package.sh did not produce build/$deb_name"; }
grep -qx "package.sh: build/$deb_name" "$work/package.log" || { tail -5 "$work/package.log"; fail "deploy/package.sh did not name build/$deb_name"; }
echo "built build/$deb_name ($(du -h "$deb" | cut -f1))"

# ---- inspect
contents=$(dpkg-deb --contents "$deb" | awk '{print $6}' | sed 's|^\./|/|')
for f in /usr/bin/vaultwatch /lib/systemd/system/vaultwatch.service /usr/lib/sysusers.d/vaultwatch.conf \
         /usr/lib/tmpfiles.d/vaultwatch.conf /etc/vaultwatch/vaultwatch.yaml /etc/vaultwatch/rules.d/ \
         /usr/share/man/man8/vaultwatch.8.gz /usr/share/doc/vaultwatch/examples/vaultwatch.yaml \
         /usr/share/doc/vaultwatch/examples/web-config.yml /usr/share/doc/vaultwatch/examples/vaultwatch.rules.yml \
         /usr/share/doc/vaultwatch/examples/alertmanager.yml /usr/share/doc/vaultwatch/examples/vaultwatch-dashboard.json; do
	grep -qx -- "$f" <<<"$contents" || fail "$deb_name lacks $f"
done
if grep -q 'tests/\|fake-vault\|fake_vault' <<<"$contents"; then fail "test programs in the package"; fi
dpkg-deb --ctrl-tarfile "$deb" | tar -x -C "$work" ./conffiles ./postinst ./prerm ./postrm ./control
grep -qx /etc/vaultwatch/vaultwatch.yaml "$work/conffiles" || fail "vaultwatch.yaml is not a conffile"
if grep -qx /etc/vaultwatch/rules.d/builtin.yaml <<<"$contents"; then
	grep -qx /etc/vaultwatch/rules.d/builtin.yaml "$work/conffiles" || fail "rules.d/builtin.yaml is not a conffile"
fi
grep -q '^Depends:.*libsystemd0' "$work/control" || { cat "$work/control"; fail "Depends lacks libsystemd0 (dpkg-shlibdeps)"; }
grep -q '^Depends:.*libcrypt1' "$work/control" || fail "Depends lacks libcrypt1"
for s in postinst prerm postrm; do sh -n "$work/$s" || fail "$s: syntax"; done
dpkg-deb -x "$deb" "$work/root"
"$work/root/usr/bin/vaultwatch" --version | grep -q "vaultwatch, version $version " || fail "packaged binary --version"
echo "contents and metadata ok"

# ---- install
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: not root, so the package was built and inspected but not installed (dpkg -i needs root; CI runs as root)"
	exit 77
fi
was_installed=0
dpkg-query -W -f='${Status}' vaultwatch 2>/dev/null | grep -q "install ok installed" && was_installed=1
dpkg_retry() {  # dpkg refuses to wait for its lock; another package operation may hold it briefly
	for _ in $(seq 1 60); do
		if out=$(dpkg "$@" 2>&1); then echo "$out"; return 0; fi
		grep -q 'lock' <<<"$out" || { echo "$out"; return 1; }
		sleep 1
	done
	echo "$out"; return 1
}
cleanup() {
	if [ $was_installed -eq 0 ]; then dpkg_retry --purge vaultwatch >/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT
# Starting services in postinst is suppressed only when systemd runs; CI machines have none.
DEBIAN_FRONTEND=noninteractive dpkg_retry -i "$deb" > "$work/dpkg.log" || { cat "$work/dpkg.log"; fail "dpkg -i"; }
echo "installed"

getent passwd vaultwatch >/dev/null || fail "no vaultwatch user"
[ "$(stat -c '%U %a' /var/lib/vaultwatch)" = "vaultwatch 700" ] || fail "/var/lib/vaultwatch: $(stat -c '%U %a' /var/lib/vaultwatch)"
[ "$(stat -c '%U %a' /etc/vaultwatch/vault-token)" = "root 600" ] || fail "/etc/vaultwatch/vault-token: $(stat -c '%U %a' /etc/vaultwatch/vault-token)"
out=$(/usr/bin/vaultwatch --check-config) || { echo "$out"; fail "vaultwatch --check-config on the installed configuration"; }
grep -q '/etc/vaultwatch/vaultwatch.yaml: configuration is valid' <<<"$out" || fail "check-config: $out"
echo "$out"
# The service user can read its configuration and rules (the daemon reads them after dropping root).
su -s /bin/sh vaultwatch -c '/usr/bin/vaultwatch --check-config' >/dev/null || fail "check-config as the vaultwatch user"
systemd-analyze security --offline=true /lib/systemd/system/vaultwatch.service | tail -1
systemd-analyze verify /lib/systemd/system/vaultwatch.service 2>&1 | grep -v 'man vaultwatch(8)' | grep . && fail "systemd-analyze verify" || true

# A local change to a conffile survives a reinstall.
echo "# local change" >> /etc/vaultwatch/vaultwatch.yaml
DEBIAN_FRONTEND=noninteractive dpkg_retry --force-confold -i "$deb" > "$work/dpkg2.log" || { cat "$work/dpkg2.log"; fail "reinstall"; }
grep -q '^# local change' /etc/vaultwatch/vaultwatch.yaml || fail "reinstall lost the local change to vaultwatch.yaml"
echo "package ok"
