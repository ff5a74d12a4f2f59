"""Logging, logfire set-up, spans and diagnostics."""
