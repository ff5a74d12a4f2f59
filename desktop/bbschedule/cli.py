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
    # `bbschedule FILE` is routed to `open FILE` in main(): an optional positional here would swallow the
    # command name of `bbschedule import X`.
    parser.set_defaults(file=None)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = commands.add_parser("open", help="start the application on a file")
    p.add_argument("path", type=Path)
    p.set_defaults(handler=_cmd_open)

    p = commands.add_parser("import", help="import a file into the local cache")
    p.add_argument("path", type=Path)
    p.add_argument("--project", help="the project to take from a file with several (default: the largest)")
    p.add_argument("--encoding", help="override the detected code page (XER)")
    p.add_argument("--report", type=Path, help="write the fidelity report as JSON here")
    p.add_argument("--replace", action="store_true", help="replace a cached project with the same id or code")
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
    p.add_argument("--encoding", help="override the detected code page (XER)")
    p.set_defaults(handler=_cmd_convert)

    p = commands.add_parser("schedule", help="schedule a file or a cached project and write the result JSON")
    p.add_argument("source", metavar="FILE_OR_PROJECT")
    p.add_argument("--project", help="the project to take from a file with several (default: the largest)")
    p.add_argument("--data-date", dest="data_date", help="schedule as of this date (YYYY-MM-DD[THH:MM])")
    p.add_argument("--json", dest="json_out", default="-", help="where to write the result JSON (- : standard output)")
    p.add_argument(
        "--float-paths",
        dest="float_paths",
        type=int,
        metavar="N",
        help="add P6's multiple float paths (at most N; default: the project's own settings, if on)",
    )
    p.add_argument("--float-path-end", dest="float_path_end", metavar="CODE", help="paths end here (default: finish)")
    p.add_argument("--float-path-by", dest="float_path_by", choices=["free_float", "total_float"], default="free_float")
    p.set_defaults(handler=_cmd_schedule)

    p = commands.add_parser("doctor", help="check versions, folders, the local cache, the server and disk space")
    p.add_argument("--json", action="store_true", help="as JSON")
    p.add_argument("--server", metavar="DSN", help="check this server (default: the one configured in the profile)")
    p.set_defaults(handler=_cmd_doctor)
    _add_backup_commands(commands)
    _add_server_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(_bare_file_means_open(parser, list(sys.argv[1:] if argv is None else argv)))
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


def _bare_file_means_open(parser: argparse.ArgumentParser, argv: list[str]) -> list[str]:
    commands: set[str] = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            commands.update(action.choices)
    i = 0
    while i < len(argv):
        token = argv[i]
        if token in ("--profile", "--screenshot"):
            i += 2
        elif token.startswith("-"):
            i += 1
        else:
            return argv if token in commands else [*argv[:i], "open", *argv[i:]]
    return argv


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
    from bbschedule.services.projects import import_file

    cache = _open_cache(args)
    try:
        summary, report = import_file(cache, args.path, args.project, args.encoding, replace=args.replace)
    finally:
        cache.close()
    if args.report is not None:
        args.report.write_text(json.dumps(report.to_json(), indent=1), encoding="utf-8")
    print(f"imported {summary.code} ({summary.activity_count} activities) from {args.path}")
    for item in report.items[:20]:
        print(f"  {item.severity.value}: {item.message} {item.where}".rstrip())
    if len(report.items) > 20:
        print(f"  … {len(report.items) - 20} more findings (--report for all)")
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
    from bbschedule.services.projects import export_project

    cache = _open_cache(args)
    try:
        report = export_project(cache, args.project, args.out, fmt=args.to)
    finally:
        cache.close()
    print(f"wrote {args.project} to {args.out} ({report.format})")
    return EXIT_OK


# ---- backups of the local cache (issue 7) ----------------------------------------------------------------------
def _add_backup_commands(commands: Any) -> None:
    p = commands.add_parser("backup", help="back up the local cache now (SQLite online backup), keeping the last N")
    p.add_argument("--keep", type=int, default=10, help="how many backups to keep (default 10)")
    p.add_argument("--list", action="store_true", help="list the backups instead of making one")
    p.add_argument("--json", action="store_true", help="as JSON")
    p.set_defaults(handler=_cmd_backup)
    p = commands.add_parser("restore", help="replace the local cache by a backup (the current cache is backed up)")
    p.add_argument("backup_file", metavar="FILE", type=Path, help="a backup file, or its name in the backup folder")
    p.set_defaults(handler=_cmd_restore)


