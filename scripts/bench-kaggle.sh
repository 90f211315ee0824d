#!/usr/bin/env bash
# Bulk-import benchmark: generates N Kaggle-format lines from the real
# sample's shape (fixed seed), imports them with the real binary into a fresh
# SQLite database, and prints papers/s and peak RSS (GNU time).
#
#   ./scripts/bench-kaggle.sh              # 1,000,000 lines
#   LINES=200000 ./scripts/bench-kaggle.sh # a smaller run, to check linearity
set -euo pipefail
cd "$(dirname "$0")/.."
LINES=${LINES:-1000000}
SEED=${SEED:-1}
[ -x /usr/bin/time ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/quire" ./cmd/quire
go run ./cmd/quire-bench gen-kaggle --lines "$LINES" --seed "$SEED" >"$work/snapshot.jsonl"
echo "input: $LINES lines, $(du -h "$work/snapshot.jsonl" | cut -f1), $(nproc) cores"
/usr/bin/time -f "peak RSS %M kB, wall %e s" "$work/quire" ingest kaggle --data "$work/data" --log-level warn "$work/snapshot.jsonl"
echo "database: $(du -h "$work/data/quire.db" | cut -f1)"
