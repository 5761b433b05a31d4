#!/usr/bin/env bash
# The one test command: `bash scripts/test.sh` (CI runs it through .ci/run).
#
# On a Debian machine that has only the Rust toolchain it installs what is missing
# (PostgreSQL, Chromium, ChromeDriver, npm and axe-core), starts a throwaway PostgreSQL cluster on a free
# loopback port, and then runs, in order:
#   1. cargo fmt --check
#   2. one build of every target, linted by clippy (-D warnings) as it compiles
#   3. the whole suite on SQLite (unit, integration, browser and CLI tests)
#   4. the database-touching suites (guild-store, and guild-web's integration tests) again on
#      PostgreSQL
#   5. Schemathesis against a demo server, every API operation fuzzed against the OpenAPI
#      document with every check on (scripts/schemathesis.sh; it installs Schemathesis from
#      PyPI into target/schemathesis-venv)
#   6. every fuzz target (fuzz/) for a few seconds each under AFL++ (scripts/fuzz.sh, which
#      installs Debian's afl++ when missing), from its seeds: a crash fails the run; their
#      build runs in the background from step 3 on
# Every step runs even when an earlier one failed, so one run shows every problem; the
# script exits non-zero if any step failed. The cluster is stopped and deleted on exit.
# Each step prints its time, and the summary lists them all.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
START=$(date +%s)

section() { printf '\n==== %s ====\n' "$*"; }
die() {
    echo "error: $*" >&2
    exit 1
}

# ---------------------------------------------------------------------------------------
section "Dependencies (PostgreSQL, Chromium, ChromeDriver, npm, axe-core)"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "not root and no sudo: install postgresql chromium chromium-driver by hand"
    SUDO="sudo"
fi

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v npm >/dev/null || missing+=(npm)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
# promtool checks the /metrics output (crates/web/tests/it/ops.rs).
command -v promtool >/dev/null || missing+=(prometheus)
PG_BIN=$(pg_bin)
if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ] || [ ! -x "$PG_BIN/pg_ctl" ]; then
    missing+=(postgresql)
fi
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    $SUDO apt-get update -q
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
    PG_BIN=$(pg_bin)
else
    echo "all present"
fi
[ -x "$PG_BIN/initdb" ] || die "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin"
command -v chromium >/dev/null || die "chromium not found after install"
command -v chromedriver >/dev/null || die "chromedriver not found after install"
command -v promtool >/dev/null || die "promtool (Debian package prometheus) not found after install"
echo "postgres: $("$PG_BIN/postgres" --version)"
echo "chromium: $(chromium --version 2>/dev/null || echo '?')"
echo "chromedriver: $(chromedriver --version 2>/dev/null || echo '?')"

# axe-core, the accessibility checker the browser tests run in every page (from the npm
# registry, into target/axe; crates/web/tests/browser/look.rs names the version).
AXE_VERSION=$(grep -o 'axe-core@[0-9.]*' crates/web/tests/browser/look.rs | head -n 1)
if [ ! -f target/axe/node_modules/axe-core/axe.min.js ] ||
    ! grep -q "\"version\": \"${AXE_VERSION#axe-core@}\"" target/axe/node_modules/axe-core/package.json; then
    npm install --no-audit --no-fund --silent --prefix target/axe "$AXE_VERSION" || die "npm install $AXE_VERSION failed"
fi
echo "axe-core: $(grep -o '"version": "[^"]*"' target/axe/node_modules/axe-core/package.json)"

# A build from scratch (a fresh clone, as CI's) gains nothing from incremental compilation's
# bookkeeping; a developer's warm target/ keeps it.
if [ ! -d target/debug ] && [ -z "${CARGO_INCREMENTAL:-}" ]; then
    export CARGO_INCREMENTAL=0
fi
export CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver)}"
export CHROME="${CHROME:-$(command -v chromium)}"

# ---------------------------------------------------------------------------------------
section "Throwaway PostgreSQL cluster"

