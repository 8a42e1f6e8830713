# Vault policy for vaultwatch's monitor token: read-only, and only what the daemon reads.
#
#   vault policy write vaultwatch deploy/vault-policy.hcl
#   vault token create -policy=vaultwatch -orphan -period=24h -display-name=vaultwatch
#   (or give an auth method role this policy and let Vault Agent keep the token fresh in a
#   file sink with mode = 0600: vaultwatch refuses a token file readable by anyone else)
#
# Not needed, so not granted:
# - sys/health and sys/leader are unauthenticated endpoints; vaultwatch polls them with or
#   without a token (with one, Vault does not redact the version and cluster name).
# - No list, no create/update/delete/patch/sudo anywhere, no secret data (`<mount>/data/...`):
#   the rotation age comes from KV v2 *metadata*, which holds timestamps and version numbers,
#   never secret values.
# - No sys/audit*, sys/raw, sys/policy: the audit log is read from the file on disk.
#
# Policies are per namespace: on Vault Enterprise with vault.namespace set, write this policy in
# that namespace.

# Prometheus telemetry (vault.metrics_interval). Not needed when the listener sets
# telemetry { unauthenticated_metrics_access = true } -- which is also what lets a standby answer
# with its own metrics instead of a 307 to the active node.
path "sys/metrics" {
  capabilities = ["read"]
}

# The token's own TTL (vault.token_check_interval). Vault's built-in `default` policy grants this
# too; it is listed so that a token created with -no-default-policy still works.
path "auth/token/lookup-self" {
  capabilities = ["read"]
}

# KV v2 metadata of every secret in vault.secrets: `<mount>/metadata/<path>` for each
# `path: <mount>/<path>`. One stanza per watched secret, exact paths (no globs), so that adding a
# secret to the config is a deliberate policy change too. These match config/vaultwatch.yaml.
path "secret/metadata/cwiq/shared/billing/database" {
  capabilities = ["read"]
}
