#!/usr/bin/env bash
# The whole test suite, on a fresh Debian 12 machine with Go: installs what
# the tests need (Debian's Chromium for the browser tests, newsboat and
# python3-feedparser for the feed tests, mailpit as the
# SMTP server of the e-mail tests, Debian's PostgreSQL as a throw-away
# cluster on port 55432 for the PostgreSQL backend), then runs vet,
# gofmt, every test with the race detector, and each fuzz target briefly.
#
#   ./scripts/test.sh            # FUZZTIME=10s per fuzz target by default
#   FUZZTIME=0 ./scripts/test.sh # skip the fuzzing runs (seed corpora still run)
#
# With CI=true a test that cannot reach a component it needs fails instead
# of skipping.
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZTIME=${FUZZTIME:-10s}

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
		echo "test.sh: need root (or sudo) to run: $*" >&2; return 1; fi
}

apt_install() {
	local missing=()
	for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "test.sh: installing ${missing[*]} from Debian's packages"
	as_root apt-get update -qq
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Debian's Chromium for the browser tests; newsboat and python3-feedparser,
# the feed readers the feed tests follow quire's feeds with.
apt_install chromium newsboat python3-feedparser
command -v chromium >/dev/null || { echo "test.sh: chromium is not installed" >&2; exit 1; }

# Lighthouse for the page audits (e2e/lighthouse_test.go), from the npm
# registry into a cache outside the checkout. 12.8.2 is the last release
# that runs on Debian 12's Node 18; Lighthouse 13 needs Node 22.19.
command -v npm >/dev/null || apt_install nodejs npm
LIGHTHOUSE_DIR=${XDG_CACHE_HOME:-$HOME/.cache}/quire-test/lighthouse
export QUIRE_LIGHTHOUSE=$LIGHTHOUSE_DIR/node_modules/.bin/lighthouse
if [ ! -x "$QUIRE_LIGHTHOUSE" ]; then
	echo "test.sh: installing lighthouse@12.8.2 from the npm registry"
	mkdir -p "$LIGHTHOUSE_DIR"
	npm install --prefix "$LIGHTHOUSE_DIR" --no-audit --no-fund --loglevel=error lighthouse@12.8.2 >/dev/null
fi

# A throw-away PostgreSQL for the second backend, stopped on exit.
source scripts/pg.sh
pg_start
trap pg_stop EXIT

# A real SMTP server for the e-mail tests; each test starts its own on free ports.
if ! command -v mailpit >/dev/null 2>&1 && [ ! -x "$(go env GOPATH)/bin/mailpit" ]; then
	echo "test.sh: installing mailpit v1.33.1 from the Go module proxy"
	go install github.com/axllent/mailpit@v1.33.1
fi

echo "== go vet"
go vet ./...
echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then echo "gofmt needed: $unformatted" >&2; exit 1; fi

echo "== go test"
go test -race -shuffle=on -count=1 ./...

# fuzz_one runs one target. Go 1.26's fuzz coordinator can end a run that
# found nothing with "context deadline exceeded" at the -fuzztime boundary
# (golang/go#75804, fixed in Go 1.27): a failure that wrote no failing input
# and says exactly that is run once more; any other failure, or a written
# input, fails.
fuzz_one() {
	local pkg=$1 fn=$2 corpus="$1/testdata/fuzz/$2" before after out
	before=$({ ls "$corpus" 2>/dev/null || true; } | wc -l) # no corpus directory yet is 0
	if out=$(go test -run='^$' -fuzz="^${fn}\$" -fuzztime="$FUZZTIME" "./$pkg" 2>&1); then
		echo "$out" | tail -n 2; return 0
	fi
	after=$({ ls "$corpus" 2>/dev/null || true; } | wc -l)
	echo "$out"
	if [ "$after" = "$before" ] && grep -q "^    context deadline exceeded$" <<<"$out"; then
		echo "test.sh: $fn ended with Go's fuzz-deadline race and no failing input (golang/go#75804); running it again"
		go test -run='^$' -fuzz="^${fn}\$" -fuzztime="$FUZZTIME" "./$pkg"
		return
	fi
	return 1
}

if [ "$FUZZTIME" != "0" ]; then
	echo "== fuzz ($FUZZTIME per target)"
	for target in internal/hf:FuzzParse internal/latex:FuzzInline internal/model:FuzzParsePeriod \
		internal/model:FuzzNormalizeArxivID internal/arxiv:FuzzParseOAI internal/arxiv:FuzzParseAtom \
		internal/arxiv:FuzzParseKaggleLine internal/search:FuzzParseQuery internal/search:FuzzSnapshot \
		internal/embed:FuzzParse internal/web/ui:FuzzLocalPath internal/web/auth:FuzzForwarded \
		internal/arxiv:FuzzRateLimit internal/bib:FuzzParse internal/model:FuzzParseArxivRef internal/recommend:FuzzDecode; do
		pkg=${target%%:*}; fn=${target##*:}
		fuzz_one "$pkg" "$fn"
	done
fi
