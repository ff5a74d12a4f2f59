"""The command line of DESIGN.md section 5: headless commands, and the door into the application.

Exit codes: 0 success, 2 bad input (naming the file and line or field), 3 a logic loop, 1 anything else.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bbschedule import __version__
from bbschedule.core.errors import BBScheduleError, InputFileError, LogicLoopError, ValidationError

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2
EXIT_LOGIC = 3

Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bbschedule", description="CPM scheduling for construction planners.")
    parser.add_argument("--version", action="version", version=f"BBSchedule {__version__}")
    parser.add_argument("--profile", type=Path, help="the local data folder (several profiles act as several clients)")
    parser.add_argument("--screenshot", type=Path, metavar="OUT.png", help="render the main window off screen and exit")
    parser.add_argument("file", nargs="?", type=Path, help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = commands.add_parser("open", help="start the application on a file")
    p.add_argument("path", type=Path)
    p.set_defaults(handler=_cmd_open)

    p = commands.add_parser("import", help="import a file into the local cache")
    p.add_argument("path", type=Path)
    p.add_argument("--project", help="the project to take from a file with several (default: the largest)")
    p.add_argument("--encoding", help="override the detected code page (XER)")
    p.add_argument("--report", type=Path, help="write the fidelity report as JSON here")
    p.set_defaults(handler=_cmd_import)

    p = commands.add_parser("projects", help="list the projects of the local cache")
    p.add_argument("--json", action="store_true", help="as JSON")
    p.set_defaults(handler=_cmd_projects)

    p = commands.add_parser("export", help="write a project of the local cache to a file")
    p.add_argument("project", help="project code or id")
    p.add_argument("out", type=Path)
    p.add_argument("--to", choices=["xer", "mspdi", "pmxml", "xlsx", "json"])
    p.set_defaults(handler=_cmd_export)

    p = commands.add_parser("convert", help="read a file and write it in another format")
    p.add_argument("path", type=Path)
    p.add_argument("out", type=Path)
    p.add_argument("--to", choices=["xer", "mspdi", "pmxml", "xlsx", "json"])
    p.add_argument("--project", help="the project to take from a file with several")
    p.add_argument("--report", type=Path, help="write the fidelity reports as JSON here")
    p.set_defaults(handler=_cmd_convert)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.screenshot is not None or args.command in (None, "open"):
            return _run_application(args)
        handler: Handler = args.handler
        return handler(args)
    except (InputFileError, ValidationError) as exc:
        print(f"bbschedule: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except LogicLoopError as exc:
        print(f"bbschedule: {exc}", file=sys.stderr)
        return EXIT_LOGIC
    except BBScheduleError as exc:
        print(f"bbschedule: {exc}", file=sys.stderr)
        return EXIT_FAILURE


def _run_application(args: argparse.Namespace) -> int:
    from bbschedule.app import run_application

    path = getattr(args, "path", None) or args.file
    return run_application(profile=args.profile, open_path=path, screenshot=args.screenshot)


def _open_cache(args: argparse.Namespace) -> Any:
    from bbschedule.storage.cache import LocalCache
    from bbschedule.storage.paths import cache_path

    return LocalCache(cache_path(args.profile))


def _cmd_open(args: argparse.Namespace) -> int:
    return _run_application(args)


def _cmd_import(args: argparse.Namespace) -> int:
    from bbschedule.formats.registry import ReadOptions, read_file

    result = read_file(args.path, options=ReadOptions(encoding=args.encoding))
    data = result.pick(args.project)
    cache = _open_cache(args)
    try:
        cache.import_project(data)
    finally:
        cache.close()
    if args.report is not None:
        args.report.write_text(json.dumps(result.report.to_json(), indent=1), encoding="utf-8")
    print(f"imported {data.project.code} ({len(data.activities)} activities) from {args.path}")
    for item in result.report.items[:20]:
        print(f"  {item.severity.value}: {item.message} {item.where}".rstrip())
    if len(result.report.items) > 20:
        print(f"  … {len(result.report.items) - 20} more findings (--report for all)")
    return EXIT_OK


def _cmd_projects(args: argparse.Namespace) -> int:
    cache = _open_cache(args)
    try:
        rows = cache.list_projects()
    finally:
        cache.close()
    if args.json:
        print(json.dumps([row.to_json() for row in rows], indent=1))
    else:
        for row in rows:
            print(f"{row.code:<16} {row.activity_count:>7} activities  {row.name}")
    return EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    from bbschedule.formats.registry import write_file

    cache = _open_cache(args)
    try:
        summary = cache.find_project(args.project)
        if summary is None:
            raise InputFileError(str(cache.path), f"no project {args.project!r} in the local cache", field="PROJECT")
        data, _history = cache.load_project(summary.id)
    finally:
        cache.close()
    report = write_file(data, args.out, fmt=args.to)
    print(f"wrote {data.project.code} to {args.out} ({report.format})")
    return EXIT_OK


def _cmd_convert(args: argparse.Namespace) -> int:
    from bbschedule.formats.registry import read_file, write_file

    result = read_file(args.path)
    data = result.pick(args.project)
    report = write_file(data, args.out, fmt=args.to)
    if args.report is not None:
        both = {"import": result.report.to_json(), "export": report.to_json()}
        args.report.write_text(json.dumps(both, indent=1), encoding="utf-8")
    print(f"wrote {data.project.code} ({len(data.activities)} activities) to {args.out} ({report.format})")
    return EXIT_OK
