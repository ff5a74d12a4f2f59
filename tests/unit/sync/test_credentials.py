"""Passwords in a real keyring backend: keyrings.alt's file keyring in a temporary folder (written, read back by
another backend object on the same file), one account per user and server however the server is written, and a
machine without a usable keyring (keyring's own fail backend) answered plainly rather than with an error.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends.fail import Keyring as NoKeyring
from keyrings.alt.file import PlaintextKeyring

from bbschedule.sync.credentials import SERVICE, account, store_password, stored_password


def file_backend(path: Path) -> PlaintextKeyring:
    backend = PlaintextKeyring()
    backend.file_path = str(path)  # type: ignore[misc]
    return backend


@pytest.fixture
def keyring_file(tmp_path: Path) -> Iterator[Path]:
    previous = keyring.get_keyring()
    path = tmp_path / "keyring" / "passwords.cfg"
    keyring.set_keyring(file_backend(path))
    try:
        yield path
    finally:
        keyring.set_keyring(previous)


def test_a_stored_password_is_read_back_from_the_file(keyring_file: Path) -> None:
    server = "host=db.example.com port=6543 dbname=plans sslmode=verify-full"
    assert store_password(server, "kim", "s3cret pass") is True
    assert keyring_file.is_file()
    assert "s3cret pass" not in keyring_file.read_text(encoding="utf-8")  # the backend encodes what it writes
    assert stored_password(server, "kim") == "s3cret pass"
    # The same server written another way, and a second backend object on the same file.
    assert stored_password("postgresql://db.example.com:6543/plans?sslmode=require", "kim") == "s3cret pass"
    assert file_backend(keyring_file).get_password(SERVICE, account(server, "kim")) == "s3cret pass"
    assert stored_password(server, "lee") is None
    assert stored_password("host=other.example.com dbname=plans", "kim") is None
    assert store_password(server, "kim", "changed") is True
    assert stored_password(server, "kim") == "changed"


def test_without_a_usable_keyring_the_password_is_simply_not_kept() -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(NoKeyring())
    try:
        assert store_password("host=db dbname=plans", "kim", "pw") is False
        assert stored_password("host=db dbname=plans", "kim") is None
    finally:
        keyring.set_keyring(previous)
