"""Where the output goes cannot be written: one line and exit 1 (or the usage error, exit 2,
for a folder given as the output file), never an internal error after the whole run."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from newsprism.atomic import atomic_file
from newsprism.errors import OutputError

from conftest import EXAMPLE, run_main


@pytest.mark.parametrize("option", ["-o", "--state"])
def test_a_folder_as_the_output_file_is_a_usage_error_before_the_run(tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str) -> None:
    # --state: exit 1 after the reading, "not a newsprism cluster state ([Errno 21] Is a directory)"
    code, out, err = run_main(capsys, "analyze", str(EXAMPLE), option, str(tmp_path), "-q")
    assert code == 2, err  # was: the whole analysis, then "internal error: IsADirectoryError", exit 70
    assert err == f"error: {option if option == '--state' else '--output'}: {tmp_path} is a directory; give a file (see newsprism analyze --help)\n"
    assert out == ""
    assert list(tmp_path.iterdir()) == []


def test_an_output_the_system_refuses_is_one_line_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "file").write_text("")
    target = tmp_path / "file" / "out.jsonl"  # a folder that cannot be made: a file is in the way
    code, _, err = run_main(capsys, "read", str(EXAMPLE), "-o", str(target), "-q")
    assert code == 1, err  # was: internal error, exit 70
    assert err.strip().splitlines() == [f"error: cannot write {target}: File exists"]
    with pytest.raises(OutputError, match="Is a directory"), atomic_file(tmp_path) as f:
        f.write("never")


def test_serve_on_a_port_in_use_is_one_line_exit_1_before_the_analysis(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("uvicorn")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, _, err = run_main(capsys, "serve", str(EXAMPLE), "--port", str(port), "-q")
    assert code == 1, err  # was: the analysis, then uvicorn's exit code 3 (a strict run's code here)
    assert err.strip().splitlines() == [f"error: cannot serve on 127.0.0.1:{port}: Address already in use"]
