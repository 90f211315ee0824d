#!/usr/bin/env bash
# Bulk-import benchmark: generates N Kaggle-format lines from the real
# sample's shape (fixed seed), imports them with the real binary into a fresh
# SQLite database and into a fresh PostgreSQL database (a throw-away cluster
# from scripts/pg.sh, on the same machine), one after the other in one run,
# and prints papers/s and peak RSS (GNU time) for each.
#
#   ./scripts/bench-kaggle.sh              # 1,000,000 lines
#   LINES=200000 ./scripts/bench-kaggle.sh # a smaller run, to check linearity
#   BACKENDS=sqlite ./scripts/bench-kaggle.sh
set -euo pipefail
cd "$(dirname "$0")/.."
LINES=${LINES:-1000000}
SEED=${SEED:-1}
BACKENDS=${BACKENDS:-sqlite postgres}
[ -x /usr/bin/time ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null; }
apt_install() { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null; }
source scripts/pg.sh
work=$(mktemp -d)
trap 'pg_stop; rm -rf "$work"' EXIT
go build -o "$work/quire" ./cmd/quire
go run ./cmd/quire-bench gen-kaggle --lines "$LINES" --seed "$SEED" >"$work/snapshot.jsonl"
echo "input: $LINES lines, $(du -h "$work/snapshot.jsonl" | cut -f1), $(nproc) cores"
for backend in $BACKENDS; do
	echo "== $backend"
	case $backend in
	sqlite)
		/usr/bin/time -f "peak RSS %M kB, wall %e s" "$work/quire" ingest kaggle --data "$work/data" --log-level warn "$work/snapshot.jsonl"
		echo "database: $(du -h "$work/data/quire.db" | cut -f1)"
		;;
	postgres)
		PG_PORT=${PG_PORT:-55439} pg_start >/dev/null
		/usr/bin/time -f "peak RSS %M kB, wall %e s" "$work/quire" ingest kaggle --data "$work/pgdata" \
			--database-url "$QUIRE_TEST_POSTGRES" --log-level warn "$work/snapshot.jsonl"
		echo "database: $(psql "$QUIRE_TEST_POSTGRES" -tAc "select pg_size_pretty(pg_database_size('postgres'))")"
		pg_stop
		;;
	esac
done
