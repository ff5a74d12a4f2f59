# Sourced by run-app.sh and run-tests.sh: a virtual environment in .venv with BBSchedule installed.
# Usage: bootstrap_venv [extra]   (extra: "dev" adds the test and lint tools)
set -euo pipefail

bootstrap_venv() {
    local extra="${1:-}"
    local root
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    cd "$root"
    local py="${PYTHON:-}"
    if [ -z "$py" ]; then
        for candidate in python3.11 python3.12 python3.13 python3; do
            if command -v "$candidate" >/dev/null 2>&1 &&
                "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
                py="$candidate"
                break
            fi
        done
    fi
    if [ -z "$py" ]; then
        echo "BBSchedule needs Python 3.11 or newer on the PATH" >&2
        exit 1
    fi
    if [ ! -x .venv/bin/python ]; then
        "$py" -m venv .venv
    fi
    local spec="."
    [ -n "$extra" ] && spec=".[$extra]"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$spec"
}

apt_install_missing() {
    # apt_install_missing PACKAGE... : installs those not yet installed, when we may (root or sudo).
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "warning: not a Debian-like system; install ${missing[*]} by hand" >&2
        return 0
    fi
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
