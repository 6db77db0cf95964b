# Sourced by the other scripts: create or reuse the virtual environment and
# install newsprism into it with the extras named in $NP_EXTRAS. Reinstalls
# only when pyproject.toml or the version changed since the last install (the
# installed metadata holds newsprism.__version__ as it was then).
set -euo pipefail
NP_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NP_VENV=${NEWSPRISM_VENV:-$NP_ROOT/.venv}
if [ ! -x "$NP_VENV/bin/python" ]; then
    py=$(command -v python3.11 || command -v python3)
    echo "creating virtual environment $NP_VENV with $py" >&2
    "$py" -m venv "$NP_VENV"
fi
stamp="$NP_VENV/.np-stamp-${NP_EXTRAS:-core}"
want=$( (cat "$NP_ROOT/pyproject.toml"; grep "^__version__" "$NP_ROOT/src/newsprism/__init__.py") | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "installing newsprism${NP_EXTRAS:+[$NP_EXTRAS]} into $NP_VENV" >&2
    "$NP_VENV/bin/python" -m pip install -q --upgrade pip
    "$NP_VENV/bin/python" -m pip install -q -e "$NP_ROOT${NP_EXTRAS:+[$NP_EXTRAS]}"
    echo "$want" > "$stamp"
fi
export PATH="$NP_VENV/bin:$PATH"
