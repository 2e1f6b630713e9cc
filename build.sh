#!/usr/bin/env bash
# build.sh builds the ptlab playground into dist/, serves it, or runs every
# check CI runs. Usage: ./build.sh build|serve|test
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

usage() {
	cat >&2 <<'USAGE'
usage: ./build.sh COMMAND

commands:
  build   compile the wasm and write the static site to dist/
  serve   build, then serve dist/ on $ADDR (default 127.0.0.1:8080)
  test    gofmt, go vet (native and js/wasm), build, go test ./...
USAGE
	exit 2
}

# step prints a section header.
step() { printf '\n==> %s\n' "$*"; }

# size prints N bytes as "N bytes (X.XX MiB)".
size() { awk -v n="$1" 'BEGIN { printf "%d bytes (%.2f MiB)", n, n / 1048576 }'; }

build() {
	step "build dist/"
	rm -rf dist
	mkdir -p dist
	GOOS=js GOARCH=wasm go build -trimpath -ldflags='-s -w' -o dist/ptlab.wasm ./wasm
	cp "$(go env GOROOT)/lib/wasm/wasm_exec.js" dist/
	cp -R web/. dist/
	local raw gz
	raw=$(wc -c <dist/ptlab.wasm)
	gz=$(gzip -9 -c dist/ptlab.wasm | wc -c)
	echo "dist/ptlab.wasm: $(size "$raw") raw, $(size "$gz") gzip -9"
}

serve() {
	build
	step "serve dist/"
	exec go run ./cmd/ptlab serve --addr "${ADDR:-127.0.0.1:8080}" --dir dist
}

check_gofmt() {
	step "gofmt"
	local files
	files=$(find . -name '*.go' -not -path './.git/*' -not -path './dist/*' -not -path '*/testdata/*' -print | sort)
	local bad
	bad=$(gofmt -l $files)
	if [ -n "$bad" ]; then
		echo "these files are not gofmt-formatted (run gofmt -w on them):" >&2
		echo "$bad" >&2
		exit 1
	fi
}

test_all() {
	check_gofmt
	step "go vet ./..."
	go vet ./...
	step "GOOS=js GOARCH=wasm go vet ./..."
	GOOS=js GOARCH=wasm go vet ./...
	build
	step "go test ./..."
	go test -timeout 30m ./...
}

[ $# -eq 1 ] || usage
case "$1" in
build) build ;;
serve) serve ;;
test) test_all ;;
*) usage ;;
esac
