#!/bin/sh
# alertmanager_routes_test.sh CONFIG: the example routes vaultwatch's alerts where it says.
set -eu
cfg=$1
fail=0
route() {
	want=$1
	shift
	if ! amtool config routes test --config.file="$cfg" --verify.receivers="$want" "$@" >/dev/null 2>&1; then
		echo "FAIL: $* -> $(amtool config routes test --config.file="$cfg" "$@" 2>/dev/null), want $want"
		fail=1
	fi
}
route vault-pager,vault-ops alertname=VaultSealed severity=critical cluster=prod instance=vault-1
route vault-pager,vault-ops alertname=VaultRootTokenUsed severity=critical cluster=prod instance=vault-1
route vault-pager,vault-ops alertname=VaultwatchDown severity=critical cluster=prod instance=vault-1
route vault-ops alertname=VaultPermissionDeniedSpike severity=warning cluster=prod instance=vault-1
route vault-ops-info alertname=VaultLeaderChanged severity=info cluster=prod instance=vault-1
route heartbeat alertname=VaultMonitoringWatchdog severity=none
route vault-ops alertname=SomethingElse
[ $fail -eq 0 ] && echo "all routes as expected"
exit $fail
