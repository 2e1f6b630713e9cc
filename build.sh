#!/usr/bin/env bash
# build.sh builds the ptlab playground into dist/, serves it, or runs every
# check CI runs. Usage: ./build.sh build|serve|test
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

usage() {
	cat >&2 <<'USAGE'
usage: ./build.sh COMMAND

commands:
  build   compile the page and worker wasm and write the static site to dist/
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
	# The page program (UI only) and the worker program (the engine).
	GOOS=js GOARCH=wasm go build -trimpath -ldflags='-s -w' -o dist/ptlab.wasm ./wasm
	GOOS=js GOARCH=wasm go build -trimpath -ldflags='-s -w' -o dist/worker.wasm ./wasm/worker
	cp "$(go env GOROOT)/lib/wasm/wasm_exec.js" dist/
	cp -R web/. dist/
	local f raw gz
	for f in dist/ptlab.wasm dist/worker.wasm; do
		raw=$(wc -c <"$f")
		gz=$(gzip -9 -c "$f" | wc -c)
		echo "$f: $(size "$raw") raw, $(size "$gz") gzip -9"
	done
	# The page program must stay small: it is what a visitor waits for.
	gz=$(gzip -9 -c dist/ptlab.wasm | wc -c)
	if [ "$gz" -gt $((1500 * 1000)) ]; then
		echo "dist/ptlab.wasm is $gz bytes gzipped, over the 1.5 MB budget" >&2
		exit 1
	fi
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
	# The browser tests (e2e) run after the others, not beside them: they
	# time the page and the worker against native code, and on a small
	# machine the engine's own tests running in parallel would take the
	# CPU from them. They append their measurements (sizes, time to an
	# interactive editor, worker throughput) here; go test hides a
	# passing test's output, so they are printed after the run.
	export PTLAB_MEASUREMENTS="$PWD/dist/e2e-measurements.txt"
	rm -f "$PTLAB_MEASUREMENTS"
	status=0
	step "go test (every package but e2e)"
	go test -timeout 30m $(go list ./... | grep -v '/e2e$') || status=$?
	step "go test ./e2e (browser tests)"
	go test -timeout 30m ./e2e || status=$?
	if [ -s "$PTLAB_MEASUREMENTS" ]; then
		step "browser measurements (e2e)"
		cat "$PTLAB_MEASUREMENTS"
	fi
	return "$status"
}

[ $# -eq 1 ] || usage
case "$1" in
build) build ;;
serve) serve ;;
test) test_all ;;
*) usage ;;
esac
