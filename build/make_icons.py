"""Renders resources/icons/app.svg into the icon files installers want: .ico (Windows), .icns (macOS), .png (Linux).

Run by bbschedule.spec (python build/make_icons.py OUT_DIR) so that the SVG stays the single source of the icon.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "resources" / "icons" / "app.svg"


def render_icons(out_dir: Path) -> dict[str, Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: {SOURCE} is not a valid SVG")
    out_dir.mkdir(parents=True, exist_ok=True)
    made: dict[str, Path] = {}
    # Windows scales a 256 px ICO down well; macOS wants a power of two up to 1024 in the ICNS.
    for suffix, size in (("ico", 256), ("icns", 512), ("png", 256)):
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        path = out_dir / f"bbschedule.{suffix}"
        if not image.save(str(path), suffix.upper()):
            raise SystemExit(f"make_icons: Qt could not write {path}")
        made[suffix] = path
    return made


if __name__ == "__main__":
    for kind, path in render_icons(Path(sys.argv[1])).items():
        print(f"{kind}: {path}")