def _cmd_backup(args: argparse.Namespace) -> int:
    from bbschedule.storage.backup import backup_now, list_backups
    from bbschedule.storage.paths import backup_dir, cache_path

    if args.list:
        backups = list_backups(backup_dir(args.profile))
        if args.json:
            print(json.dumps([b.to_json() for b in backups], indent=1))
        for b in [] if args.json else backups:
            print(f"{b.taken_at:%Y-%m-%d %H:%M:%S} UTC  {b.size:>12,} bytes  {b.path}")
        return EXIT_OK
    _open_cache(args).close()  # creates or migrates the cache first, so there is always a current file to copy
    saved = backup_now(cache_path(args.profile), backup_dir(args.profile), keep=max(1, args.keep))
    print(json.dumps({"backup": str(saved)}) if args.json else f"backed up the local cache to {saved}")
    return EXIT_OK


def _cmd_restore(args: argparse.Namespace) -> int:
    from bbschedule.storage.backup import backup_now, restore
    from bbschedule.storage.paths import backup_dir, cache_path

    source = args.backup_file
    if not source.exists() and (backup_dir(args.profile) / source).is_file():
        source = backup_dir(args.profile) / source
    target = cache_path(args.profile)
    safety = None
    if target.is_file():
        safety = backup_now(target, backup_dir(args.profile), keep=1000, reason="before-restore")
    restore(source, target)
    _open_cache(args).close()  # a backup from an older version is migrated now, not on the planner's next start
    print(f"restored the local cache from {source}" + (f" (the previous cache is in {safety})" if safety else ""))
    return EXIT_OK


def _cmd_convert(args: argparse.Namespace) -> int:
    from bbschedule.formats.registry import ReadOptions, read_file, write_file

    result = read_file(args.path, options=ReadOptions(encoding=args.encoding))
    data = result.pick(args.project)
    report = write_file(data, args.out, fmt=args.to)
    if args.report is not None:
        both = {"import": result.report.to_json(), "export": report.to_json()}
        args.report.write_text(json.dumps(both, indent=1), encoding="utf-8")
    print(f"wrote {data.project.code} ({len(data.activities)} activities) to {args.out} ({report.format})")
    return EXIT_OK


def _cmd_doctor(args: argparse.Namespace) -> int:
    from bbschedule.telemetry.diagnostics import configured_server_dsn, run_diagnostics

    dsn = args.server or configured_server_dsn(args.profile)
    report = run_diagnostics(args.profile, server_dsn=dsn)
    print(json.dumps(report.to_json(), indent=1) if args.json else report.to_text())
    return EXIT_OK if report.ok else EXIT_FAILURE


# ---- central server (DESIGN.md section 4): administration and headless sync ---------------------------------
def _add_server_commands(commands: Any) -> None:
    server = commands.add_parser("server", help="administer the central PostgreSQL database")
    actions = server.add_subparsers(dest="server_command", metavar="ACTION", required=True)
    p = actions.add_parser("init", help="create or upgrade the schema (idempotent)")
    p.add_argument("--dsn", required=True, help="an administrator's connection string")
    p.set_defaults(handler=_cmd_server_init)
    user = actions.add_parser("user", help="login roles").add_subparsers(dest="user_command", required=True)
    p = user.add_parser("add", help="add a planner's login; the password is read from standard input")
    p.add_argument("name")
    p.add_argument("--dsn", required=True)
    p.set_defaults(handler=_cmd_server_user_add)
    p = actions.add_parser("grant", help="give a user a role on a project")
    p.add_argument("name")
    p.add_argument("project", help="project code or id")
    p.add_argument("role", choices=["viewer", "planner", "admin"])
    p.add_argument("--dsn", required=True)
    p.set_defaults(handler=_cmd_server_grant)
    p = actions.add_parser("revoke", help="take a user off a project")
    p.add_argument("name")
    p.add_argument("project", help="project code or id")
    p.add_argument("--dsn", required=True)
    p.set_defaults(handler=_cmd_server_revoke)
    p = actions.add_parser("status", help="schema version, incarnation and counts")
    p.add_argument("--dsn", required=True)
    p.add_argument("--json", action="store_true", help="as JSON")
    p.set_defaults(handler=_cmd_server_status)

    p = commands.add_parser("sync", help="synchronise every project the user may see with the central server")
    p.add_argument("--server", required=True, metavar="DSN", help="libpq connection string or URL, without password")
    p.add_argument("--user", required=True)
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(handler=_cmd_sync)


