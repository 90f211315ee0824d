#!/usr/bin/env bash
# Search at scale in the real server: imports N generated Kaggle lines,
# starts `quire serve`, waits until the semantic index is built, then
# prints the time to build it, hybrid search latency over HTTP (distinct
# queries, one at a time), and the server's memory; then restarts the
# server on the same data and prints how long it takes to serve search
# again (from the saved index snapshot).
#
#   ./scripts/bench-search-server.sh               # 1,000,000 papers
#   PAPERS=100000 ./scripts/bench-search-server.sh
#   BACKEND=postgres ./scripts/bench-search-server.sh   # on a throw-away PostgreSQL (scripts/pg.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
PAPERS=${PAPERS:-1000000}
PORT=${PORT:-18081}
BACKEND=${BACKEND:-sqlite}
work=$(mktemp -d)
pid=
db=()
if [ "$BACKEND" = postgres ]; then
  apt_install() { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null; }
  source scripts/pg.sh
  PG_PORT=${PG_PORT:-55441} pg_start
  db=(--database-url "$QUIRE_TEST_POSTGRES")
fi
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; [ "$BACKEND" = postgres ] && pg_stop; rm -rf "$work"' EXIT
go build -o "$work/quire" ./cmd/quire
go build -o "$work/quire-bench" ./cmd/quire-bench
"$work/quire-bench" gen-kaggle --lines "$PAPERS" --seed 1 >"$work/snapshot.jsonl"
"$work/quire" ingest kaggle --data "$work/data" "${db[@]}" --log-level warn "$work/snapshot.jsonl"
rm "$work/snapshot.jsonl"
echo "database ($BACKEND): $PAPERS papers, $(nproc) cores"

rss() { awk '/VmRSS|VmHWM/ {printf "%s %.0f MB  ", $1, $2/1024}' "/proc/$pid/status"; echo; }

# serve starts the server and waits until it answers search, then until its
# log has $2 lines matching $1.
serve() {
  start=$(date +%s.%N)
  "$work/quire" serve --data "$work/data" "${db[@]}" --addr "127.0.0.1:$PORT" >"$work/log" 2>&1 &
  pid=$!
  until curl -fs "http://127.0.0.1:$PORT/api/papers/search?q=neural+network&limit=1" >/dev/null 2>&1; do
    kill -0 "$pid" || { cat "$work/log"; exit 1; }
    sleep 0.2
  done
  printf "serving search after %.1f s\n" "$(echo "$(date +%s.%N) - $start" | bc)"
  until [ "$(grep -c "$1" "$work/log")" -ge "$2" ]; do
    kill -0 "$pid" || { cat "$work/log"; exit 1; }
    sleep 1
  done
  printf "%s after %.1f s\n" "$1" "$(echo "$(date +%s.%N) - $start" | bc)"
}

echo "== first start (no snapshot): builds the lexical index, then trains the semantic model in the background"
serve "search index saved" 2 # once after the lexical build, once after training
grep -E "search index|semantic model" "$work/log" | sed 's/^/  log: /'
rss
"$work/quire-bench" http --url "http://127.0.0.1:$PORT" --queries 500
rss
kill -INT "$pid"; wait "$pid" || true
echo "== restart on the same data (loads the snapshot)"
serve "search index ready" 1
grep -E "search index|semantic model" "$work/log" | sed 's/^/  log: /'
"$work/quire-bench" http --url "http://127.0.0.1:$PORT" --queries 500 --seed 8
rss
