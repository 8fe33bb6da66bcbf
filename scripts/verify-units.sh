#!/usr/bin/env bash
# Checks the files in systemd/ the way systemd itself reads them, without a running systemd
# (CI is a root Debian 12 container):
#   1. `systemd-analyze verify` on echemd.service and echemd.socket;
#   2. `systemd-sysusers --root` and `systemd-tmpfiles --root` applied to a scratch root, then the
#      resulting owners and modes compared with what README.md promises.
# Fails if any check fails or if systemd-analyze prints anything about our units.
#
# ExecStart: `systemd-analyze verify` insists that /usr/bin/echemd exists and is executable.
# Rather than --root= (which would also hide the host's modprobe@.service, sockets.target, ...),
# the units are copied to a temp directory and ExecStart in the copy is rewritten to a stub
# executable in that directory. The shipped files are not modified.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$here/systemd"

if ! command -v systemd-analyze >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "verify-units: installing systemd (for systemd-analyze)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends systemd >/dev/null
  else
    echo "verify-units: systemd-analyze is missing; install the 'systemd' package (as root)" >&2
    exit 1
  fi
fi

work="$(mktemp -d /tmp/verify-units.XXXXXX)"
trap 'rm -rf "$work"' EXIT
failed=0
fail() { echo "verify-units: FAIL: $*" >&2; failed=1; }

# --- 1. systemd-analyze verify ------------------------------------------------------------------
units="$work/units"
mkdir -p "$units"
cp "$src/echemd.service" "$src/echemd.socket" "$units/"
stub="$units/bin/echemd"
mkdir -p "$(dirname "$stub")"
printf '#!/bin/sh\nexit 0\n' >"$stub"
chmod 0755 "$stub"
sed -i -E "s#^ExecStart=/usr/bin/echemd( |\$)#ExecStart=$stub\\1#" "$units/echemd.service"
grep -q "^ExecStart=$stub" "$units/echemd.service" || fail "ExecStart=/usr/bin/echemd not found in echemd.service"

# --man=no: there is no man page to look up. The output of verify is all diagnostics.
set +e
output="$(SYSTEMD_LOG_LEVEL=notice systemd-analyze verify --man=no \
  "$units/echemd.socket" "$units/echemd.service" 2>&1)"
status=$?
set -e
if [ -n "$output" ]; then
  echo "$output" | sed 's/^/  systemd-analyze: /'
fi
[ $status -eq 0 ] || fail "systemd-analyze verify exited with $status"
if echo "$output" | grep -Ei 'echemd' >/dev/null; then
  fail "systemd-analyze reported problems with the echemd units (above)"
fi

# --- 2. sysusers and tmpfiles on a scratch root -------------------------------------------------
root="$work/root"
mkdir -p "$root/etc" "$root/var/lib" "$root/usr/sbin"
# A minimal base system: root and dialout as on Debian (base-passwd), nothing else.
printf 'root:x:0:0:root:/root:/bin/bash\n' >"$root/etc/passwd"
printf 'root:x:0:\ndialout:x:20:\n' >"$root/etc/group"
: >"$root/etc/shadow"
: >"$root/etc/gshadow"
if ! systemd-sysusers --root="$root" "$src/echemd.sysusers" 2>&1 | sed 's/^/  systemd-sysusers: /'; then
  fail "systemd-sysusers rejected echemd.sysusers"
fi
for g in echemd echem echem-control; do
  grep -q "^$g:" "$root/etc/group" || fail "sysusers did not create group $g"
done
grep -q '^echemd:' "$root/etc/passwd" || fail "sysusers did not create user echemd"
for g in echem echem-control dialout; do
  grep -Eq "^$g:[^:]*:[0-9]+:(.*,)?echemd(,.*)?$" "$root/etc/group" || fail "echemd is not a member of $g"
done

set +e
tmp_output="$(systemd-tmpfiles --root="$root" --create "$src/echemd.tmpfiles" 2>&1)"
status=$?
set -e
[ -n "$tmp_output" ] && echo "$tmp_output" | sed 's/^/  systemd-tmpfiles: /'
[ $status -eq 0 ] || fail "systemd-tmpfiles exited with $status"
[ -z "$tmp_output" ] || fail "systemd-tmpfiles printed diagnostics"

name_of_uid() { awk -F: -v id="$1" '$3 == id { print $1 }' "$root/etc/passwd"; }
name_of_gid() { awk -F: -v id="$1" '$3 == id { print $1 }' "$root/etc/group"; }
expect_dir() {  # path mode user group
  local p="$root$1" got
  [ -d "$p" ] || { fail "$1 was not created"; return; }
  got="$(stat -c '%a' "$p") $(name_of_uid "$(stat -c '%u' "$p")") $(name_of_gid "$(stat -c '%g' "$p")")"
  [ "$got" = "$2 $3 $4" ] || fail "$1 is '$got', expected '$2 $3 $4'"
}
expect_dir /etc/echemd                    750  root   echemd
expect_dir /var/lib/echemd                711  echemd echemd
expect_dir /var/lib/echemd/queue          750  echemd echem-control
expect_dir /var/lib/echemd/queue/incoming 3770 echemd echem-control
expect_dir /var/lib/echemd/queue/accepted 2750 echemd echem-control
expect_dir /var/lib/echemd/queue/rejected 2750 echemd echem-control

# StateDirectoryMode= is re-applied by systemd on every start; it must agree with tmpfiles.
grep -q '^StateDirectoryMode=0711$' "$src/echemd.service" || fail "StateDirectoryMode must be 0711 (see echemd.tmpfiles)"

# --- 3. udev rule: no `udevadm verify` before systemd 254, so a syntax sanity check -------------
rules="$src/99-echemd.rules"
if udevadm verify --help >/dev/null 2>&1; then
  udevadm verify --no-style "$rules" || fail "udevadm verify rejected 99-echemd.rules"
else
  bad="$(grep -vnE '^\s*(#.*)?$|^(ACTION|SUBSYSTEM|KERNEL|ATTRS\{[a-zA-Z]+\})(==|!=)"[^"]*"(, *[A-Za-z_{}]+(==|!=|=|\+=)"[^"]*")*$|^LABEL="[a-z_]+"$' "$rules" || true)"
  [ -z "$bad" ] || fail "unexpected lines in 99-echemd.rules: $bad"
fi

if [ $failed -ne 0 ]; then
  exit 1
fi
echo "verify-units: OK (echemd.service, echemd.socket, echemd.sysusers, echemd.tmpfiles, 99-echemd.rules)"
