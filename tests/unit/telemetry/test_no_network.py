"""Nothing leaves the machine without a logfire token.

The proof is a Python audit hook in a fresh interpreter: it sees every socket.getaddrinfo and socket.connect the
process makes (ours, logfire's, OpenTelemetry's exporter threads) and refuses any that is not loopback. With no
token the run emits spans, logs and metrics and must record no attempt; with a token the same run must record
attempts, which shows the guard does see logfire's exporters.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

DRIVER = r"""
import ipaddress, json, socket, sys, time
attempts = []

def _local(host):
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode()
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False

def guard(event, args):
    if event == "socket.getaddrinfo" and not _local(args[0]):
        attempts.append(["getaddrinfo", str(args[0])])
        raise socket.gaierror("network refused by the test's guard")
    if event == "socket.connect":
        address = args[1]
        if isinstance(address, tuple) and not _local(address[0]):
            attempts.append(["connect", str(address[0])])
            raise ConnectionRefusedError("network refused by the test's guard")

sys.addaudithook(guard)

import logfire
from pathlib import Path
from bbschedule.telemetry.observability import configure_observability, record_schedule_time, record_sync_lag, span

status = configure_observability(data_dir=Path(sys.argv[1]))
for run in range(20):
    with span("import", kind="xer", bytes=1000 * run) as handle:
        handle.set_size("activities", run)
    with span("schedule", activities=run):
        record_schedule_time(1.5 * run, activities=run, relationships=run)
    record_sync_lag(0.5, pending_changes=run)
logfire.info("a plain log record {n}", n=1)
logfire.force_flush(timeout_millis=3000)
time.sleep(float(sys.argv[2]))  # let the exporter and token-check threads run
logfire.force_flush(timeout_millis=3000)
config = logfire.DEFAULT_LOGFIRE_INSTANCE.config
print(json.dumps({
    "attempts": attempts,
    "sending": status.sending,
    "token": bool(config.token),
    "send_to_logfire": config.send_to_logfire,
    "console": config.console,
}))
logfire.shutdown(timeout_millis=1000)
"""


def _run(tmp_path: Path, *, token: str | None, settle_s: float) -> dict[str, object]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("LOGFIRE_", "OTEL_"))}
    env["PYTHONPATH"] = str(ROOT / "desktop")
    env["HOME"] = str(tmp_path)
    if token is not None:
        env["LOGFIRE_TOKEN"] = token
    result = subprocess.run(
        [sys.executable, "-c", DRIVER, str(tmp_path / "profile"), str(settle_s)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def test_no_token_means_no_connection_attempt(tmp_path: Path) -> None:
    found = _run(tmp_path, token=None, settle_s=1.0)
    assert found["attempts"] == []
    assert found["sending"] is False
    assert found["token"] is False
    assert found["send_to_logfire"] == "if-token-present"
    assert found["console"] is False


def test_the_guard_sees_logfire_when_a_token_is_present(tmp_path: Path) -> None:
    found = _run(tmp_path, token="pylf_v1_us_" + "0" * 48, settle_s=1.0)
    assert found["sending"] is True
    attempts = found["attempts"]
    assert isinstance(attempts, list)
    assert attempts, "with a token logfire must try to reach its server, and the guard must see it"
    assert all("logfire" in host or "pydantic" in host for _kind, host in attempts), attempts
