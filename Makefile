# Everyday targets; the README's commands work without make.
.PHONY: run build test bench latexcov

run:
	go run ./cmd/quire serve --demo

build:
	go build -o quire ./cmd/quire

test:
	./scripts/test.sh

bench:
	./scripts/bench-http.sh

latexcov:
	go run ./tools/latexcov ../shared/data ../shared/seed
