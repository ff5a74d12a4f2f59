"""Logging, logfire set-up, spans and diagnostics.

Public entry points: runtime.start_telemetry (composition root), observability.span and the record_* metrics
(services), diagnostics.run_diagnostics (`doctor` and the Diagnostics dialog).
"""
