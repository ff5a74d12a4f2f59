"""The settings the Windows and macOS installers need, checked on any platform: the version resource serialises
with the program's version, the Info.plist carries the bundle identifier, and the Inno Setup script points at the
folders the spec and build.sh produce."""

from __future__ import annotations

import plistlib
import re
import sys
from pathlib import Path

import pytest

from bbschedule import __version__

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "build"))

from installer_metadata import (  # noqa: E402
    BUNDLE_ID,
    macos_info_plist,
    version_numbers,
    windows_version_info,
    windows_version_strings,
)


@pytest.mark.parametrize(
    ("version", "expected"),
    [("0.1.0", (0, 1, 0, 0)), ("1.2.3.4", (1, 2, 3, 4)), ("2.0rc1", (2, 0, 0, 0)), ("3", (3, 0, 0, 0))],
)
def test_version_numbers(version: str, expected: tuple[int, int, int, int]) -> None:
    assert version_numbers(version) == expected


def test_the_windows_version_strings_name_the_program_and_its_version() -> None:
    strings = windows_version_strings(__version__, exe_name="bbschedule-cli")
    assert strings["FileVersion"] == strings["ProductVersion"] == __version__
    assert strings["OriginalFilename"] == "bbschedule-cli.exe"
    assert strings["ProductName"] == "BBSchedule"


@pytest.mark.skipif(sys.platform != "win32", reason="PyInstaller's version-resource code needs pefile and pywin32")
def test_the_windows_version_resource_serialises() -> None:
    info = windows_version_info(__version__, exe_name="bbschedule-cli")
    raw = info.toRaw()
    assert isinstance(raw, bytes)
    assert "BBSchedule CPM scheduler".encode("utf-16-le") in raw
    assert __version__.encode("utf-16-le") in raw
    assert "bbschedule-cli.exe".encode("utf-16-le") in raw
    major, minor, patch, build = version_numbers(__version__)
    assert info.ffi.fileVersionMS == (major << 16) | minor
    assert info.ffi.fileVersionLS == (patch << 16) | build


def test_the_info_plist_serialises_with_the_bundle_identifier() -> None:
    plist = plistlib.loads(plistlib.dumps(macos_info_plist(__version__)))
    assert plist["CFBundleIdentifier"] == BUNDLE_ID
    assert plist["CFBundleShortVersionString"] == __version__
    assert plist["NSHighResolutionCapable"] is True
    assert "xer" in plist["CFBundleDocumentTypes"][0]["CFBundleTypeExtensions"]


def test_the_spec_uses_this_metadata_and_keeps_work_files_out_of_build() -> None:
    spec = (ROOT / "build" / "bbschedule.spec").read_text(encoding="utf-8")
    assert "bundle_identifier=BUNDLE_ID" in spec
    assert "info_plist=macos_info_plist(__version__)" in spec
    assert "windows_version_info(__version__" in spec
    script = (ROOT / "build" / "build.sh").read_text(encoding="utf-8")
    assert '--workpath "$work"' in script
    assert '--distpath "$dist"' in script
    assert 'work="${BBSCHEDULE_WORK:-$root/build-work}"' in script


def test_the_inno_setup_script_points_at_what_the_build_makes() -> None:
    iss = (ROOT / "build" / "windows" / "bbschedule.iss").read_text(encoding="utf-8")
    here = ROOT / "build" / "windows"
    sources = re.findall(r'^Source: "([^"]+)"', iss, flags=re.MULTILINE)
    assert sources == ["..\\..\\dist\\BBSchedule\\*"]
    assert (here / "../../dist").resolve() == ROOT / "dist"
    icon = re.search(r"^SetupIconFile=(.+)$", iss, flags=re.MULTILINE)
    assert icon is not None
    # build.sh's work folder is build-work/, and PyInstaller adds the spec's name: build-work/bbschedule/icons.
    assert icon.group(1).replace("\\", "/") == "../../build-work/bbschedule/icons/bbschedule.ico"
    assert 'Filename: "{app}\\BBSchedule.exe"' in iss
    assert '"{app}\\bbschedule-cli.exe"' in iss
