#!/usr/bin/env bash
# Fuzzes the core: each target for SECONDS (default 20), one after the other.
#
#   fuzz/run.sh [SECONDS]
#
# Targets (fuzz/fuzz_targets/): `snapshot` (stored snapshots decoded and
# restored) and `core_events` (random event sequences, invariants checked at
# every step); see fuzz/README.md. Uses cargo-fuzz (libFuzzer) on the nightly
# toolchain and installs cargo-fuzz if it is missing. First replays the seeds
# on stable (`cargo test` in fuzz/). New inputs go to fuzz/corpus/TARGET (kept
# between runs, not committed), crashes to fuzz/artifacts/TARGET. Prints each
# target's executions and coverage; exits non-zero on a crash or a build error.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

SECONDS_EACH=${1:-20}
CARGO_FUZZ_VERSION=0.13.2
TARGETS=(snapshot core_events)

die() { printf 'fuzz/run.sh: %s\n' "$*" >&2; exit 1; }

[[ $SECONDS_EACH =~ ^[1-9][0-9]*$ ]] || die "SECONDS must be a positive whole number, not '$SECONDS_EACH'"
command -v cargo >/dev/null || die "cargo not found: install Rust with rustup (https://rustup.rs)"
command -v c++ >/dev/null || die "libFuzzer needs a C++ compiler: install g++ (Debian: apt-get install g++)"
toolchains=$(rustup toolchain list)
if ! grep -q '^nightly' <<<"$toolchains"; then
  echo "fuzz: installing the nightly toolchain (cargo-fuzz needs it)"
  rustup toolchain install nightly --profile minimal
fi
if [ "$(cargo fuzz --version 2>/dev/null | awk '{print $2}')" != "$CARGO_FUZZ_VERSION" ]; then
  echo "fuzz: installing cargo-fuzz $CARGO_FUZZ_VERSION (about 1 min)"
  cargo install --locked cargo-fuzz --version "=$CARGO_FUZZ_VERSION"
fi

echo "fuzz: replaying the seeds (stable)"
if ! out=$(cargo +stable test --quiet --manifest-path fuzz/Cargo.toml 2>&1); then
  printf '%s\n' "$out" >&2
  die "the seeds do not replay cleanly"
fi

# No sanitizer: src/core has no unsafe code, and ASan would halve the speed.
# Debug assertions and overflow checks stay on (cargo-fuzz's default).
echo "fuzz: building the targets (nightly, libFuzzer)"
cargo +nightly fuzz build --sanitizer none

for target in "${TARGETS[@]}"; do
  mkdir -p "fuzz/corpus/$target"
  args=(-max_total_time="$SECONDS_EACH" -timeout=10 -print_final_stats=1)
  [ -f "fuzz/$target.dict" ] && args+=(-dict="fuzz/$target.dict")
  log=$(mktemp)
  trap 'rm -f "$log"' EXIT
  echo "fuzz: $target for $SECONDS_EACH s"
  if ! cargo +nightly fuzz run --sanitizer none "$target" "fuzz/corpus/$target" "fuzz/seeds/$target" \
    -- "${args[@]}" >"$log" 2>&1; then
    if grep -q -E 'panicked at|ERROR: libFuzzer' "$log"; then
      grep -E -A8 'panicked at|ERROR: libFuzzer' "$log" | grep -v -E '^ +[0-9]+: |^ +at ' >&2
      crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
      die "$target: crash, input in ${crash:-fuzz/artifacts/$target/}; replay it with
  cargo +nightly fuzz run --sanitizer none $target ${crash:-<file>}
or on stable, with the steps it took (core_events):
  FUZZ_REPLAY=${crash:-<file>} cargo +stable test --manifest-path fuzz/Cargo.toml one_input -- --nocapture"
    fi
    tail -n 40 "$log" >&2
    die "$target: cargo fuzz failed (see above)"
  fi
  # "#4834404 DONE cov: 3877 ft: 10361 corp: 2207/892Kb lim: 4096 exec/s: 155948 rss: 37Mb"
  awk -v target="$target" '
    $2 == "DONE" {
      for (i = 1; i <= NF; i++) {
        if ($i == "cov:") cov = $(i + 1)
        if ($i == "ft:") ft = $(i + 1)
        if ($i == "corp:") corp = $(i + 1)
        if ($i == "exec/s:") rate = $(i + 1)
      }
      runs = substr($1, 2)
    }
    /^Done [0-9]+ runs in/ { secs = $5 }
    END {
      if (runs == "") { print "fuzz: " target ": no DONE line in the libFuzzer output"; exit 1 }
      split(corp, c, "/")
      printf "fuzz: %s: %d executions in %s s (%s exec/s), coverage cov %s ft %s, corpus %s inputs (%s), no crash\n",
        target, runs, secs, rate, cov, ft, c[1], c[2]
    }' "$log"
  rm -f "$log"
done
