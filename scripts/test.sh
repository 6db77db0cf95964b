#!/usr/bin/env bash
# Install newsprism with its test dependencies (if needed) and run every test:
# the fast suite, then the slow one (quality gates on ../shared/eval, browser).
# Extra arguments go to both pytest runs.
NP_EXTRAS="dev"
source "$(dirname "$0")/_venv.sh"
cd "$NP_ROOT"
python -m pytest "$@"
# Exit code 5 means "no test selected", e.g. a filter given in "$@".
python -m pytest -m slow "$@" || [ $? -eq 5 ]
