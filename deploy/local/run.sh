#!/usr/bin/env bash
# `make run`: the collector on its embedded SQLite database in var/collector, this machine's
# agent sending to it once, then the collector in the foreground until Ctrl-C.
# (SNMP/SSH pollers with a simulated printer and switch join when the poller issues land.)
set -euo pipefail
BIN="${BIN:-.venv/bin}"
export ASETIK_DATA_DIR="${ASETIK_DATA_DIR:-$PWD/var/collector}"
LISTEN="${ASETIK_LISTEN:-127.0.0.1:8080}"
SITE=PUSDATIN
collector() { "$BIN/asetik-collector" "$@"; }

collector db upgrade
collector site create --code "$SITE" --name "Pusat Data dan Informasi" 2>/dev/null || true
collector user create --name admin --role admin 2>/dev/null || true
API_TOKEN="$(collector user token --name admin | tail -n 1)"
ENROLL_TOKEN="$(collector token create --site "$SITE" --expires 1 | tail -n 1)"

collector serve --listen "$LISTEN" &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null' EXIT INT TERM
for _ in $(seq 1 50); do
    "$BIN/python" -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)" \
        "http://$LISTEN/healthz" 2>/dev/null && break
    sleep 0.2
done

mkdir -p var/agent
ASETIK_COLLECTOR_URL="http://$LISTEN" ASETIK_ENROLL_TOKEN="$ENROLL_TOKEN" \
    ASETIK_STATE_DIR="$PWD/var/agent" "$BIN/asetik-agent" run --once

cat <<INFO

asetik berjalan / is running:  http://$LISTEN/
  aset (API):   curl -H "Authorization: Bearer $API_TOKEN" http://$LISTEN/api/v1/assets
  OpenAPI:      http://$LISTEN/api/v1/openapi.json
  metrics:      http://$LISTEN/metrics
Tekan Ctrl-C untuk berhenti / Ctrl-C stops it.
INFO
wait "$SERVER"
