"""Our own project file (.bbs.json): lossless for everything in the model (DESIGN.md section 5)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bbschedule.core.codec import from_plain, to_plain
from bbschedule.core.errors import InputFileError, ValidationError
from bbschedule.core.project import Project
from bbschedule.core.project_data import ENTITY_TYPES, ProjectData
from bbschedule.formats.fidelity import FidelityReport
from bbschedule.formats.registry import ImportResult, ReadOptions

FORMAT = "bbschedule.project/1"

LISTS = {
    "calendars": "calendar",
    "wbs": "wbs",
    "code_types": "code_type",
    "code_values": "code_value",
    "user_fields": "user_field",
    "resources": "resource",
    "activities": "activity",
    "relationships": "relationship",
    "assignments": "assignment",
    "expenses": "expense",
    "baselines": "baseline",
}


def to_document(data: ProjectData) -> dict[str, Any]:
    doc: dict[str, Any] = {"format": FORMAT, "project": to_plain(data.project)}
    for key, kind in LISTS.items():
        doc[key] = [to_plain(obj) for obj in data.table(kind).values()]
    return doc


def from_document(doc: Any, *, path: str = "<document>") -> ProjectData:
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise InputFileError(path, f"not a BBSchedule project file (format must be {FORMAT!r})", field="format")
    try:
        data = ProjectData(project=from_plain(Project, doc["project"], "project"))
        for key, kind in LISTS.items():
            table = data.table(kind)
            for index, row in enumerate(doc.get(key, [])):
                obj = from_plain(ENTITY_TYPES[kind], row, f"{key}[{index}]")
                table[obj.id] = obj
        data.check_all()
    except KeyError as exc:
        raise InputFileError(path, f"missing {exc.args[0]!r}", field=str(exc.args[0])) from None
    except ValidationError as exc:
        raise InputFileError(path, exc.message, field=exc.field) from None
    return data


def read(path: Path, *, options: ReadOptions) -> ImportResult:
    if path.stat().st_size > options.max_bytes:
        raise InputFileError(str(path), f"larger than the {options.max_bytes} bytes allowed")
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise InputFileError(str(path), f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise InputFileError(str(path), exc.msg, line=exc.lineno) from None
    data = from_document(doc, path=str(path))
    report = FidelityReport(str(path), "json", "import", counts=_counts(data))
    return ImportResult([data], report, "json")


def write(data: ProjectData, path: Path) -> FidelityReport:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(to_document(data), indent=1, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)
    return FidelityReport(str(path), "json", "export", counts=_counts(data))


def _counts(data: ProjectData) -> dict[str, int]:
    return {key: len(data.table(kind)) for key, kind in LISTS.items()}
