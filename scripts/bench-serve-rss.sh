#!/usr/bin/env bash
# Resident memory of `aldyn serve` with about 10 million offense records:
# loads the synthetic demo records at 17.45 times the official totals
# (≈ 10 million, seeded) into a fresh data directory, starts the server,
# waits for the records to be loaded into memory, requests the
# statistics pages and APIs that read the records, and prints
# the server's resident set size (VmRSS) and its peak (VmHWM). The
# server saves the records in memory to DATA_DIR/offense-index.bin, and
# the next run reads them from there: delete it to time loading them
# from the database.
# Usage: scripts/bench-serve-rss.sh [DATA_DIR]   (needs bin/aldyn: make build)
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-/tmp/aldyn-rss-10m}
bin=./bin/aldyn
if [ ! -s "$data/aldyn.db" ]; then
  mkdir -p "$data"
  /usr/bin/time -f "load: %e s, peak RSS %M KiB" $bin demo --data "$data" --demo-offenses 17.45 --log-level warn
fi
token=$($bin user token admin --data "$data" 2>/dev/null | tail -1)
log=$(mktemp)
$bin serve --data "$data" --addr 127.0.0.1:18080 --log-level info >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 50); do curl -sf http://127.0.0.1:18080/healthz >/dev/null && break; sleep 0.2; done
# Maps and tables answer from memory once the records are loaded there.
for _ in $(seq 300); do grep -q '"msg":"offense records in memory"' "$log" && break; sleep 0.2; done
grep -o '"msg":"offense records in memory".*' "$log" || echo "records not in memory yet"
get() { curl -sf -o /dev/null -w "%{http_code} %{time_total}s $1\n" -H "Authorization: Bearer $token" "http://127.0.0.1:18080$1"; }
for round in 1 2; do
  get "/api/v1/stats/counts?by=category,territory,month"
  get "/api/v1/stats/counts?by=category,year&depth=district"
  get "/api/v1/stats/timeprofile"
  get "/api/v1/stats/timeprofile?territory=41711201000000"
  get "/stats?territory=41711201000000"
  get "/api/v1/stats/hotspots?zoom=7"
  get "/api/v1/stats/hotspots?zoom=12&bbox=74.5,42.8,74.7,42.95&density=1"
  get "/api/v1/stats/forecast?category=theft"
  get "/stats?period=month&horizon=12"
  get "/stats/map"
done
grep -E "VmRSS|VmHWM" /proc/$pid/status
