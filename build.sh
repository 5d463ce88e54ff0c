#!/usr/bin/env bash
# sw-websocket build script.
#
#   ./build.sh setup   install what is missing (idempotent)
#   ./build.sh build   build the wasm package into extension/pkg, the test server and
#                      the Cloudflare Worker example (examples/cloudflare-worker/build)
#   ./build.sh test    setup, build, lint, then native, browser and end-to-end tests
#   ./build.sh run     setup, build, start the test server and Chromium with the
#                      extension connected to it; prints its status until Ctrl-C
#   ./build.sh run --worker   the same against the Cloudflare Worker example,
#                      run locally by workerd (examples/cloudflare-worker)
#   ./build.sh bench   setup, build (release), then sw-websocket against the raw
#                      WebSocket and a plain JS twin; exits non-zero on a failed budget
#   ./build.sh package setup, build, then dist/: the demo extension as a zip for the
#                      Chrome Web Store and the npm tarball of the package
#   ./build.sh bundlers  setup, then dist/'s tarball in extensions built by Vite,
#                      esbuild and WXT (target/bundlers; after ./build.sh package)
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" = 0 ]; }

WORKER_EXAMPLE=examples/cloudflare-worker
# The package's entry points written in JS (src/browser): each is bundled
# with the modules it imports into one file of pkg/. worker.js takes in the
# wasm module's JS binding too (wasm-bindgen's sw_websocket.js and the
# snippets it copied, glue.js and fire.js): a worker loads two files, its
# own and worker.js, before its code runs. pkg/sw_websocket.js (the
# `./engine` export) then re-exports the engine from worker.js: one binding,
# one module instance, whichever a worker imports.
WORKER_BUILD_VERSION=0.8.7

