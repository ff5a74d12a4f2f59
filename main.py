"""BBSchedule: `python main.py` starts the application; `python main.py COMMAND` runs the CLI."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "desktop"))

from bbschedule.cli import main

if __name__ == "__main__":
    sys.exit(main())