# initdb refuses to run as root, so the cluster belongs to the `postgres` system user,
# which Debian's postgresql-common package creates.
as_postgres() {
    if [ "$(id -un)" = "postgres" ]; then
        "$@"
    elif [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        sudo -u postgres -- "$@"
    fi
}

PG_DIR=$(mktemp -d -t guild-pg.XXXXXX)
$SUDO chown postgres: "$PG_DIR"
cleanup() {
    if [ -f "$PG_DIR/data/postmaster.pid" ]; then
        as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    $SUDO rm -rf "$PG_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C --no-sync >"$PG_DIR/initdb.log" 2>&1 ||
    {
        cat "$PG_DIR/initdb.log"
        die "initdb failed"
    }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A port that nothing listens on; a race with another process is caught by the retry.
PG_PORT=""
for _ in $(seq 1 20); do
    port=$((20000 + RANDOM % 40000))
    port_in_use "$port" && continue
    if as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
        start >/dev/null; then
        PG_PORT=$port
        break
    fi
done
if [ -z "$PG_PORT" ]; then
    cat "$PG_DIR/server.log" 2>/dev/null || true
    die "could not start PostgreSQL"
fi
PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
echo "PostgreSQL listening on 127.0.0.1:$PG_PORT (data in $PG_DIR)"

# ---------------------------------------------------------------------------------------
# The steps. Each is timed and recorded; a failure does not stop the later steps.
RESULTS=()
FAILED=0
step() {
    local name=$1
    shift
    section "$name"
    echo "+ $*"
    local t0 rc=0
    t0=$(date +%s)
    "$@" || rc=$?
    local secs=$(($(date +%s) - t0))
    if [ $rc -eq 0 ]; then
        RESULTS+=("ok      ${secs}s  $name")
    else
        RESULTS+=("FAILED  ${secs}s  $name (exit $rc)")
        FAILED=1
    fi
}

if cargo nextest --version >/dev/null 2>&1; then
    RUNNER=nextest
else
    RUNNER=cargo-test
fi
echo
echo "test runner: $RUNNER"

# nextest does not run doc tests, so cargo test does. Its per-crate lines ("0 passed" for each
# crate without examples) are shown only on failure, so the log ends with the real summaries.
doc_tests() {
    local log n
    log=$(mktemp)
    if env -u TEST_DATABASE_URL "${TEST_ENV[@]}" cargo test --workspace --doc >"$log" 2>&1; then
        n=$(grep -Eo '^test result: ok\. [0-9]+ passed' "$log" | awk '{s += $4} END {print s + 0}')
        echo "doc tests: ok ($n run)"
        rm -f "$log"
    else
        cat "$log"
        rm -f "$log"
        return 1
    fi
}

# The whole suite with TEST_DATABASE_URL unset: every TestApp uses SQLite.
sqlite_suite() {
    if [ $RUNNER = nextest ]; then
        env -u TEST_DATABASE_URL FAULTS_DATABASE_URL="$PG_URL" "${TEST_ENV[@]}" \
            cargo nextest run --workspace --no-fail-fast && doc_tests
    else
        env -u TEST_DATABASE_URL FAULTS_DATABASE_URL="$PG_URL" "${TEST_ENV[@]}" \
            cargo test --workspace --no-fail-fast
    fi
}

# The crates whose tests touch the database, again on PostgreSQL: the store's contract suite
# and the web crate's integration tests (every route and page through the router, on the
# PostgreSQL store). The browser tests run once, on SQLite: what they add — scripts, layout,
# accessibility in Chromium — does not depend on the database, and every page they drive is
# also requested on PostgreSQL by the integration tests. `guild backup` and `guild restore`
# (crates/cli/tests/backup.rs) run here too, on PostgreSQL. (The fault tests of
# crates/cli/tests/faults start PostgreSQL clusters of their own, so they run in the SQLite
# step.)
# Four at a time on two cores: these tests wait on PostgreSQL's round trips more than they
# compute (about a seventh faster than two).
# Built as the whole workspace and filtered, not with `-p`: a `-p` build unifies features
# differently and would compile the dependencies a second time.
postgres_suite() {
    if [ $RUNNER = nextest ]; then
        env TEST_DATABASE_URL="$PG_URL" "${TEST_ENV[@]}" cargo nextest run --workspace --no-fail-fast \
            --test-threads 4 -E '(package(guild-store) | package(guild-web) | (package(guild-cli) & binary(backup))) - binary(browser)'
    else
        env TEST_DATABASE_URL="$PG_URL" "${TEST_ENV[@]}" cargo test --workspace --no-fail-fast
    fi
}

# Clippy lints the workspace's crates while the test build compiles them: clippy-driver is
# the rustc of workspace crates (what `cargo clippy` itself does, with a full build instead of
# a check), so the dependencies are compiled once instead of checked for clippy and built
# again for the tests. `CLIPPY_ARGS` is how `cargo clippy -- -D warnings` passes its flags.
# `cargo test` builds examples too, so this covers what `clippy --all-targets` did.
LINT_ENV=(RUSTC_WORKSPACE_WRAPPER="$(command -v clippy-driver || echo clippy-driver-not-found)"
    CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__")
# The test steps reuse that build; if it failed on a lint they build without the linter, so
# the tests still run and one run shows every problem.
TEST_ENV=("${LINT_ENV[@]}")

build_and_lint() {
    if grep -rln '#\[cfg(test)\]' crates/web/src; then
        echo "guild-web has no unit-test target (test = false): put these tests in crates/web/tests/it/pieces.rs" >&2
        return 1
    fi
    if [ $RUNNER = nextest ]; then
        env "${LINT_ENV[@]}" cargo nextest run --workspace --no-run
    else
        env "${LINT_ENV[@]}" cargo test --workspace --no-run
    fi || {
        TEST_ENV=()
        return 1
    }
}

# The fuzz targets, briefly: each replays its seeds (regression inputs included) and mutates
# them for FUZZ_SECONDS, in the unoptimised `smoke` build, which compiles in a fraction of the
# release build's time. Its own workspace, so formatted and linted here (scripts/fuzz.sh builds
# it with clippy as the compiler). `scripts/fuzz.sh [SECONDS]` is the long run.
#
# That build (its own target directory, instrumented, so it shares nothing with the tests')
# starts in the background once the workspace is built, at the lowest priority: it takes the
# CPU the test steps leave idle (browsers and databases waiting), and the fuzz step waits for
# what is left of it.
FUZZ_BUILD_LOG="$ROOT/target/fuzz-build.log"
FUZZ_BUILD_PID=""
start_fuzz_build() {
    mkdir -p "$ROOT/target"
    FUZZ_PROFILE=smoke nice -n 19 bash scripts/fuzz.sh --build >"$FUZZ_BUILD_LOG" 2>&1 &
    FUZZ_BUILD_PID=$!
}
fuzz_briefly() {
    local built=0
    if [ -n "$FUZZ_BUILD_PID" ]; then
        wait "$FUZZ_BUILD_PID" || built=$?
        cat "$FUZZ_BUILD_LOG"
    fi
    [ $built -eq 0 ] &&
        cargo fmt --manifest-path fuzz/Cargo.toml -- --check &&
        FUZZ_PROFILE=smoke FUZZ_OUT="$ROOT/target/fuzz/out-smoke" bash scripts/fuzz.sh "${FUZZ_SECONDS:-4}"
}

# Schemathesis is installed from PyPI in the background while the build runs (it waits on
# the network more than on the CPU); its step waits for that, then runs.
ST_INSTALL_LOG=$(mktemp)
bash scripts/schemathesis.sh --install >"$ST_INSTALL_LOG" 2>&1 &
ST_INSTALL_PID=$!
schemathesis_step() {
    # A failed install is retried (and shown) by the run itself.
    wait "$ST_INSTALL_PID" || cat "$ST_INSTALL_LOG"
    bash scripts/schemathesis.sh target/debug/guild
}

step "cargo fmt --check" cargo fmt --all -- --check
step "build every target, linted by clippy -D warnings" build_and_lint
start_fuzz_build
step "tests on SQLite (whole workspace, incl. browser tests)" sqlite_suite
step "tests on PostgreSQL (guild-store, guild-web integration tests)" postgres_suite
# The binary the test build above made (the CLI tests need it), so Schemathesis compiles
# nothing; meanwhile the fuzz targets' background build takes the core it leaves.
step "Schemathesis: the API against its OpenAPI document" schemathesis_step
step "fuzz every target briefly (scripts/fuzz.sh, AFL++)" fuzz_briefly

# ---------------------------------------------------------------------------------------
section "Summary"
printf '%s\n' "${RESULTS[@]}"
echo "screenshots: $ROOT/target/screenshots/"
echo "total wall time: $(($(date +%s) - START))s"
if [ $FAILED -ne 0 ]; then
    echo "RESULT: FAILED"
    exit 1
fi
echo "RESULT: all steps passed"
