"""bin/run says the address it really serves."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

BIN_RUN = Path(__file__).resolve().parents[2] / "bin" / "run"


@pytest.fixture
def checkout(tmp_path):
    """A copy of bin/run whose setup is a no-op and whose Python echoes its arguments."""
    (tmp_path / "bin").mkdir()
    shutil.copy(BIN_RUN, tmp_path / "bin" / "run")
    (tmp_path / "bin" / "_venv.sh").write_text(f'cd "{tmp_path}"\n')
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text('#!/bin/sh\necho "python $*"\n')
    python.chmod(0o755)
    return tmp_path


@pytest.mark.parametrize(
    ("port", "address"),
    [
        (None, "127.0.0.1:8000"),
        ("8105", "127.0.0.1:8105"),
        ("0.0.0.0:9000", "0.0.0.0:9000"),
    ],
)
def test_bin_run_prints_the_address_it_serves(checkout, port, address):
    env = {k: v for k, v in os.environ.items() if k != "PORT"}
    if port:
        env["PORT"] = port
    out = subprocess.run(
        ["bash", str(checkout / "bin" / "run")],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
    assert f"Serving the site at http://{address}/" in out
    assert f"manage.py runserver {address}" in out
