#!/usr/bin/env bash
# Coverage-guided fuzzing of every parser of outside input (the targets in fuzz/src/bin/),
# with AFL++ on the stable toolchain.
#
#   scripts/fuzz.sh [SECONDS]   run every target for SECONDS each (default 60), starting from
#                               its seeds in fuzz/seeds/<target>/; prints executions, speed,
#                               corpus and crashes per target; exits non-zero on any crash
#   scripts/fuzz.sh --seeds     write fuzz/seeds/ again from the tests' inputs
#   scripts/fuzz.sh --build     only install AFL++ and build the targets (scripts/test.sh
#                               builds them in the background while the tests run)
#
# Environment:
#   FUZZ_TARGETS="import markup"  only these targets (default: every one in fuzz/src/bin/)
#   FUZZ_PROFILE=smoke            the unoptimised build scripts/test.sh uses (default release)
#   FUZZ_EXECS=N                  stop each target after N executions instead of SECONDS
#   FUZZ_OUT=DIR                  where AFL++ writes (default target/fuzz/out); each run of a
#                                 target starts afresh in DIR/<target>
#
# AFL++ is Debian's `afl++` package (afl-fuzz and its compiler runtime), installed here when
# missing. Rust code is instrumented by rustc itself (LLVM's SanitizerCoverage, the flags
# cargo-afl passes) and linked with AFL++'s runtime; the `afl` crate supplies the persistent
# loop. The targets are a workspace of their own (fuzz/Cargo.toml) built into target/fuzz, so
# the main workspace never compiles any of this.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

die() {
    echo "error: $*" >&2
    exit 1
}

AFL_RT=/usr/lib/afl/afl-compiler-rt.o
if ! command -v afl-fuzz >/dev/null || [ ! -f "$AFL_RT" ]; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || die "not root and no sudo: install afl++ by hand"
        SUDO="sudo"
    fi
    echo "installing: afl++"
    $SUDO apt-get update -q
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends afl++
fi
[ -f "$AFL_RT" ] || die "$AFL_RT not found after installing afl++"

PROFILE=${FUZZ_PROFILE:-release}
TARGET_DIR="$ROOT/target/fuzz"
# What `cargo afl build` passes (cargo-afl's run_cargo), with Debian's runtime object.
export RUSTFLAGS="-C passes=sancov-module \
-C llvm-args=-sanitizer-coverage-level=3 \
-C llvm-args=-sanitizer-coverage-trace-pc-guard \
-C llvm-args=-sanitizer-coverage-prune-blocks=0 \
-C llvm-args=-sanitizer-coverage-trace-compares \
--cfg fuzzing -C link-arg=$AFL_RT"
# The fuzz crate is linted as it compiles (as scripts/test.sh does for the workspace).
LINT_ENV=()
if command -v clippy-driver >/dev/null; then
    LINT_ENV=(RUSTC_WORKSPACE_WRAPPER="$(command -v clippy-driver)"
        CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__")
fi
cargo_fuzz() {
    env "${LINT_ENV[@]}" cargo "$1" --manifest-path fuzz/Cargo.toml --target-dir "$TARGET_DIR" \
        --profile "$PROFILE" "${@:2}"
}

if [ "${1:-}" = "--seeds" ]; then
    cargo_fuzz run --example seeds
    exit 0
fi

BUILD_ONLY=0
if [ "${1:-}" = "--build" ]; then
    BUILD_ONLY=1
    shift
fi
SECONDS_EACH=${1:-60}
[[ "$SECONDS_EACH" =~ ^[0-9]+$ ]] || die "usage: scripts/fuzz.sh [SECONDS] | --seeds | --build"
if [ -n "${FUZZ_TARGETS:-}" ]; then
    read -r -a TARGETS <<<"$FUZZ_TARGETS"
else
    TARGETS=()
    for f in fuzz/src/bin/*.rs; do TARGETS+=("$(basename "$f" .rs)"); done
fi

echo "building ${TARGETS[*]} ($PROFILE)"
cargo_fuzz build --bins --quiet
[ $BUILD_ONLY -eq 0 ] || exit 0
BIN_DIR="$TARGET_DIR/$PROFILE"

OUT=${FUZZ_OUT:-$TARGET_DIR/out}
mkdir -p "$OUT"
# No screen to draw on; a shared machine's CPU frequency and core dump settings are not ours
# to change; cores are not pinned (the other work on the machine keeps its own).
export AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1

stat() { awk -F' *: *' -v k="$2" '$1 == k {print $2}' "$1"; }

SUMMARY=()
FOUND=0
for t in "${TARGETS[@]}"; do
    [ -x "$BIN_DIR/$t" ] || die "no fuzz target '$t' (fuzz/src/bin/$t.rs)"
    [ -d "fuzz/seeds/$t" ] || die "no seeds for '$t' (fuzz/seeds/$t/)"
    rm -rf "${OUT:?}/$t"
    if [ -n "${FUZZ_EXECS:-}" ]; then
        limit=(-E "$FUZZ_EXECS")
        echo "fuzzing $t ($FUZZ_EXECS executions)"
    else
        limit=(-V "$SECONDS_EACH")
        echo "fuzzing $t (${SECONDS_EACH} s)"
    fi
    log="$OUT/$t.log"
    if ! afl-fuzz -i "fuzz/seeds/$t" -o "$OUT/$t" "${limit[@]}" -t 1000 -- "$BIN_DIR/$t" >"$log" 2>&1; then
        tail -n 30 "$log"
        die "afl-fuzz could not run $t (log: $log)"
    fi
    stats="$OUT/$t/default/fuzzer_stats"
    crashes=$(find "$OUT/$t/default/crashes" -type f -name 'id:*' 2>/dev/null | wc -l)
    hangs=$(find "$OUT/$t/default/hangs" -type f -name 'id:*' 2>/dev/null | wc -l)
    SUMMARY+=("$(printf '%-10s %12s %8ss %10s %8s %8s %6s' "$t" \
        "$(stat "$stats" execs_done)" "$(stat "$stats" run_time)" "$(stat "$stats" execs_per_sec)" \
        "$(stat "$stats" corpus_count)" "$crashes" "$hangs")")
    if [ "$crashes" -gt 0 ]; then
        FOUND=1
        echo "CRASH: $t: inputs in $OUT/$t/default/crashes/"
    fi
    if [ "$hangs" -gt 0 ]; then
        echo "HANG: $t: inputs that ran over 1 s in $OUT/$t/default/hangs/"
    fi
done

printf '\n%-10s %12s %9s %10s %8s %8s %6s\n' target executions time execs/s corpus crashes hangs
printf '%s\n' "${SUMMARY[@]}"
if [ $FOUND -ne 0 ]; then
    echo "RESULT: crashes found (reproduce one with: $BIN_DIR/<target> < <file>)"
    exit 1
fi
echo "RESULT: no crashes"
