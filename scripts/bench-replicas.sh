#!/usr/bin/env bash
# Many replicas on PostgreSQL against one server on SQLite, in one run:
#  1. votes: 200 voters through the API at once, each from its own loopback
#     address (quire-bench votes; through nginx, which forwards it, for the
#     replicas), then a check that every vote counted once;
#  2. the daily page and /api/daily_papers with wrk (200 connections): one
#     quire on SQLite, then two quire replicas on one PostgreSQL database
#     behind nginx (round robin), as a load balancer would spread them.
# Everything shares the machine's cores: wrk, nginx, the replicas and
# PostgreSQL.
#
#   ./scripts/bench-replicas.sh
#   DURATION=30s VOTERS=200 ./scripts/bench-replicas.sh
set -euo pipefail
cd "$(dirname "$0")/.."
CONNS=${CONNS:-200}
DURATION=${DURATION:-15s}
VOTERS=${VOTERS:-200}
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() { as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null; }
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
[ ${#need[@]} -eq 0 ] || apt_install "${need[@]}"
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
source scripts/pg.sh
work=$(mktemp -d)
chmod 755 "$work"
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	[ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
	pg_stop
	rm -rf "$work"
}
trap cleanup EXIT
go build -o "$work/quire" ./cmd/quire
go build -o "$work/quire-bench" ./cmd/quire-bench

serve() { # name port args...
	local name=$1 port=$2
	shift 2
	"$work/quire" serve --demo --addr "127.0.0.1:$port" --log-level warn --promote-on-upvote=false "$@" >"$work/$name.log" 2>&1 &
	pids+=($!)
	for _ in $(seq 300); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return 0; sleep 0.1; done
	cat "$work/$name.log" >&2
	return 1
}

wrk_pair() { # label base
	local day page api
	day=$(curl -fs "$2/" | sed -n 's/.*<time datetime="\([0-9-]*\)".*/\1/p' | head -1)
	page="/papers/date/${day:-2026-08-07}"
	api="/api/daily_papers?date=${day:-2026-08-07}"
	for path in "$page" "$api"; do
		printf '%s %s: ' "$1" "$path"
		wrk -t2 -c"$CONNS" -d"$DURATION" --latency "$2$path" | awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} END {printf "%s req/s, p50 %s, p99 %s\n", rps, p50, p99}'
	done
}

echo "== one server on SQLite"
serve sqlite 18090 --data "$work/sqlite"
"$work/quire-bench" votes --url http://127.0.0.1:18090 --data "$work/sqlite" --voters "$VOTERS"
wrk_pair sqlite http://127.0.0.1:18090
kill "${pids[@]}"; wait 2>/dev/null || true; pids=()

echo "== two replicas on PostgreSQL behind nginx"
PG_PORT=${PG_PORT:-55440} pg_start
url=$QUIRE_TEST_POSTGRES
# nginx forwards each voter's address; the replicas believe it from loopback.
serve replica1 18091 --data "$work/r1" --database-url "$url" --trusted-proxies 127.0.0.1/32
serve replica2 18092 --data "$work/r2" --database-url "$url" --trusted-proxies 127.0.0.1/32 --jobs=false
cat >"$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
	access_log off;
	upstream quire { server 127.0.0.1:18091; server 127.0.0.1:18092; keepalive 256; }
	server {
		listen 127.0.0.1:18093;
		location / { proxy_pass http://quire; proxy_http_version 1.1; proxy_set_header Connection "";
			proxy_set_header X-Forwarded-For \$remote_addr; }
	}
}
CONF
"$NGINX" -c "$work/nginx.conf"
"$work/quire-bench" votes --url http://127.0.0.1:18093 --database-url "$url" --voters "$VOTERS"
wrk_pair "postgres×2" http://127.0.0.1:18093
echo "== one replica on PostgreSQL, direct"
wrk_pair "postgres×1" http://127.0.0.1:18091