# The wasm-bindgen version in Cargo.lock: wasm-bindgen-cli must match it exactly.
wasm_bindgen_version() {
  awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

apt_install() {
  if ! is_root; then
    die "missing $*: install them with 'sudo apt-get install -y $*' (Debian) and run again"
  fi
  if [ -z "${APT_UPDATED:-}" ]; then
    apt-get update -qq
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

setup() {
  step "setup: checking tools"
  command -v cargo >/dev/null || die "cargo not found: install Rust with rustup (https://rustup.rs)"
  local targets
  targets=$(rustup target list --installed 2>/dev/null || true)
  if ! grep -qx wasm32-unknown-unknown <<<"$targets"; then
    step "setup: adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if ! command -v wasm-pack >/dev/null; then
    step "setup: installing wasm-pack (about 2 min)"
    cargo install --locked wasm-pack
  fi
  [ -f Cargo.lock ] || cargo generate-lockfile
  local want have
  want=$(wasm_bindgen_version)
  have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
  if [ "$have" != "$want" ]; then
    step "setup: installing wasm-bindgen-cli $want (have: ${have:-none}; about 3 min)"
    cargo install wasm-bindgen-cli --version "=$want" --force
  fi
  # The Cloudflare Worker example's build tool, at the version its workers-rs
  # (0.8) expects.
  if [ "$(worker-build --version 2>/dev/null || true)" != "$WORKER_BUILD_VERSION" ]; then
    step "setup: installing worker-build $WORKER_BUILD_VERSION (about 3 min)"
    cargo install worker-build --version "=$WORKER_BUILD_VERSION" --locked --force
  fi
  local missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
  command -v node >/dev/null || missing+=(nodejs)
  command -v npm >/dev/null || missing+=(npm)
  if [ ${#missing[@]} -gt 0 ]; then
    step "setup: installing ${missing[*]} from Debian's packages"
    apt_install "${missing[@]}"
  fi
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    step "setup: installing node modules (puppeteer-core, binaryen, terser, typescript)"
    PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
  fi
  # The bundlers the package is tested under (tests/bundlers, one install for
  # its three extensions). WXT 0.21 asks for Node 22 and works on 20.
  if [ ! -f tests/bundlers/node_modules/.package-lock.json ] ||
    [ tests/bundlers/package-lock.json -nt tests/bundlers/node_modules/.package-lock.json ]; then
    step "setup: installing the bundlers under test (Vite, esbuild, WXT: tests/bundlers)"
    (cd tests/bundlers && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed in tests/bundlers"
  fi
  echo "tools ready: $(wasm-pack --version), wasm-bindgen $want, worker-build $WORKER_BUILD_VERSION, $(chromium --version 2>/dev/null), node $(node --version)"
}

build() {
  step "build: wasm package -> extension/pkg (release)"
  rm -rf extension/pkg # nothing of an earlier build stays in the package
  # No path of the build machine in the shipped module (panic locations).
  RUSTFLAGS="--remap-path-prefix=$HOME/.cargo/registry/src=crates --remap-path-prefix=$ROOT=sw-websocket" \
    wasm-pack --quiet build --release --target web --mode no-install \
    --out-dir extension/pkg --out-name sw_websocket
  rm -f extension/pkg/.gitignore
  local wasm=extension/pkg/sw_websocket_bg.wasm before after js
  before=$(wc -c <"$wasm")
  # npm's binaryen: wasm-pack cannot download one and Debian's 108 breaks the module.
  # wasm-bindgen's module starts from zeroed memory and keeps its data above
  # 1 MiB, which is what --zero-filled-memory and --low-memory-unused assume.
  wasm-opt -Oz --converge --low-memory-unused --zero-filled-memory --strip-target-features \
    --strip-debug --strip-producers --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$wasm" -o "$wasm.opt"
  mv "$wasm.opt" "$wasm"
  # Short import and export names in the module and its glue, instead of
  # wasm-bindgen's hashed ones (they do not compress).
  node tools/short-names.mjs extension/pkg sw_websocket
  after=$(wc -c <"$wasm")
  echo "wasm: $before bytes -> $after bytes after wasm-opt -Oz and short names ($(gzip -9c "$wasm" | wc -c) gzip)"
  # The JS entry points (the worker's, with its class and the wasm binding;
  # the pages') and their types, then the npm package.json. The binding is
  # bundled from a copy of src/browser beside it (socket.js imports it as
  # ./sw_websocket.js); wasm-bindgen's imports object names glue.js once per
  # import group, which esbuild would warn about (the same module each time).
  local entry stage=target/js-bundle
  rm -rf "$stage" && mkdir -p "$stage"
  cp src/browser/*.js extension/pkg/sw_websocket.js "$stage/"
  cp -r extension/pkg/snippets "$stage/"
  esbuild "$stage/worker.js" --bundle --format=esm --log-level=warning \
    --log-override:duplicate-object-key=silent --outfile=extension/pkg/worker.js
  esbuild src/browser/page.js --bundle --format=esm --log-level=warning --outfile=extension/pkg/page.js
  rm -r extension/pkg/snippets
  echo "export { initEngine as default, initEngineSync as initSync, SwWebSocketEngine, setStorageAreas } from './worker.js';" \
    >extension/pkg/sw_websocket.js
  cp src/browser/worker.d.ts src/browser/page.d.ts extension/pkg/
  node tools/package-json.mjs extension/pkg
  # The JS, minified (exported names and import keys stay as they are).
  for js in extension/pkg/worker.js extension/pkg/page.js; do
    terser "$js" --module --compress --mangle -o "$js.min"
    mv "$js.min" "$js"
  done
  js=$(cat extension/pkg/*.js | wc -c)
  echo "js glue: $js bytes minified"
  step "build: test server"
  cargo build --quiet -p sw-test-server
  worker_example
}

# The Cloudflare Worker example, with worker-build: the wasm-bindgen CLI
# installed above (the example pins the same wasm-bindgen), npm's esbuild and
# npm's binaryen; worker-build would otherwise download all three, and
# Debian's binaryen 108 breaks modules.
worker_example() {
  step "build: Cloudflare Worker example -> $WORKER_EXAMPLE/build (worker-build --release)"
  local wasm_bindgen log
  wasm_bindgen=$(command -v wasm-bindgen)
  log=$(mktemp)
  # No path of the build machine in the module (panic locations), as above.
  if ! (
    cd "$WORKER_EXAMPLE"
    WASM_BINDGEN_BIN="$wasm_bindgen" ESBUILD_BIN="$ROOT/node_modules/.bin/esbuild" \
      WASM_OPT_BIN="$ROOT/node_modules/.bin/wasm-opt" \
      RUSTFLAGS="--remap-path-prefix=$HOME/.cargo/registry/src=crates --remap-path-prefix=$ROOT=sw-websocket" \
      worker-build --release
  ) >"$log" 2>&1; then
    cat "$log"
    die "worker-build failed in $WORKER_EXAMPLE"
  fi
  grep -h 'Using custom' "$log" | sed 's/^.*Using custom //' || true
  rm -f "$log"
  local f
  for f in build/index_bg.wasm build/index.js build/worker/shim.mjs; do
    [ -f "$WORKER_EXAMPLE/$f" ] || die "worker-build wrote no $WORKER_EXAMPLE/$f"
    echo "$f: $(wc -c <"$WORKER_EXAMPLE/$f") bytes ($(gzip -9c "$WORKER_EXAMPLE/$f" | wc -c) gzip)"
  done
}

# The release version: Cargo.toml's, which the demo's manifest.json must carry too.
version() {
  local cargo manifest
  cargo=$(awk -F'"' '/^version = / { print $2; exit }' Cargo.toml)
  manifest=$(node -p "require('./extension/manifest.json').version")
  [ "$cargo" = "$manifest" ] || die "version $cargo in Cargo.toml but $manifest in extension/manifest.json"
  echo "$cargo"
}

# dist/: the demo extension zipped for the Chrome Web Store (no types, no npm
# files, no source maps: none are built) and the npm tarball of extension/pkg.
package() {
  step "package: dist/"
  local v zipfile
  v=$(version)
  rm -rf dist && mkdir -p dist
  zipfile="$ROOT/dist/sw-websocket-extension-$v.zip"
  (cd extension && zip -q -X -r "$zipfile" . -x 'pkg/*.d.ts' 'pkg/package.json' 'pkg/README.md' '*.map' '.*')
  # The listing is read whole first: piped into grep's quiet mode under
  # pipefail, unzip dies of SIGPIPE when grep stops reading early.
  local listing
  listing=$(unzip -l "$zipfile")
  grep -q ' manifest.json$' <<<"$listing" || die "the zip has no manifest.json"
  npm pack ./extension/pkg --pack-destination dist --silent >/dev/null
  [ -f "dist/sw-websocket-$v.tgz" ] || die "npm pack wrote no dist/sw-websocket-$v.tgz"
  for f in dist/*; do echo "$f: $(wc -c <"$f") bytes"; done
}

# Installs the npm tarball the way the README tells a user, into the consumer
# test extension's vendor/ folder, and type-checks that extension against it.
consumer() {
  step "package: the consumer extension imports the packed package"
  local v npmdir=target/consumer-npm
  v=$(version)
  rm -rf "$npmdir" tests/consumer-extension/vendor
  mkdir -p "$npmdir" tests/consumer-extension/vendor
  npm install --prefix "$npmdir" --offline --no-audit --no-fund --loglevel=error "./dist/sw-websocket-$v.tgz"
  cp -r "$npmdir/node_modules/sw-websocket" tests/consumer-extension/vendor/
  tsc -p tests/consumer-extension/tsconfig.json
  # And without ESNext.Disposable: the types must not need a lib beyond ES2022 and DOM.
  tsc -p tests/consumer-extension/tsconfig.es2022.json
  echo "tsc: the consumer extension type-checks against the package's types (lib ESNext.Disposable and ES2022 alone)"
}

# Runs "$@" with its output kept in a log, shown only when it fails.
quietly() {
  local log
  log=$(mktemp)
  if ! "$@" >"$log" 2>&1; then
    cat "$log"
    rm -f "$log"
    die "failed: $*"
  fi
  rm -f "$log"
}

# The npm tarball installed (offline) into each of tests/bundlers' three
# extensions, each built by its bundler into target/bundlers/NAME (the
# end-to-end test tests/e2e/bundlers.test.mjs loads them in Chromium).
bundlers() {
  step "bundlers: the packed package in extensions built by Vite, esbuild and WXT -> target/bundlers/"
  local v name npmdir=target/bundlers-npm src=tests/bundlers out=target/bundlers bin=tests/bundlers/node_modules/.bin
  v=$(version)
  rm -rf "$npmdir" "$out" && mkdir -p "$npmdir" "$out"
  # Explicit dies: "setup && bundlers" runs this function without errexit.
  npm install --prefix "$npmdir" --offline --no-audit --no-fund --loglevel=error "./dist/sw-websocket-$v.tgz" ||
    die "could not install dist/sw-websocket-$v.tgz: run ./build.sh package first"
  for name in vite esbuild wxt; do
    rm -rf "${src:?}/$name/node_modules" && mkdir -p "$src/$name/node_modules" &&
      cp -r "$npmdir/node_modules/sw-websocket" "$src/$name/node_modules/" || die "could not install the package into $src/$name"
  done
  local began files
  for name in vite esbuild wxt; do
    began=$(date +%s%N)
    case $name in
      vite) quietly "$bin/vite" build "$src/vite" ;;
      esbuild)
        quietly "$bin/esbuild" "$src/esbuild/service-worker.js" --bundle --format=esm \
          --loader:.wasm=file --outdir="$out/esbuild"
        cp "$src/esbuild/manifest.json" "$src/esbuild/page.html" "$out/esbuild/" || die "could not copy esbuild's manifest"
        ;;
      wxt) (cd "$src/wxt" && quietly ../node_modules/.bin/wxt build) || exit 1 ;;
    esac
    [ -f "$out/$name/manifest.json" ] || die "$name wrote no $out/$name/manifest.json"
    files=$(cd "$out/$name" && find . -name '*.js' -o -name '*.wasm' | sort | while read -r f; do
      printf '%s %s B, ' "${f#./}" "$(wc -c <"$f")"
    done)
    case $files in *.wasm*) ;; *) die "$name emitted no .wasm into $out/$name" ;; esac
    echo "$name: $(( ($(date +%s%N) - began) / 1000000 )) ms: ${files%, }"
  done
}

# node with a global WebSocket client (the tests against the Worker join its
# rooms with it): Node 20 has it behind a flag, on by default from Node 22.
node_ws() {
  if node -e 'process.exit(typeof WebSocket === "function" ? 0 : 1)'; then
    node "$@"
  else
    node --experimental-websocket "$@"
  fi
}

SERVER_PID=""
stop_server() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}

# Starts the test server on a free port; sets SW_TEST_SERVER to its ws:// URL.
start_server() {
  local log
  log=$(mktemp)
  target/debug/sw-test-server "$@" >"$log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 50); do
    SW_TEST_SERVER=$(grep -m1 -o 'ws://[^ ]*' "$log" || true)
    [ -n "$SW_TEST_SERVER" ] && break
    sleep 0.1
  done
  [ -n "$SW_TEST_SERVER" ] || { cat "$log"; die "the test server did not start"; }
  export SW_TEST_SERVER
  echo "test server: $SW_TEST_SERVER"
}

# One browser test binary. The runner's page server is given a port on which
# tools/runner-nudge.mjs opens a short connection every 500 ms: without that, its
# thread pool now and then strands one of the worker's module requests and the
# run hangs until the timeout with no test seen (the script says why).
wasm_test() {
  local ports nudger port="" status=0
  ports=$(mktemp)
  node tools/runner-nudge.mjs >"$ports" &
  nudger=$!
  for _ in $(seq 50); do
    port=$(head -1 "$ports")
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { kill "$nudger"; die "tools/runner-nudge.mjs printed no port"; }
  WASM_BINDGEN_TEST_ADDRESS="127.0.0.1:$port" \
    WASM_BINDGEN_TEST_WEBDRIVER_JSON="$ROOT/tests/webdriver.json" WASM_BINDGEN_TEST_TIMEOUT=30 \
    wasm-pack test --headless --chrome --chromedriver "$(command -v chromedriver)" \
    --mode no-install -- --test "$1" || status=$?
  kill "$nudger" 2>/dev/null || true
  wait "$nudger" 2>/dev/null || true
  rm -f "$ports"
  return "$status"
}

test_all() {
  setup
  build
  package
  consumer
  bundlers
  step "lint: no pipeline into 'grep -q' or 'head' (under pipefail the producer's SIGPIPE fails it at random)"
  # The pattern's own line does not match it: [d] is not a d.
  if grep -nE '\|\s*(grep\s+(-[a-zA-Z]+\s+)*-[a-zA-Z]*q|hea[d]\b)' build.sh .ci/run fuzz/run.sh; then
    die "the lines above pipe into grep -q or head: capture the output first, or use grep -m1"
  fi
  step "lint: no import circle between the modules of src/"
  node tools/import-cycles.mjs
  step "lint: rustfmt and clippy (native and wasm32)"
  cargo fmt --all -- --check
  cargo clippy --quiet --workspace --all-targets -- -D warnings
  cargo clippy --quiet --target wasm32-unknown-unknown --lib --tests --examples -- -D warnings
  cargo fmt --manifest-path "$WORKER_EXAMPLE/Cargo.toml" -- --check
  cargo clippy --quiet --manifest-path "$WORKER_EXAMPLE/Cargo.toml" --all-targets -- -D warnings
  cargo clippy --quiet --manifest-path "$WORKER_EXAMPLE/Cargo.toml" --target wasm32-unknown-unknown -- -D warnings

  step "docs: cargo doc for wasm32 (warnings are errors) and the Rust example"
  RUSTDOCFLAGS="-D warnings" cargo doc --quiet --no-deps --target wasm32-unknown-unknown
  cargo build --quiet --example from_rust --target wasm32-unknown-unknown

  step "test: native (core, with a virtual clock; the Worker example's protocol)"
  cargo test --workspace
  cargo test --manifest-path "$WORKER_EXAMPLE/Cargo.toml"

  step "test: fuzz, a short run of each target (fuzz/run.sh; longer runs: see the README)"
  fuzz/run.sh "${FUZZ_SECONDS:-15}"

  step "test: browser (wasm-bindgen-test in a service worker, headless Chromium)"
  trap stop_server EXIT
  local binary log
  for binary in web web_survive web_resume web_codec web_kinds; do
    # A fresh server per binary: the tests read its per-tag stats.
    start_server
    log=$(mktemp)
    # Should the runner still see no test finish (the stranded request that
    # wasm_test's nudges release, or anything like it), that failure alone is
    # retried, at most twice; any other fails.
    local attempt=1
    until wasm_test "$binary" 2>&1 | tee "$log"; do
      grep -q 'Failed to detect test as having been run' "$log" || die "browser tests failed ($binary)"
      [ "$attempt" -lt 3 ] || die "browser tests failed ($binary): the runner never saw them finish, 3 times"
      attempt=$((attempt + 1))
      step "retrying $binary (attempt $attempt of 3): the test runner did not see the tests finish"
      stop_server
      start_server
    done
    stop_server
  done

  step "test: end to end (puppeteer-core, Chromium, the unpacked extension; workerd)"
  mkdir -p target/e2e
  node_ws --test --test-concurrency=2 tests/e2e/
}

case "${1:-}" in
  setup) setup ;;
  build) setup && build ;;
  test) test_all ;;
  run) setup && build && node_ws tests/e2e/run.mjs "${@:2}" ;;
  package) setup && build && package ;;
  bundlers) setup && bundlers ;;
  bench)
    setup && build
    step "bench: test server (release)"
    cargo build --quiet --release -p sw-test-server
    step "bench: about 3 minutes (the keepalive figures need one idle minute)"
    exec node tests/bench/bench.mjs
    ;;
  *)
    sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
