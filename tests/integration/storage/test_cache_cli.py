"""The cache commands as a planner or a script runs them: `python main.py --profile DIR import/projects/export/
backup/restore`, in a subprocess, with real files."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.cli_runner import run_cli
from tests.unit.storage.storage_factories import rich_project

from bbschedule.formats.project_json import to_document


def _run(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, profile=profile)


def test_import_list_export_round_trip(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    source = tmp_path / "in.bbs.json"
    document = to_document(rich_project("CLI1"))
    source.write_text(json.dumps(document), encoding="utf-8")

    done = _run(profile, "import", str(source))
    assert done.returncode == 0, done.stderr
    assert "CLI1" in done.stdout
    assert (profile / "cache.sqlite3").is_file()

    listed = _run(profile, "projects", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert [(r["code"], r["activity_count"], r["id"]) for r in rows] == [("CLI1", 3, document["project"]["id"])]

    out = tmp_path / "out.bbs.json"
    exported = _run(profile, "export", "CLI1", str(out))
    assert exported.returncode == 0, exported.stderr
    assert json.loads(out.read_text(encoding="utf-8")) == document

    again = _run(profile, "import", str(source))
    assert again.returncode == 2
    assert "already" in again.stderr
    assert _run(profile, "import", "--replace", str(source)).returncode == 0


def test_bad_input_names_the_file(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    bad = tmp_path / "bad.bbs.json"
    bad.write_text('{"format": "bbschedule.project/1",\n "project": ', encoding="utf-8")
    done = _run(profile, "import", str(bad))
    assert done.returncode == 2
    assert str(bad) in done.stderr
    assert "Traceback" not in done.stderr
    missing = _run(profile, "export", "NOPE", str(tmp_path / "x.bbs.json"))
    assert missing.returncode == 2
    assert "NOPE" in missing.stderr


def test_backup_and_restore_commands(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    first = tmp_path / "first.bbs.json"
    second = tmp_path / "second.bbs.json"
    first.write_text(json.dumps(to_document(rich_project("KEEP"))), encoding="utf-8")
    second.write_text(json.dumps(to_document(rich_project("LATER"))), encoding="utf-8")
    assert _run(profile, "import", str(first)).returncode == 0

    made = _run(profile, "backup", "--json")
    assert made.returncode == 0, made.stderr
    backup = Path(json.loads(made.stdout)["backup"])
    assert backup.is_file()
    assert backup.parent == profile / "backups"

    assert _run(profile, "import", str(second)).returncode == 0
    restored = _run(profile, "restore", backup.name)  # a name in the backup folder is enough
    assert restored.returncode == 0, restored.stderr
    codes = [r["code"] for r in json.loads(_run(profile, "projects", "--json").stdout)]
    assert codes == ["KEEP"]

    listed = json.loads(_run(profile, "backup", "--list", "--json").stdout)
    assert any("before-restore" in row["path"] for row in listed)  # the restore itself can be undone

    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"SQLite format 3\x00" + b"\x00" * 84 + b"\xff" * 8000)
    refused = _run(profile, "restore", str(junk))
    assert refused.returncode == 2
    assert str(junk) in refused.stderr
    assert [r["code"] for r in json.loads(_run(profile, "projects", "--json").stdout)] == ["KEEP"]
