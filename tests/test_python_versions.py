"""The set-up's Python gate (scripts/_python.sh) and pyproject.toml's requires-python agree.

The shell functions run for real in bash, against fake interpreters that only report a version, so
the choice of interpreter and the venv-rebuild check are tested without installing any Python.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
BASH = shutil.which("bash") or "/bin/bash"
SUPPORTED = ["3.11", "3.12", "3.13"]


def requires_python() -> SpecifierSet:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return SpecifierSet(tomllib.load(handle)["project"]["requires-python"])


def run_gate(script: str, path: str | None = None) -> subprocess.CompletedProcess[str]:
    """Sources scripts/_python.sh in a fresh bash and runs `script` after it."""
    env = {"NQI_ROOT": str(ROOT), "PATH": path if path is not None else os.environ["PATH"]}
    return subprocess.run(
        [BASH, "-c", f'source "$NQI_ROOT/scripts/_python.sh"\n{script}'],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def fake_python(directory: Path, name: str, version: str) -> Path:
    """An executable that answers the gate's version question with `version`, like an interpreter."""
    executable = directory / name
    executable.write_text(f"#!/bin/sh\necho {version}\n", encoding="utf-8")
    executable.chmod(0o755)
    return executable


@pytest.fixture
def bin_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "bin"
    directory.mkdir()
    return directory


def gate_path(bin_dir: Path) -> str:
    # Only the fakes and the basic tools the functions use (sed, tr): no real python on this PATH.
    tools = bin_dir.parent / "tools"
    tools.mkdir(exist_ok=True)
    for tool in ("sed", "tr"):
        found = shutil.which(tool)
        assert found, tool
        (tools / tool).symlink_to(found)
    return f"{bin_dir}:{tools}"


def test_supported_python_versions_are_3_11_to_3_13() -> None:
    spec = requires_python()
    for version in SUPPORTED:
        assert Version(f"{version}.0") in spec, version
    for version in ("3.10", "3.14"):
        assert Version(f"{version}.0") not in spec, version


def test_setup_gate_reads_the_range_of_pyproject() -> None:
    result = run_gate("nqi_python_range")
    assert result.returncode == 0, result.stderr
    low, below = result.stdout.split()
    spec = requires_python()
    assert spec == SpecifierSet(f">={low},<{below}")


@pytest.mark.parametrize("minor", range(8, 16))
def test_setup_gate_accepts_exactly_the_versions_pyproject_allows(bin_dir: Path, minor: int) -> None:
    python = fake_python(bin_dir, "python", f"3.{minor}")
    result = run_gate(f'nqi_python_supported "{python}"', gate_path(bin_dir))
    assert (result.returncode == 0) == (Version(f"3.{minor}.0") in requires_python())


@pytest.mark.parametrize("version", SUPPORTED)
def test_setup_keeps_a_venv_on_any_supported_version(bin_dir: Path, version: str) -> None:
    venv_python = fake_python(bin_dir, "venv-python", version)
    assert run_gate(f'nqi_python_supported "{venv_python}"', gate_path(bin_dir)).returncode == 0


def test_setup_rebuilds_a_venv_whose_interpreter_is_gone(bin_dir: Path) -> None:
    result = run_gate(f'nqi_python_supported "{bin_dir}/missing-python"', gate_path(bin_dir))
    assert result.returncode != 0


def test_setup_prefers_the_oldest_supported_interpreter(bin_dir: Path) -> None:
    fake_python(bin_dir, "python3.13", "3.13")
    fake_python(bin_dir, "python3.11", "3.11")
    fake_python(bin_dir, "python3", "3.13")
    result = run_gate("nqi_find_python", gate_path(bin_dir))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(bin_dir / "python3.11")


def test_setup_takes_python_3_12_when_it_is_the_only_supported_one(bin_dir: Path) -> None:
    fake_python(bin_dir, "python3.12", "3.12")
    fake_python(bin_dir, "python3", "3.10")
    result = run_gate("nqi_find_python", gate_path(bin_dir))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(bin_dir / "python3.12")


def test_setup_falls_back_to_python3_within_range(bin_dir: Path) -> None:
    fake_python(bin_dir, "python3", "3.13")
    result = run_gate("nqi_find_python", gate_path(bin_dir))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(bin_dir / "python3")


def test_setup_refuses_when_no_interpreter_is_in_range(bin_dir: Path) -> None:
    # A misnamed interpreter is judged by the version it reports, not by its name.
    fake_python(bin_dir, "python3.11", "3.10")
    fake_python(bin_dir, "python3", "3.14")
    result = run_gate("nqi_find_python", gate_path(bin_dir))
    assert result.returncode != 0
    assert result.stdout == ""
