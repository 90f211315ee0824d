#!/usr/bin/env bash
# /papers/new benchmark: N papers (default 1,000,000) from the real Kaggle
# sample's shape, their first versions spread over weekdays, PER_DAY a day
# (default 1,000); imported with the real binary, then served with the
# response cache off and on while one day's listing is requested again and
# again (p50, p99).
#
#   ./scripts/bench-newlist.sh
#   LINES=100000 ./scripts/bench-newlist.sh
set -euo pipefail
cd "$(dirname "$0")/.."
LINES=${LINES:-1000000}
PER_DAY=${PER_DAY:-1000}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/quire" ./cmd/quire
go build -o "$work/quire-bench" ./cmd/quire-bench
"$work/quire-bench" gen-kaggle --lines "$LINES" --per-day "$PER_DAY" --seed 1 >"$work/snapshot.jsonl"
"$work/quire" ingest kaggle --data "$work/data" --log-level warn "$work/snapshot.jsonl" >/dev/null
# The 200th listing day: full, in the middle of the range.
day=$(date -u -d "2026-01-06 + $(( 200 * 7 / 5 )) days" +%F)
while [ "$(date -u -d "$day" +%u)" -gt 5 ]; do day=$(date -u -d "$day + 1 day" +%F); done
for cache in 0 64; do
	port=$((18000 + cache))
	"$work/quire" serve --data "$work/data" --addr 127.0.0.1:$port --cache-mb $cache --log-level info --categories cs,math,physics,stat >"$work/serve.log" 2>&1 &
	pid=$!
	for i in $(seq 1 600); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.5; done
	# Measure a settled server: the first start trains the semantic model
	# on both cores in the background; the second loads it from search.idx.
	for i in $(seq 1 2700); do grep -q "semantic model trained\|snapshot loaded" "$work/serve.log" && break; sleep 1; done
	grep -q "semantic model trained\|snapshot loaded" "$work/serve.log" || { echo "the server did not settle in 45 min" >&2; exit 1; }
	sleep 2
	echo "cache ${cache} MiB:"
	"$work/quire-bench" get --url "http://127.0.0.1:$port/papers/new/$day" --n 200
	"$work/quire-bench" get --url "http://127.0.0.1:$port/papers/new/$day?category=math" --n 200
	kill $pid; wait $pid 2>/dev/null || true
done
