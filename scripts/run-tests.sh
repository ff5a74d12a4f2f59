#!/usr/bin/env bash
# Installs everything the tests need (Python packages, PostgreSQL server binaries, Java for the MPXJ peer)
# and runs the whole suite: lint, types, layer contracts, then pytest.
source "$(dirname "$0")/bootstrap.sh"
bootstrap_venv dev
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    apt_install_missing postgresql
fi
command -v java >/dev/null 2>&1 || apt_install_missing openjdk-17-jre-headless
apt_install_missing libegl1 libgl1 libfontconfig1 libxkbcommon0 libdbus-1-3
export QT_QPA_PLATFORM=offscreen
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/lint-imports
.venv/bin/python -m pytest "$@"
