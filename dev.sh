#!/usr/bin/env bash
# One entry point for a fresh machine: sets up .venv (idempotent), then
#   ./dev.sh demo    load the bundled example tables and print them
#   ./dev.sh test    run the whole test suite
#   ./dev.sh test-pandas3   the same suite under pandas 3 (its own venv)
set -euo pipefail
cd "$(dirname "$0")"

PYTHON="${PYTHON:-python3}"
VENV=.venv

setup() {
    if [ ! -x "$VENV/bin/python" ]; then
        "$PYTHON" -m venv "$VENV"
    fi
    # The recorded mltable fixtures were made with pandas 2.3.3, so the tests pin it.
    if ! "$VENV/bin/python" -c "import tablekit, pytest, hypothesis" 2>/dev/null \
        || [ pyproject.toml -nt "$VENV/.installed" ] || [ tests/constraints.txt -nt "$VENV/.installed" ]; then
        "$VENV/bin/python" -m pip install --quiet --upgrade pip
        "$VENV/bin/python" -m pip install --quiet -e ".[test]" -c tests/constraints.txt
        touch "$VENV/.installed"
    fi
    # The remote-storage tests start the Azurite storage emulator from ./node_modules (package.json)
    if [ ! -x node_modules/.bin/azurite-blob ] || [ package-lock.json -nt node_modules/.installed ]; then
        if command -v npm >/dev/null; then
            npm ci --no-audit --no-fund --loglevel=error
            touch node_modules/.installed
        else
            echo "dev.sh: npm not found; the remote-storage tests need Node.js and npm (for Azurite)" >&2
        fi
    fi
}

case "${1:-}" in
    demo)
        setup
        "$VENV/bin/python" examples/quickstart.py
        ;;
    test)
        setup
        shift
        "$VENV/bin/python" -m pytest "$@"
        ;;
    test-pandas3)
        # The same suite under pandas 3 (docs/pandas3.md), in its own venv.
        setup
        shift
        if [ ! -x .venv-pandas3/bin/python ]; then
            "$PYTHON" -m venv .venv-pandas3
        fi
        if [ pyproject.toml -nt .venv-pandas3/.installed ] || [ ! -e .venv-pandas3/.installed ]; then
            .venv-pandas3/bin/python -m pip install --quiet --upgrade pip
            .venv-pandas3/bin/python -m pip install --quiet -e ".[test]" "pandas>=3,<4"
            touch .venv-pandas3/.installed
        fi
        .venv-pandas3/bin/python -m pytest "$@"
        ;;
    *)
        echo "usage: ./dev.sh demo | test [pytest args] | test-pandas3 [pytest args]" >&2
        exit 2
        ;;
esac
