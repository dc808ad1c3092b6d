#!/usr/bin/env bash
# The test command (README: "Two commands"). Installs what the suite needs, then runs it.
#   scripts/test.sh            the whole suite
#   scripts/test.sh -k sqlite  arguments go to pytest
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z "${VIRTUAL_ENV:-}" ]]; then
    [[ -x .venv/bin/python ]] || python3 -m venv .venv
    # shellcheck disable=SC1091
    . .venv/bin/activate
fi
python -m pip install --quiet --upgrade pip
python -m pip install --quiet -e ".[test]"

# The Neo4j jars for the real server the tests start (cached after the first run).
python scripts/neo4j_local.py fetch

# Debian's Chromium for the real-browser dashboard tests (Playwright drives it; no browser download).
if ! command -v chromium >/dev/null 2>&1; then
    if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null 2>&1; then
        echo "installing Debian's chromium for the browser tests" >&2
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        echo "chromium is not installed: the browser tests will skip (sudo apt-get install chromium)" >&2
    fi
fi

# Fonts for the example story's Japanese name (and any CJK name) in the browser's screenshots.
if command -v fc-list >/dev/null 2>&1 && [[ -z "$(fc-list :lang=ja 2>/dev/null)" ]] \
        && [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian's fonts-noto-cjk for the browser tests" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null
fi

python -m mypy
python -m pytest "$@"
