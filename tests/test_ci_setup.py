"""CI runs the README's set-up, both commands, as written."""

from __future__ import annotations

import re

from conftest import ROOT


def test_ci_runs_both_readme_set_up_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    setup = readme.split("## Set up and run", 1)[1].split("```bash\n", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in setup.splitlines() if line.strip()]
    assert commands == ["bash scripts/demo.sh", "bash scripts/test.sh"]  # two commands: run the example, run the tests
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for command in commands:
        assert re.search(rf"^(?:\S+=\S+ )*{re.escape(command)}\b", ci, re.M), f".ci/run does not run `{command}`"
