"""The profile's settings.json: content in spans only when it says so; the server DSN, overridden by the
environment; a damaged file means the safe defaults."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bbschedule.telemetry import locations
from bbschedule.telemetry.logging_setup import remove_logging
from bbschedule.telemetry.observability import disable_observability
from bbschedule.telemetry.runtime import start_telemetry
from bbschedule.telemetry.settings import SETTINGS_FILE, read_settings


@pytest.fixture(autouse=True)
def _no_server_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BBSCHEDULE_SERVER", raising=False)
    monkeypatch.delenv("LOGFIRE_TOKEN", raising=False)


def _write(profile: Path, text: str) -> None:
    (locations.data_dir(profile) / SETTINGS_FILE).write_text(text, encoding="utf-8")


def test_defaults_share_nothing(tmp_path: Path) -> None:
    found = read_settings(tmp_path)
    assert found.include_content is False
    assert found.server_dsn is None


def test_the_file_opts_in_and_names_the_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path, json.dumps({"telemetry_include_content": True, "server_dsn": "host=db.example.com"}))
    found = read_settings(tmp_path)
    assert found.include_content is True
    assert found.server_dsn == "host=db.example.com"
    monkeypatch.setenv("BBSCHEDULE_SERVER", "host=other.example.com")
    assert read_settings(tmp_path).server_dsn == "host=other.example.com"


def test_only_a_true_boolean_opts_in(tmp_path: Path) -> None:
    _write(tmp_path, json.dumps({"telemetry_include_content": "yes"}))
    assert read_settings(tmp_path).include_content is False


def test_a_damaged_file_means_the_defaults(tmp_path: Path) -> None:
    _write(tmp_path, '{"telemetry_include_content": tru')
    assert read_settings(tmp_path).include_content is False


def test_start_telemetry_follows_the_setting(tmp_path: Path) -> None:
    _write(tmp_path, json.dumps({"telemetry_include_content": True}))
    runtime = start_telemetry(tmp_path, gui=False)
    try:
        assert runtime.observability.include_content is True
    finally:
        runtime.shutdown()
        remove_logging()
        disable_observability()
    runtime = start_telemetry(tmp_path, gui=False, include_content=False)
    try:
        assert runtime.observability.include_content is False
    finally:
        runtime.shutdown()
        remove_logging()
        disable_observability()
