#!/usr/bin/env bash
# Install newsprism (if needed) and print the brief of the bundled example.
# Extra arguments go to `newsprism analyze`, e.g. --format html -o brief.html
NP_EXTRAS=""
source "$(dirname "$0")/_venv.sh"
cd "$NP_ROOT"
exec newsprism analyze examples/harlow-dam "$@"
