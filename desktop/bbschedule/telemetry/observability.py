"""logfire set-up, spans around long runs (import, export, schedule, sync, assistant) and the two metrics.

Nothing leaves the machine unless a logfire token is configured (send_to_logfire='if-token-present'); spans carry
sizes and durations only, and project content (names, codes, notes) only when the planner opted in.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bbschedule import __version__

if TYPE_CHECKING:
    from opentelemetry.sdk.metrics.export import MetricReader
    from opentelemetry.sdk.trace import SpanProcessor

log = logging.getLogger(__name__)

SERVICE_NAME = "bbschedule-desktop"
SPAN_KINDS = ("import", "export", "schedule", "sync", "assistant")
SizeValue = int | float | bool


@dataclass(frozen=True)
class ObservabilityStatus:
    """What configure_observability decided, for doctor and the About box."""

    configured: bool
    sending: bool
    include_content: bool
    service_name: str = SERVICE_NAME
    service_version: str = __version__

    def describe(self) -> str:
        if not self.configured:
            return "not configured"
        where = "sent to logfire (token present)" if self.sending else "kept on this machine (no logfire token)"
        content = "with project content (opted in)" if self.include_content else "sizes and durations only"
        return f"traces {where}; {content}"


@dataclass
class _State:
    configured: bool = False
    sending: bool = False
    include_content: bool = False
    instruments: dict[str, Any] = field(default_factory=dict)


_state = _State()


def configure_observability(
    *,
    include_content: bool = False,
    data_dir: Path | None = None,
    console: bool = False,
    environment: str | None = None,
    span_processors: Sequence[SpanProcessor] = (),
    metric_readers: Sequence[MetricReader] = (),
) -> ObservabilityStatus:
    """Configure logfire once per process (again to change the options); returns where traces go.

    data_dir is where logfire looks for a credentials file (the profile's folder rather than the working
    directory, so a stray .logfire folder elsewhere cannot start an upload). span_processors and
    metric_readers add local consumers (tests, an in-app view); they never send anything by themselves.
    """
    import logfire

    instance = logfire.configure(
        send_to_logfire="if-token-present",
        service_name=SERVICE_NAME,
        service_version=__version__,
        environment=environment,
        console=None if console else False,
        data_dir=data_dir / "logfire" if data_dir is not None else None,
        additional_span_processors=list(span_processors),
        metrics=logfire.MetricsOptions(additional_readers=list(metric_readers)),
        inspect_arguments=False,
        # The desktop has no use for logfire's own warnings about distributed tracing or code sources.
        distributed_tracing=False,
    )
    _state.configured = True
    _state.sending = bool(instance.config.token)
    _state.include_content = include_content
    _state.instruments = {}
    status = current_status()
    log.info("observability: %s", status.describe())
    return status


def disable_observability() -> None:
    """Stop routing spans and metrics to logfire (tests, and a planner who turns telemetry off)."""
    _state.configured = False
    _state.sending = False
    _state.include_content = False
    _state.instruments = {}


def current_status() -> ObservabilityStatus:
    return ObservabilityStatus(
        configured=_state.configured, sending=_state.sending, include_content=_state.include_content
    )


def token_source(data_dir: Path | None) -> str | None:
    """Where a logfire token would come from if the application configured logfire now, or None (no upload)."""
    import os

    if os.environ.get("LOGFIRE_TOKEN"):
        return "LOGFIRE_TOKEN"
    if data_dir is not None and (data_dir / "logfire" / "logfire_credentials.json").is_file():
        return str(data_dir / "logfire" / "logfire_credentials.json")
    return None


def content_allowed() -> bool:
    return _state.include_content


class SpanHandle:
    """What a span's body may add as it learns them: more sizes, and content (dropped unless opted in)."""

    def __init__(self, name: str, sizes: dict[str, SizeValue], logfire_span: Any) -> None:
        self.name = name
        self.sizes = sizes
        self._span = logfire_span

    def set_size(self, key: str, value: SizeValue) -> None:
        _check_size(key, value)
        self.sizes[key] = value
        if self._span is not None:
            self._span.set_attribute(key, value)

    def set_content(self, key: str, value: str) -> None:
        if self._span is not None and _state.include_content:
            self._span.set_attribute(f"content.{key}", value)