def _read_password() -> str:
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise ValidationError("password", "standard input gave no password")
    return password


def _cmd_server_init(args: argparse.Namespace) -> int:
    from bbschedule.sync import admin

    result = admin.init_server(args.dsn)
    applied = ", ".join(str(v) for v in result.applied) or "nothing (up to date)"
    print(f"schema version {result.version}; applied {applied}; incarnation {result.incarnation_id}")
    return EXIT_OK


def _cmd_server_user_add(args: argparse.Namespace) -> int:
    from bbschedule.sync import admin

    admin.add_user(args.dsn, name=args.name, password=_read_password())
    print(f"added user {args.name}")
    return EXIT_OK


def _cmd_server_grant(args: argparse.Namespace) -> int:
    from bbschedule.sync import admin

    project_id = admin.grant(args.dsn, user=args.name, project=args.project, role=args.role)
    print(f"{args.name} is {args.role} of project {args.project} ({project_id})")
    return EXIT_OK


def _cmd_server_revoke(args: argparse.Namespace) -> int:
    from bbschedule.sync import admin

    removed = admin.revoke(args.dsn, user=args.name, project=args.project)
    print(f"{args.name} {'removed from' if removed else 'was not a member of'} project {args.project}")
    return EXIT_OK


def _cmd_server_status(args: argparse.Namespace) -> int:
    from bbschedule.sync import admin

    info = admin.status(args.dsn)
    if args.json:
        print(json.dumps(info, indent=1))
    else:
        for key, value in info.items():
            print(f"{key:<18} {value}")
    return EXIT_OK


def _cmd_sync(args: argparse.Namespace) -> int:
    from bbschedule.services.sync import sync_profile

    password = _read_password() if args.password_stdin else None
    cache = _open_cache(args)
    try:
        summary = sync_profile(cache, server=args.server, user=args.user, password=password)
    finally:
        cache.close()
    print(json.dumps(summary.to_json(), indent=1) if args.json else summary.to_text())
    return EXIT_OK if summary.ok else EXIT_FAILURE


def _cmd_schedule(args: argparse.Namespace) -> int:
    import datetime as dt

    from bbschedule.services.scheduling import float_path_options, result_json, schedule_source, scheduled_float_paths

    data_date = None
    if args.data_date:
        try:
            data_date = dt.datetime.fromisoformat(args.data_date)
        except ValueError:
            raise ValidationError("--data-date", f"{args.data_date!r} is not a date (YYYY-MM-DD[THH:MM])") from None
    scheduled = schedule_source(args.source, project=args.project, data_date=data_date, profile=args.profile)
    paths = None
    if args.float_paths is not None or args.float_path_end is not None:
        from bbschedule.scheduling.float_paths import FloatPathBasis

        count = 10 if args.float_paths is None else args.float_paths
        if count < 1:
            raise ValidationError("--float-paths", f"{count} paths: give at least 1")
        options = float_path_options(
            scheduled.data, count=count, end_code=args.float_path_end, basis=FloatPathBasis(args.float_path_by)
        )
        paths = scheduled_float_paths(scheduled, options)
    else:
        from bbschedule.services.scheduling import result_float_paths

        paths = result_float_paths(scheduled.data, scheduled.result)  # the project's own settings, when on
    text = json.dumps(result_json(scheduled, paths=paths), indent=1)
    if args.json_out in ("-", ""):
        sys.stdout.write(text + "\n")
    else:
        Path(args.json_out).write_text(text, encoding="utf-8")
        result = scheduled.result
        print(f"scheduled {len(scheduled.data.activities)} activities in {result.elapsed_ms:.0f} ms: {args.json_out}")
    return EXIT_OK
