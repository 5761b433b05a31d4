#!/usr/bin/env bash
# Fuzzes the JSON API against its own OpenAPI document with Schemathesis: every operation the
# document lists, every check on, in positive and negative modes, then stateful sequences.
# A route added to the document is fuzzed from the day it lands; any failure fails the step.
#
#   bash scripts/schemathesis.sh [GUILD_BINARY]     (default target/debug/guild)
#   bash scripts/schemathesis.sh --install          (only install Schemathesis)
#
# It installs Schemathesis (pinned) into a virtualenv under target/, starts
# `guild demo --members 100` on a free loopback port with a throwaway data directory, takes a
# token for the demo member, runs Schemathesis with a fixed seed and a bounded number of
# examples per operation, and stops the server on exit. SCHEMATHESIS_EXAMPLES and
# SCHEMATHESIS_SEED override the two numbers.
set -euo pipefail
cd "$(dirname "$0")/.."

ST_VERSION=4.32.5
VENV=target/schemathesis-venv
GUILD=${1:-target/debug/guild}
EXAMPLES=${SCHEMATHESIS_EXAMPLES:-12}
SEED=${SCHEMATHESIS_SEED:-20261207}

install_schemathesis() {
    [ "$("$VENV/bin/schemathesis" --version 2>/dev/null)" != "schemathesis, version $ST_VERSION" ] || return 0
    rm -rf "$VENV"
    if ! python3 -m venv "$VENV" >/dev/null 2>&1; then
        # Debian splits venv (ensurepip) out of python3.
        echo "installing python3-venv"
        SUDO=""
        [ "$(id -u)" -eq 0 ] || SUDO=sudo
        $SUDO apt-get update -q
        $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends python3-venv
        rm -rf "$VENV"
        python3 -m venv "$VENV"
    fi
    "$VENV/bin/pip" install -q --disable-pip-version-check "schemathesis==$ST_VERSION"
}

# `--install` only installs (the test script does it in the background while it builds).
if [ "$GUILD" = "--install" ]; then
    install_schemathesis
    exit 0
fi
[ -x "$GUILD" ] || {
    echo "error: no guild binary at $GUILD (build it first)" >&2
    exit 1
}
install_schemathesis
PY="$VENV/bin/python"
INSTALLED=$SECONDS
echo "$("$VENV/bin/schemathesis" --version); seed $SEED; at most $EXAMPLES examples per operation"

WORK=$(mktemp -d -t guild-schemathesis.XXXXXX)
"$GUILD" demo --members 100 --seed 7 --data-dir "$WORK/data" --bind 127.0.0.1:0 >"$WORK/server.log" 2>&1 &
SERVER=$!
stop() {
    kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
    rm -rf "$WORK"
}
trap stop EXIT

URL=""
for _ in $(seq 1 600); do
    URL=$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$WORK/server.log" | head -n 1)
    [ -n "$URL" ] && break
    kill -0 "$SERVER" 2>/dev/null || break
    sleep 0.2
done
if [ -z "$URL" ]; then
    cat "$WORK/server.log"
    echo "error: the demo server did not start" >&2
    exit 1
fi
echo "demo server at $URL"

# A token for the demo member (its login is printed by `guild demo` and in the README).
read -r TOKEN TOKEN_ID < <("$PY" - "$URL" <<'EOF'
import json, sys, urllib.request
req = urllib.request.Request(
    sys.argv[1] + "/api/v1/auth/tokens",
    data=json.dumps({"email": "member@demo.guild", "password": "guild-demo-member",
                     "label": "schemathesis"}).encode(),
    headers={"content-type": "application/json"},
)
body = json.load(urllib.request.urlopen(req))
print(body["token"], body["id"])
EOF
)

# The hooks keep the run from revoking its own token (see the file).
export GUILD_TOKEN_ID="$TOKEN_ID"
export GUILD_ST_DROPPED="$WORK/dropped"
export SCHEMATHESIS_HOOKS=scripts.schemathesis_hooks
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
# Nothing generated in the source tree (the hooks' bytecode).
export PYTHONDONTWRITEBYTECODE=1

# /api/v1/events is a server-sent event stream that stays open by design, so a request to it
# never completes; its behaviour is tested in crates/web/tests (api_notifications, browser).
"$VENV/bin/schemathesis" run "$URL/api/v1/openapi.json" \
    --checks all \
    --header "Authorization: Bearer $TOKEN" \
    --max-examples "$EXAMPLES" \
    --seed "$SEED" \
    --generation-database none \
    --exclude-path /api/v1/events \
    --request-timeout 20 \
    --no-color \
    --report junit --report-dir target/schemathesis || status=$?
# What the hooks let pass, and why: each line is a rule no schema states (see the hooks).
if [ -s "$GUILD_ST_DROPPED" ]; then
    echo "failures the hooks dropped, by kind, operation and field:"
    sort "$GUILD_ST_DROPPED" | uniq -c | sort -rn
fi
echo "schemathesis.sh: ${SECONDS}s in all (${INSTALLED}s installing Schemathesis)"
exit "${status:-0}"
