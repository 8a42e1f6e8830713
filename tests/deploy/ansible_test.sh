#!/bin/sh
# ansible_test.sh VAULTWATCH: the role's playbook passes `ansible-playbook --syntax-check`, and
# its templates render (with the role defaults and with TLS, basic auth and Alertmanagers set)
# into files vaultwatch itself accepts.
set -eu
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
kit=$here/../../deploy/ansible
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false ANSIBLE_NOCOLOR=1
export ANSIBLE_RETRY_FILES_ENABLED=false ANSIBLE_LOCAL_TEMP="$out/tmp" ANSIBLE_HOME="$out/home"

ansible-playbook --syntax-check -i "$kit/inventory.example.ini" "$kit/site.yml"

hash=$(python3 -c 'import crypt; print(crypt.crypt("pw", crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))' 2>/dev/null)
ansible-playbook -i localhost, -c local "$here/ansible_render.yml" \
	-e "role_dir=$kit/roles/vaultwatch" -e "out=$out" -e "bcrypt_hash=$hash" -e "ca_file=/etc/ssl/certs/ca-certificates.crt" > "$out/render.log" 2>&1 \
	|| { cat "$out/render.log"; exit 1; }

"$bin" --check-config --config.file="$out/defaults/vaultwatch.yaml"
# The full variant names /etc/vaultwatch/web-config.yml; check the rendered web config in its place.
sed "s|/etc/vaultwatch/web-config.yml|$out/full/web-config.yml|" "$out/full/vaultwatch.yaml" > "$out/full/check.yaml"
"$bin" --check-config --config.file="$out/full/check.yaml"
grep -q '^SupplementaryGroups=vault$' "$out/defaults/ansible.conf"
grep -q '^ReadOnlyPaths=/data/vault/logs$' "$out/full/ansible.conf"
grep -q 'url: "http://alertmanager-2.example:9093"' "$out/full/vaultwatch.yaml"
echo "ansible role ok"