@contextmanager
def span(
    name: str, *, kind: str | None = None, content: Mapping[str, str] | None = None, **sizes: SizeValue
) -> Iterator[SpanHandle]:
    """Time a run of `name` (one of SPAN_KINDS, or a sub-step such as "import.read") with its sizes.

    A successful "schedule" span also records the schedule-time metric (sizes `activities`, `relationships`).

    kind is a word from a fixed vocabulary (a file format, a sync direction), never user text; content (project
    code, file name) is attached only when the planner opted in. The duration goes to the span and the log.
    """
    for key, value in sizes.items():
        _check_size(key, value)
    attributes: dict[str, Any] = dict(sizes)
    if kind is not None:
        attributes["kind"] = kind
    if content and _state.include_content:
        attributes.update({f"content.{key}": value for key, value in content.items()})
    started = time.perf_counter()
    manager: AbstractContextManager[Any] = nullcontext(None)
    if _state.configured:
        import logfire

        manager = logfire.span(name, _span_name=name, **attributes)
    outcome = "failed"
    with manager as logfire_span:
        handle = SpanHandle(name, dict(sizes), logfire_span)
        try:
            yield handle
            outcome = "ok"
        finally:
            duration_ms = (time.perf_counter() - started) * 1000.0
            if logfire_span is not None:
                logfire_span.set_attribute("duration_ms", round(duration_ms, 3))
            if name == "schedule" and outcome == "ok":
                # Every scheduling run wrapped in a span feeds the schedule-time metric, with no second call.
                record_schedule_time(
                    duration_ms,
                    activities=int(handle.sizes.get("activities", 0)),
                    relationships=int(handle.sizes.get("relationships", 0)),
                )
            described = " ".join(f"{key}={value}" for key, value in handle.sizes.items())
            log.info("%s%s %s in %.1f ms %s", name, f" ({kind})" if kind else "", outcome, duration_ms, described)


def record_schedule_time(duration_ms: float, *, activities: int, relationships: int) -> None:
    """One CPM run: a histogram of milliseconds, tagged with the project's size class (not its identity)."""
    histogram = _instrument("schedule", "histogram")
    if histogram is not None:
        histogram.record(duration_ms, {"size_class": _size_class(activities), "relationships_k": relationships // 1000})


def record_sync_lag(lag_seconds: float, *, pending_changes: int) -> None:
    """After a sync: how old the newest pulled server change was when it arrived, and what is still unpushed."""
    gauge = _instrument("sync_lag", "gauge")
    if gauge is not None:
        gauge.set(lag_seconds)
    pending = _instrument("sync_pending", "gauge")
    if pending is not None:
        pending.set(pending_changes)


_INSTRUMENTS = {
    "schedule": ("bbschedule.schedule.duration", "ms", "time of one CPM scheduling run"),
    "sync_lag": ("bbschedule.sync.lag", "s", "age of the newest server change when this client pulled it"),
    "sync_pending": ("bbschedule.sync.pending_changes", "1", "local changes not yet pushed"),
}


def _instrument(key: str, kind: str) -> Any:
    if not _state.configured:
        return None
    if key not in _state.instruments:
        import logfire

        name, unit, description = _INSTRUMENTS[key]
        factory = logfire.metric_histogram if kind == "histogram" else logfire.metric_gauge
        _state.instruments[key] = factory(name, unit=unit, description=description)
    return _state.instruments[key]


def _size_class(activities: int) -> str:
    for limit, label in ((100, "<100"), (1_000, "<1k"), (10_000, "<10k"), (100_000, "<100k")):
        if activities < limit:
            return label
    return ">=100k"


def _check_size(key: str, value: object) -> None:
    # Strings are refused so that a name or a note cannot slip into a span as a "size".
    if not isinstance(value, int | float | bool):
        raise TypeError(f"span size {key!r} must be a number, not {type(value).__name__}")
