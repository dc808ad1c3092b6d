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

python -m mypy
python -m pytest "$@"
