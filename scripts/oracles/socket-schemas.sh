#!/usr/bin/env bash
# Oracle: echemd's live socket API against its JSON Schemas (docs/schemas/, draft 2020-12),
# checked with the independent `jsonschema` package (PyPI, test oracle only, never vendored).
# Starts echemd on its simulated bench in a temporary state directory, drives every request op,
# validates every line received and every request sent, checks ordering, the from_seq seam, the
# slow-client drop and a clean SIGTERM exit. See scripts/oracles/socket_schemas.py.
#
# Called from the repository root as: bash scripts/oracles/socket-schemas.sh [-v] [--keep]
# The daemon binary: $ECHEMD, else echemd beside $ECHEMCTL (as scripts/oracle-tests.sh sets it),
# else .build/debug/echemd. Prints NOTE lines for tolerated daemon quirks, then one PASS line.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ -z "${ECHEMD:-}" ]; then
  if [ -n "${ECHEMCTL:-}" ] && [ -x "$(dirname "$ECHEMCTL")/echemd" ]; then
    ECHEMD="$(dirname "$ECHEMCTL")/echemd"
  else
    ECHEMD=.build/debug/echemd
  fi
fi
if [ ! -x "$ECHEMD" ]; then
  echo "FAIL socket-schemas: no echemd binary at $ECHEMD (build first, or set ECHEMD)"
  exit 1
fi

python3 -c "import jsonschema" 2>/dev/null \
  || python3 -m pip install -q --disable-pip-version-check jsonschema >/dev/null 2>&1 \
  || { echo "FAIL socket-schemas: jsonschema (the schema oracle) is not installed and could not be installed"; exit 1; }

exec python3 scripts/oracles/socket_schemas.py --echemd "$ECHEMD" "$@"
