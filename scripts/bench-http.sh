#!/usr/bin/env bash
# HTTP benchmark: wrk against `quire serve --demo` and, in the same run,
# against nginx serving a saved copy of the same response bytes. Prints
# requests/s and p50/p99 latency for each, and the ratios.
#
#   ./scripts/bench-http.sh                 # 200 connections, 15 s per run
#   CONNS=200 DURATION=30s ./scripts/bench-http.sh
set -euo pipefail
cd "$(dirname "$0")/.."

CONNS=${CONNS:-200}
DURATION=${DURATION:-15s}
THREADS=${THREADS:-2}
QPORT=${QPORT:-18080}
NPORT=${NPORT:-18081}

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
if [ ${#need[@]} -gt 0 ]; then
	as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

work=$(mktemp -d)
chmod 755 "$work" # nginx's workers run as www-data
cleanup() {
	[ -n "${qpid:-}" ] && kill "$qpid" 2>/dev/null || true
	[ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/quire" ./cmd/quire
"$work/quire" serve --demo --data "$work/data" --addr "127.0.0.1:$QPORT" --log-level warn >"$work/quire.log" 2>&1 &
qpid=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$QPORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done

day=$(curl -fs "http://127.0.0.1:$QPORT/" | sed -n 's/.*<time datetime="\([0-9-]*\)".*/\1/p' | head -1)
day=${day:-2026-08-07}
page="/papers/date/$day"
api="/api/daily_papers?date=$day"
mkdir -p "$work/www/papers/date"
curl -fs "http://127.0.0.1:$QPORT$page" >"$work/www/papers/date/$day"
curl -fs "http://127.0.0.1:$QPORT$api" >"$work/www/api.json"

cat >"$work/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
	access_log off;
	default_type text/html;
	keepalive_requests 1000000;
	server {
		listen 127.0.0.1:$NPORT;
		root $work/www;
		location = /api { default_type application/json; try_files /api.json =404; }
	}
}
CONF
"$NGINX" -c "$work/nginx.conf"
sleep 0.5

# run NAME URL: prints "NAME requests/s p50 p99" from wrk's --latency output.
run() {
	local out
	out=$(wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency "$2")
	if grep -q "Non-2xx" <<<"$out"; then echo "$1: non-2xx responses; the figures are void" >&2; exit 1; fi
	printf "%-20s %12s %10s %10s\n" "$1" "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" \
		"$(awk '$1=="50%" {print $2}' <<<"$out")" "$(awk '$1=="99%" {print $2}' <<<"$out")"
	awk '/Requests\/sec/ {print $2}' <<<"$out" >"$work/rps-$1"
}

echo "wrk -t$THREADS -c$CONNS -d$DURATION; $page is $(wc -c <"$work/www/papers/date/$day") bytes; $(nproc) cores"
printf "%-20s %12s %10s %10s\n" target "requests/s" p50 p99
run nginx-daily-page "http://127.0.0.1:$NPORT$page"
run quire-daily-page "http://127.0.0.1:$QPORT$page"
run nginx-api "http://127.0.0.1:$NPORT/api"
run quire-api "http://127.0.0.1:$QPORT$api"
awk -v q="$(cat "$work/rps-quire-daily-page")" -v n="$(cat "$work/rps-nginx-daily-page")" \
	'BEGIN { printf "daily page: quire/nginx = %.2f\n", q/n }'
awk -v q="$(cat "$work/rps-quire-api")" -v n="$(cat "$work/rps-nginx-api")" \
	'BEGIN { printf "api:        quire/nginx = %.2f\n", q/n }'
