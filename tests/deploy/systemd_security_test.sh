#!/bin/sh
# systemd_security_test.sh UNIT [MAX]: the unit has every setting SPEC §8 names, and
# `systemd-analyze security --offline=true` rates it at most MAX (default 2.0) -- as shipped, and
# with the drop-in the README documents for audit-log access (SupplementaryGroups, ReadOnlyPaths).
set -eu
unit=$1
max=${2:-2.0}

fail=0
for setting in 'Type=notify' 'WatchdogSec=' 'Restart=on-failure' 'User=vaultwatch' \
               'StateDirectory=vaultwatch' 'ConfigurationDirectory=vaultwatch' \
               'LoadCredential=vault-token:' 'ReadOnlyPaths=' 'NoNewPrivileges=yes' \
               'ProtectSystem=strict' 'ProtectHome=yes' 'PrivateTmp=yes'; do
	grep -q "^$setting" "$unit" || { echo "FAIL: $unit lacks $setting"; fail=1; }
done
grep -qx 'CapabilityBoundingSet=' "$unit" || { echo "FAIL: $unit: the capability bounding set must be empty"; fail=1; }

score_of() {
	out=$(systemd-analyze security --offline=true "$1" 2>&1) || true
	score=$(printf '%s\n' "$out" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
	if [ -z "$score" ]; then
		echo "FAIL: no exposure level from systemd-analyze for $1:" >&2
		printf '%s\n' "$out" >&2
		return 1
	fi
	if ! awk -v s="$score" -v m="$max" 'BEGIN { exit !(s <= m) }'; then
		printf '%s\n' "$out" | grep '✗' >&2 || true
		echo "FAIL: $1: exposure $score > $max" >&2
		return 1
	fi
	echo "$1: exposure $score <= $max"
}

score_of "$unit" || fail=1

# The unit with the documented drop-in merged in (offline mode reads one file).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed 's/^\[Service\]$/[Service]\nSupplementaryGroups=vault\nReadOnlyPaths=\/data\/vault\/logs/' "$unit" > "$tmp/vaultwatch.service"
score_of "$tmp/vaultwatch.service" || fail=1
exit $fail
