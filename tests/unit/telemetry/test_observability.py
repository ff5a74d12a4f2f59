"""Spans carry sizes and durations, project content only after opting in; the two metrics are recorded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from bbschedule.telemetry import observability
from bbschedule.telemetry.observability import record_schedule_time, record_sync_lag, span


@pytest.fixture
def exporter(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[InMemorySpanExporter]:
    monkeypatch.delenv("LOGFIRE_TOKEN", raising=False)
    found = InMemorySpanExporter()
    observability.configure_observability(data_dir=tmp_path, span_processors=[SimpleSpanProcessor(found)])
    yield found
    observability.disable_observability()


def _finished(exporter: InMemorySpanExporter, name: str) -> dict[str, object]:
    spans = [s for s in exporter.get_finished_spans() if s.name == name]
    assert len(spans) == 1, [s.name for s in exporter.get_finished_spans()]
    return dict(spans[0].attributes or {})


def test_a_span_records_sizes_and_duration_without_content(exporter: InMemorySpanExporter) -> None:
    with span("import", kind="xer", content={"project": "Hospital Wing B"}, bytes=123_456) as handle:
        handle.set_size("activities", 812)
        handle.set_content("file", "/home/planner/secret-bid.xer")
    attributes = _finished(exporter, "import")
    assert attributes["bytes"] == 123_456
    assert attributes["activities"] == 812
    assert attributes["kind"] == "xer"
    assert float(str(attributes["duration_ms"])) >= 0
    flat = repr(attributes)
    assert "Hospital" not in flat
    assert "secret-bid" not in flat


def test_content_is_attached_once_the_planner_opted_in(tmp_path: Path) -> None:
    found = InMemorySpanExporter()
    observability.configure_observability(
        include_content=True, data_dir=tmp_path, span_processors=[SimpleSpanProcessor(found)]
    )
    try:
        with span("export", content={"project": "Hospital Wing B"}, activities=3) as handle:
            handle.set_content("file", "wing-b.xer")
    finally:
        observability.disable_observability()
    attributes = _finished(found, "export")
    assert attributes["content.project"] == "Hospital Wing B"
    assert attributes["content.file"] == "wing-b.xer"


def test_a_failing_run_still_ends_its_span(exporter: InMemorySpanExporter) -> None:
    with pytest.raises(ValueError, match="bad row"), span("schedule", activities=5):
        raise ValueError("bad row")
    [finished] = [s for s in exporter.get_finished_spans() if s.name == "schedule"]
    assert finished.end_time is not None
    assert finished.status.status_code.name == "ERROR"


def test_text_cannot_pass_as_a_size(exporter: InMemorySpanExporter) -> None:
    with pytest.raises(TypeError, match="project"), span("sync", project="Hospital Wing B"):  # type: ignore[arg-type]
        pass
    with span("sync", pushed=1) as handle, pytest.raises(TypeError, match="name"):
        handle.set_size("name", "Hospital")  # type: ignore[arg-type]


def test_spans_work_unconfigured_and_send_nothing() -> None:
    observability.disable_observability()
    with span("assistant", tokens=10) as handle:
        handle.set_size("tools", 2)
    assert handle.sizes == {"tokens": 10, "tools": 2}


def test_schedule_time_and_sync_lag_are_metrics(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("LOGFIRE_TOKEN", raising=False)
    reader = InMemoryMetricReader()
    observability.configure_observability(data_dir=tmp_path, metric_readers=[reader])
    try:
        record_schedule_time(123.0, activities=5_000, relationships=7_000)
        record_schedule_time(77.0, activities=5_000, relationships=7_000)
        with span("schedule", activities=40, relationships=50):
            pass
        with pytest.raises(RuntimeError), span("schedule", activities=40, relationships=50):
            raise RuntimeError("a failed run is not a schedule time")
        record_sync_lag(4.5, pending_changes=3)
        data = reader.get_metrics_data()
    finally:
        observability.disable_observability()
    points: dict[str, list[Any]] = {}
    assert data is not None
    for resource in data.resource_metrics:
        for scope in resource.scope_metrics:
            for metric in scope.metrics:
                points.setdefault(metric.name, []).extend(metric.data.data_points)
    by_class = {p.attributes["size_class"]: p for p in points["bbschedule.schedule.duration"]}
    assert by_class["<10k"].count == 2
    assert by_class["<10k"].sum == pytest.approx(200.0)
    assert by_class["<100"].count == 1  # the span, not the failed run
    [lag] = points["bbschedule.sync.lag"]
    assert lag.value == pytest.approx(4.5)
    [pending] = points["bbschedule.sync.pending_changes"]
    assert pending.value == 3
