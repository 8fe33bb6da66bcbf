#!/usr/bin/env bash
# Installs what echemd needs to build and test on Debian: system libraries through apt,
# and with --oracles what only the tests need: systemd's tools (systemd-analyze verify,
# systemd-socket-activate) and the Python packages used as independent oracles.
set -euo pipefail
need=()
packages=(libmodbus-dev libudev-dev libsqlite3-dev zlib1g-dev pkg-config socat)
[ "${1:-}" = "--oracles" ] && packages+=(systemd)
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "installing: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
if [ "${1:-}" = "--oracles" ]; then
  python3 -m pip install -q --disable-pip-version-check batterydf aurora-unicycler pymodbus jsonschema "impedance==1.7.1" aurora-neware >/dev/null 2>&1 \
    || echo "warning: could not install the Python oracles (batterydf, aurora-unicycler, pymodbus, jsonschema)"
fi
