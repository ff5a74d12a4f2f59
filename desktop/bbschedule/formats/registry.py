"""Which module reads and writes which format, chosen by extension or by a look at the file's first bytes.

Each format module exposes `read(path, *, options) -> ImportResult` and `write(data, path) -> FidelityReport`;
they are imported only when used, so the window opens fast.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, cast

from bbschedule.core.errors import InputFileError
from bbschedule.core.project_data import ProjectData
from bbschedule.formats.fidelity import FidelityReport

FORMAT_MODULES = {
    "json": "bbschedule.formats.project_json",
    "xer": "bbschedule.formats.xer",
    "mspdi": "bbschedule.formats.mspdi",
    "pmxml": "bbschedule.formats.pmxml",
    "xlsx": "bbschedule.formats.excel",
}

SOURCE_FORMAT_NAMES = {"json": "bbschedule", "xer": "xer", "mspdi": "mspdi", "pmxml": "pmxml", "xlsx": "xlsx"}


@dataclass(frozen=True)
class ReadOptions:
    encoding: str | None = None
    """Override the detected code page (XER)."""
    max_bytes: int = 512 * 1024 * 1024


@dataclass
class ImportResult:
    projects: list[ProjectData]
    report: FidelityReport
    format: str
    extra: dict[str, Any] = field(default_factory=dict)

    def pick(self, code: str | None = None) -> ProjectData:
        """The project named by code, or by default the one with the most activities."""
        if not self.projects:
            raise InputFileError(self.report.path, "holds no project")
        if code is None:
            return max(self.projects, key=lambda p: len(p.activities))
        for project in self.projects:
            if code in (project.project.code, project.project.source_id):
                return project
        names = ", ".join(p.project.code for p in self.projects)
        raise InputFileError(self.report.path, f"holds no project {code!r} (it holds {names})", field="--project")


class FormatModule(Protocol):
    def read(self, path: Path, *, options: ReadOptions) -> ImportResult: ...

    def write(self, data: ProjectData, path: Path) -> FidelityReport: ...


def format_of(path: Path, *, sniff: bool = True) -> str:
    name = path.name.lower()
    if name.endswith(".json"):
        return "json"
    if name.endswith(".xer"):
        return "xer"
    if name.endswith(".xlsx"):
        return "xlsx"
    if name.endswith((".pmxml", ".pmxml.xml")):
        return "pmxml"
    if name.endswith(".xml"):
        if sniff and path.exists():
            with path.open("rb") as handle:
                head = handle.read(4096)
            if b"APIBusinessObjects" in head:
                return "pmxml"
        return "mspdi"
    if name.endswith(".mpp"):
        raise InputFileError(str(path), "binary .mpp files are not read: save as XML (MSPDI) in MS Project")
    raise InputFileError(str(path), "unknown file type: use .xer, .xml, .pmxml, .xlsx or .bbs.json")


def module_for(fmt: str) -> FormatModule:
    try:
        return cast(FormatModule, importlib.import_module(FORMAT_MODULES[fmt]))
    except KeyError:
        raise InputFileError(fmt, f"unknown format {fmt!r}; use one of {', '.join(FORMAT_MODULES)}") from None


def read_file(path: Path, *, options: ReadOptions | None = None) -> ImportResult:
    if not path.is_file():
        raise InputFileError(str(path), "no such file")
    return module_for(format_of(path)).read(path, options=options or ReadOptions())


def write_file(data: ProjectData, path: Path, *, fmt: str | None = None) -> FidelityReport:
    return module_for(fmt or format_of(path, sniff=False)).write(data, path)
