"""The built wheel is a complete installation: migrations included, no checkout needed."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


# What a release build reads; the rest (venvs, caches, node_modules) is left behind.
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "node_modules", "build", "*.egg-info", "instance", "test-artifacts",
    ".*_cache", "__pycache__",
)  # fmt: skip


def _build_wheel(out: Path) -> Path:
    """Built from a copy of the source, as a release is: pip builds in the tree it is given
    (build/, *.egg-info), so two test runs side by side never share those."""
    source = out.parent / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation",
         "--quiet", "-w", str(out)],
        check=True, timeout=300,
    )  # fmt: skip
    (wheel,) = out.glob("smsapp-*.whl")
    return wheel


def _fresh_venv(where: Path, wheel: Path) -> Path:
    """A new virtual environment with the wheel installed; its dependencies are this test
    run's (a .pth line), so the check needs no network and sees only the wheel's smsapp."""
    venv.EnvBuilder(with_pip=True).create(where)
    python = where / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", str(wheel)],
        check=True, timeout=300,
    )  # fmt: skip
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    (Path(site) / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return where / "bin"


def test_wheel_installs_and_migrates_an_empty_database_outside_the_checkout(tmp_path):
    wheel = _build_wheel(tmp_path / "dist")
    bin_dir = _fresh_venv(tmp_path / "venv", wheel)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    database = elsewhere / "fresh.sqlite3"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DATABASE_URL")}
    env |= {"DATABASE_URL": f"sqlite:///{database}", "SMSAPP_INSTANCE_PATH": str(elsewhere)}

    result = subprocess.run(
        [str(bin_dir / "smsapp"), "db", "upgrade"],
        cwd=elsewhere, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr[-2000:]
    origin = subprocess.run(
        [str(bin_dir / "python"), "-c", "import smsapp.migrate as m; print(m.migrations_folder())"],
        cwd=elsewhere, env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert str(ROOT) not in origin  # the wheel's own copy, not this checkout's
    with sqlite3.connect(database) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert {"organisations", "members", "outbox", "alembic_version"} <= tables
