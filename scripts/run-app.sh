#!/usr/bin/env bash
# Installs what BBSchedule needs into .venv and starts the application on the local cache.
source "$(dirname "$0")/bootstrap.sh"
bootstrap_venv
if [ -z "${QT_QPA_PLATFORM:-}" ] || [ "${QT_QPA_PLATFORM}" = "xcb" ]; then
    apt_install_missing libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 \
        libxkbcommon-x11-0 libxcb-xinerama0 libxcb-randr0 libxcb-shape0 libegl1 libgl1 libfontconfig1 libdbus-1-3
fi
exec .venv/bin/python main.py "$@"
