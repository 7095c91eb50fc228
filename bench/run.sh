#!/usr/bin/env bash
# The Familieliv load benchmark: seed → serve → load → check → summary (see bench/README.md).
# Run by hand, never in CI. Arguments go to bench/run.py, e.g. --duration 5 --only health.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
    echo "No .venv: run 'make install' first." >&2
    exit 2
fi
exec .venv/bin/python bench/run.py "$@"
