#!/usr/bin/env bash
# A throw-away PostgreSQL for the tests: Debian's server (installed when
# missing), a new cluster in a temporary directory, on a private port and
# socket, trust authentication on loopback, fsync off. Sourced by test.sh:
#
#   source scripts/pg.sh && pg_start   # exports QUIRE_TEST_POSTGRES
#   pg_stop
#
# or run alone to start one and print its URL (stop it with `pg.sh stop DIR`).
PG_PORT=${PG_PORT:-55432}

pg_bindir() {
	local d
	for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && { echo "$d"; return 0; }; done
	return 1
}

pg_start() {
	local bin
	if ! bin=$(pg_bindir); then
		apt_install postgresql
		bin=$(pg_bindir) || { echo "pg.sh: PostgreSQL is not installed" >&2; return 1; }
	fi
	PG_DIR=$(mktemp -d /tmp/quire-pg.XXXXXX)
	local run=()
	# initdb refuses to run as root: the cluster belongs to postgres then.
	if [ "$(id -u)" -eq 0 ]; then chown postgres "$PG_DIR"; run=(su postgres -s /bin/sh -c); else run=(sh -c); fi
	"${run[@]}" "$bin/initdb -D $PG_DIR/data -U postgres --auth=trust -E UTF8 --no-sync >$PG_DIR/initdb.log 2>&1 &&
		$bin/pg_ctl -D $PG_DIR/data -l $PG_DIR/log -w -o '-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400' start >/dev/null" ||
		{ cat "$PG_DIR/initdb.log" "$PG_DIR/log" >&2 2>/dev/null; return 1; }
	PG_BIN=$bin
	export QUIRE_TEST_POSTGRES="postgres://postgres@127.0.0.1:$PG_PORT/postgres?sslmode=disable"
	echo "pg.sh: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT ($PG_DIR)"
}

pg_stop() {
	[ -n "${PG_DIR:-}" ] || return 0
	local run=(sh -c)
	[ "$(id -u)" -eq 0 ] && run=(su postgres -s /bin/sh -c)
	"${run[@]}" "$PG_BIN/pg_ctl -D $PG_DIR/data -m immediate stop" >/dev/null 2>&1 || true
	rm -rf "$PG_DIR"
	PG_DIR=
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -euo pipefail
	if [ "${1:-}" = stop ]; then
		PG_DIR=$2 PG_BIN=$(pg_bindir) pg_stop
		exit 0
	fi
	apt_install() { echo "pg.sh: install postgresql first (apt-get install postgresql)" >&2; return 1; }
	pg_start
	echo "$QUIRE_TEST_POSTGRES"
fi
