#!/usr/bin/env bash
# Install newsprism with its test dependencies (if needed) and run every test:
# the fast suite, then the slow one (quality gates on ../shared/eval, browser).
# Extra arguments go to both pytest runs. The fast suite runs on every core
# (pytest-xdist; `-n 0` after it runs it in one process); the slow one in one
# process, as its tests start servers and clusters sized for the machine.
NP_EXTRAS="dev"
source "$(dirname "$0")/_venv.sh"
cd "$NP_ROOT"
python -m pytest -n auto "$@"
# Exit code 5 means "no test selected", e.g. a filter given in "$@".
python -m pytest -m slow "$@" || [ $? -eq 5 ]
