"""Errors of the sync layer: the server cannot be reached or refuses, or the protocol does not match."""

from __future__ import annotations

from bbschedule.core.errors import BBScheduleError


class SyncError(BBScheduleError):
    """Talking to the central server failed; the message says why, never with a password in it."""


class ProtocolMismatchError(SyncError):
    """The server speaks another protocol version than this client."""
