"""The PyInstaller bundle builds on Linux, starts, answers --version and doctor, imports a project (Alembic
migrations run from the frozen files) and renders its main window off screen into a PNG."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[3]


def _ensure_pyinstaller() -> None:
    probe = subprocess.run([sys.executable, "-c", "import PyInstaller"], check=False, capture_output=True)
    if probe.returncode != 0:
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "pyinstaller>=6.10,<7"],
            check=True,
        )


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not sys.platform.startswith("linux"):
        pytest.skip("the bundle test builds the Linux bundle")
    _ensure_pyinstaller()
    where = tmp_path_factory.mktemp("bundle")
    env = dict(
        os.environ, PYTHON=sys.executable, BBSCHEDULE_DIST=str(where / "dist"), BBSCHEDULE_WORK=str(where / "work")
    )
    result = subprocess.run(
        ["bash", str(ROOT / "build" / "build.sh")], env=env, capture_output=True, text=True, timeout=900, check=False
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert not (ROOT / "build" / "bbschedule").exists(), "PyInstaller must not write its work files into build/"
    folder = where / "dist" / "BBSchedule"
    assert (folder / "BBSchedule").is_file()
    assert (folder / "bbschedule-cli").is_file()
    return folder


def _run(program: Path, *args: str, home: Path, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    # A clean environment: the bundle must not lean on the checkout or the virtual environment.
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "QT_QPA_PLATFORM": "offscreen", "LANG": "C.UTF-8"}
    return subprocess.run(
        [str(program), *args], env=env, cwd=home, capture_output=True, text=True, timeout=timeout, check=False
    )


def test_version(bundle: Path, tmp_path: Path) -> None:
    from bbschedule import __version__

    result = _run(bundle / "bbschedule-cli", "--version", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"BBSchedule {__version__}"


def test_doctor_reports_versions_and_all_well(bundle: Path, tmp_path: Path) -> None:
    result = _run(bundle / "bbschedule-cli", "--profile", str(tmp_path / "profile"), "doctor", "--json", home=tmp_path)
    report = json.loads(result.stdout)
    assert result.returncode == 0, report["reasons"]
    assert report["versions"]["Bundle"] == "PyInstaller"
    for library in ("PySide6", "SQLAlchemy", "alembic"):
        assert report["versions"][library] != "not installed", library


def test_the_cache_is_created_by_the_frozen_migrations(bundle: Path, tmp_path: Path) -> None:
    # Alembic loads env.py and versions/*.py from files: a fresh profile's cache proves they were shipped.
    profile = str(tmp_path / "profile")
    listed = _run(bundle / "bbschedule-cli", "--profile", profile, "projects", "--json", home=tmp_path)
    assert listed.returncode == 0, listed.stdout + listed.stderr
    assert json.loads(listed.stdout) == []
    doctor = _run(bundle / "bbschedule-cli", "--profile", profile, "doctor", "--json", home=tmp_path)
    checks = {check["name"]: check for check in json.loads(doctor.stdout)["checks"]}
    assert checks["local cache"]["ok"]
    assert checks["local cache"]["detail"].startswith("integrity ok")
    assert checks["schema version"]["ok"]
    assert checks["schema version"]["detail"] == "current"


def test_screenshot_off_screen(bundle: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.png"
    result = _run(
        bundle / "BBSchedule", "--profile", str(tmp_path / "profile"), "--screenshot", str(out), home=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    from PySide6.QtGui import QImage

    image = QImage(str(out))
    assert not image.isNull(), "not a readable PNG"
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert image.width() >= 640
    assert image.height() >= 400
    step_x, step_y = max(1, image.width() // 60), max(1, image.height() // 40)
    colours = {image.pixel(x, y) for x in range(0, image.width(), step_x) for y in range(0, image.height(), step_y)}
    assert len(colours) > 8, "the window rendered as a blank image"


def test_unneeded_qt_modules_stay_out(bundle: Path) -> None:
    dangling = [path for path in bundle.rglob("*") if path.is_symlink() and not path.exists()]
    assert not dangling, dangling[:5]
    names = {path.name.lower() for path in bundle.rglob("*")}
    for unwanted in ("webengine", "qt63d", "multimedia", "qt6quick", "qt6pdf", "virtualkeyboard"):
        assert not [name for name in names if unwanted in name], unwanted
    size_mb = sum(path.stat().st_size for path in bundle.rglob("*") if path.is_file()) / 1_048_576
    assert size_mb < 400, f"bundle grew to {size_mb:.0f} MB"


def test_the_qt_plugins_for_screens_and_svg_icons_are_there(bundle: Path) -> None:
    plugins = bundle / "_internal" / "PySide6" / "Qt" / "plugins"
    for needed in (
        "platforms/libqxcb.so",
        "platforms/libqoffscreen.so",
        "platforms/libqwayland.so",
        "imageformats/libqsvg.so",
        "iconengines/libqsvgicon.so",
    ):
        assert (plugins / needed).is_file(), needed


def test_work_folders_are_ignored_by_git() -> None:
    if shutil.which("git") is None:
        pytest.skip("git not on PATH")
    for path in ("dist/BBSchedule/BBSchedule", "build-work/bbschedule/warn.txt"):
        result = subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT, check=False)
        assert result.returncode == 0, f"{path} is not ignored by git"
