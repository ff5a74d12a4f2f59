#!/usr/bin/env bash
# Builds the one-folder bundle with PyInstaller: dist/BBSchedule/ (BBSchedule and bbschedule-cli), or
# dist/BBSchedule.app on macOS. Work files go to build-work/, never into build/ (DESIGN.md section 10).
# Environment: PYTHON (default .venv/bin/python), BBSCHEDULE_DIST and BBSCHEDULE_WORK to build elsewhere.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
python="${PYTHON:-$root/.venv/bin/python}"
[ -x "$python" ] || python="$root/.venv/Scripts/python.exe"  # Git Bash on Windows
dist="${BBSCHEDULE_DIST:-$root/dist}"
work="${BBSCHEDULE_WORK:-$root/build-work}"
if ! "$python" -c "import PyInstaller" 2>/dev/null; then
    "$python" -m pip install --quiet --disable-pip-version-check "pyinstaller>=6.10,<7"
fi
"$python" -m PyInstaller --noconfirm --clean --log-level WARN \
    --workpath "$work" --distpath "$dist" "$root/build/bbschedule.spec"
# Libraries the spec filtered out still get a top-level symlink from PyInstaller; drop the dangling ones.
"$python" - "$dist" <<'PY'
import sys
from pathlib import Path

for link in Path(sys.argv[1]).rglob("*"):
    if link.is_symlink() and not link.exists():
        link.unlink()
PY
echo "built: $dist/BBSchedule"
