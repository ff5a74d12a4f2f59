"""What the installers say about the program: the Windows version resource and the macOS Info.plist.

Kept out of bbschedule.spec so that tests can build and check both on any platform.
"""

from __future__ import annotations

from typing import Any

APP_NAME = "BBSchedule"
BUNDLE_ID = "com.bbschedule.desktop"
COMPANY = "BBSchedule"
DESCRIPTION = "BBSchedule CPM scheduler"


def version_numbers(version: str) -> tuple[int, int, int, int]:
    """'0.1.0' -> (0, 1, 0, 0); a suffix such as '1.2.0rc1' keeps its leading digits (1, 2, 0, 0)."""
    numbers: list[int] = []
    for part in version.split(".")[:4]:
        digits = ""
        for char in part:
            if not char.isdigit():
                break
            digits += char
        numbers.append(int(digits or 0))
    return (*numbers, 0, 0, 0, 0)[:4]  # type: ignore[return-value]


def windows_version_strings(version: str, *, exe_name: str = APP_NAME) -> dict[str, str]:
    """The string table of the Windows version resource (US English, Unicode)."""
    return {
        "CompanyName": COMPANY,
        "FileDescription": DESCRIPTION,
        "FileVersion": version,
        "InternalName": exe_name,
        "LegalCopyright": "BBSchedule contributors",
        "OriginalFilename": f"{exe_name}.exe",
        "ProductName": APP_NAME,
        "ProductVersion": version,
    }


def windows_version_info(version: str, *, exe_name: str = APP_NAME) -> Any:
    """PyInstaller's VSVersionInfo for EXE(version=...): what Explorer shows under Properties → Details.

    PyInstaller's versioninfo module needs pefile, which it installs on Windows only.
    """
    from PyInstaller.utils.win32.versioninfo import (
        FixedFileInfo,
        StringFileInfo,
        StringStruct,
        StringTable,
        VarFileInfo,
        VarStruct,
        VSVersionInfo,
    )

    numbers = version_numbers(version)
    strings = [StringStruct(key, value) for key, value in windows_version_strings(version, exe_name=exe_name).items()]
    return VSVersionInfo(
        ffi=FixedFileInfo(
            filevers=numbers, prodvers=numbers, mask=0x3F, flags=0x0, OS=0x40004, fileType=0x1, subtype=0x0, date=(0, 0)
        ),
        kids=[
            StringFileInfo([StringTable("040904B0", strings)]),  # US English, Unicode
            VarFileInfo([VarStruct("Translation", [1033, 1200])]),
        ],
    )


def macos_info_plist(version: str) -> dict[str, Any]:
    """The Info.plist entries BUNDLE adds to its defaults."""
    return {
        "CFBundleName": APP_NAME,
        "CFBundleDisplayName": APP_NAME,
        "CFBundleIdentifier": BUNDLE_ID,
        "CFBundleShortVersionString": version,
        "CFBundleVersion": version,
        "NSHighResolutionCapable": True,
        "NSRequiresAquaSystemAppearance": False,
        "LSMinimumSystemVersion": "11.0",
        "LSApplicationCategoryType": "public.app-category.productivity",
        "CFBundleDocumentTypes": [
            {
                "CFBundleTypeName": "BBSchedule project",
                "CFBundleTypeRole": "Editor",
                "LSItemContentTypes": ["com.bbschedule.project"],
                "CFBundleTypeExtensions": ["bbs.json", "xer", "xml"],
            }
        ],
        "UTExportedTypeDeclarations": [
            {
                "UTTypeIdentifier": "com.bbschedule.project",
                "UTTypeDescription": "BBSchedule project",
                "UTTypeConformsTo": ["public.json"],
                "UTTypeTagSpecification": {"public.filename-extension": ["bbs.json"]},
            }
        ],
    }
