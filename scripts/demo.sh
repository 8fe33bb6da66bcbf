#!/usr/bin/env bash
# The README's main command (`make demo`): start echemd on its simulated bench, drop a seed
# protocol into the queue folder, and watch it run live through the socket; then export it.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/debug}
PROTO=${PROTO:-protocols/seed-000/0-3-zns-long-cycling.yaml}
STATE=${STATE:-out/demo-state}
SPEED=${SPEED:-20000}
SOCK="$STATE/echemd.sock"

rm -rf "$STATE"
mkdir -p "$STATE"
echo "== starting echemd on the simulated bench (8 cyclers + 1 potentiostat, clock ${SPEED}x real time)"
"$BIN/echemd" --state-dir "$STATE" --socket "$SOCK" --sim-speed "$SPEED" 2> "$STATE/echemd.log" &
DAEMON=$!
trap 'kill -TERM $DAEMON 2>/dev/null || true; wait $DAEMON 2>/dev/null || true' EXIT
for _ in $(seq 100); do
    "$BIN/echemctl" status --socket "$SOCK" > /dev/null 2>&1 && break
    sleep 0.1
done
"$BIN/echemctl" status --socket "$SOCK"

echo "== dropping $(basename "$PROTO") into $STATE/queue/incoming/"
cp "$PROTO" "$STATE/queue/incoming/"
echo "== echemctl watch (live from the socket; ends when the queue is idle)"
"$BIN/echemctl" watch --socket "$SOCK" --until-idle --interval 5

RUN=$("$BIN/echemctl" queue --socket "$SOCK" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["jobs"][-1]["run"])')
"$BIN/echemctl" queue --socket "$SOCK"
"$BIN/echemctl" export "$RUN" --socket "$SOCK" --bdf out/demo.bdf.csv
"$BIN/echemctl" summary "$RUN" --db "$STATE/echemd.sqlite" | { head -6; echo "  …"; tail -3; }
echo "== daemon log: $STATE/echemd.log"
