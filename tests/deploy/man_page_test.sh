#!/bin/sh
# man_page_test.sh VAULTWATCH MANPAGE: every flag `vaultwatch --help` (and `vaultwatch audit
# search|stats|rotation --help`) lists is in the man page.
set -eu
bin=$1
man=$2
text=$(sed 's/\\-/-/g' "$man")
fail=0
for flag in $({ "$bin" --help; "$bin" audit search --help; "$bin" audit stats --help; "$bin" audit rotation --help; } |
	grep -o -- '--[a-z][a-z.-]*' | sort -u); do
	case "$text" in
	*"$flag"*) ;;
	*) echo "FAIL: $man does not document $flag"; fail=1 ;;
	esac
done
[ $fail -eq 0 ] && echo "every flag of --help is in $man"
exit $fail
