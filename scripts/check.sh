#!/usr/bin/env bash
# Static checks, as CI runs them before the tests: ruff (lint rules under
# [tool.ruff] in pyproject.toml) and mypy (files and strictness under [tool.mypy]).
NP_EXTRAS="dev"
source "$(dirname "$0")/_venv.sh"
cd "$NP_ROOT"
ruff check
mypy
