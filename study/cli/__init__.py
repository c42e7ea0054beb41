"""The `study` command line: one module per command group.

Imports stay inside the handlers so `--help` is instant and nothing here pulls
in torch or Textual.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
from typing import Any

from study import __version__
from study.cli.common import UsageError
from study.errors import StudyError, from_os_error

__all__ = ["UsageError", "build_parser", "main", "run"]


def _translate_once() -> None:
    """argparse asks gettext for a catalog for every string it is given, and gettext looks
    the catalog up again each time (a locale normalisation and stat calls: study's parser
    took 8-20 ms to build). The same catalog, found once, gives the same strings."""
    import gettext

    catalog = gettext.translation(gettext.textdomain(), fallback=True)
    argparse._ = catalog.gettext  # type: ignore[attr-defined]
    argparse.ngettext = catalog.ngettext  # type: ignore[attr-defined]


_translate_once()


def _top_parser() -> tuple[argparse.ArgumentParser, Any]:
    from study.cli import review

    p = argparse.ArgumentParser(
        prog="study",
        description="A terminal study companion for deep learning: FSRS-scheduled cards "
        "and PyTorch-checked coding katas.",
    )
    p.add_argument("--version", action="version", version=f"study {__version__}")
    p.add_argument("--home", metavar="DIR",
                   help="study home (default: $STUDY_HOME, else the platform data dir)")
    p.set_defaults(func=review.cmd_default, json=False)
    return p, p.add_subparsers(dest="command", metavar="COMMAND")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """Every command's parser; with `command` "kata", that group's alone (the same
    parser for it, a twentieth of the time: `study kata check` waits on nothing else)."""
    # Here, not at the top: a plain `study` opens the app without them (see _app_launch).
    if command == "kata":
        from study.cli import kata as kata_cli

        p, sub = _top_parser()
        kata_cli.register(sub)
        return p
    from study.cli import content, db, exchange, goal, kata, optimize, review, settings
    from study.cli import plan as plan_cli
    from study.cli import sync as sync_cli

    p, sub = _top_parser()
    review.register(sub)
    content.register(sub)
    db.register(sub)
    kata.register(sub)
    exchange.register(sub)
    kata.register_dev(sub)
    settings.register(sub)
    plan_cli.register(sub)
    goal.register(sub)
    optimize.register(sub)
    sync_cli.register(sub)
    return p


def run() -> None:
    """The `study` program: `main`, then the exit. A command that leaves nothing behind
    (`quick_exit`: everything closed, no thread running) skips the interpreter's teardown,
    which takes 15-20 ms once study's modules are loaded."""
    rc = main()
    if _quick_exit:
        import threading

        if threading.active_count() == 1:
            with contextlib.suppress(OSError, ValueError):
                sys.stdout.flush()
                sys.stderr.flush()
            os._exit(rc)
    raise SystemExit(rc)


_quick_exit = False


def main(argv: list[str] | None = None) -> int:
    """Run one command; every failure is one line on stderr and an exit code (0, 1 or 2)."""
    for stream in (sys.stdout, sys.stderr):
        # A file name in an odd encoding must not turn into a UnicodeEncodeError.
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    args: argparse.Namespace | None = None
    try:
        given = sys.argv[1:] if argv is None else argv
        args = _app_launch(given)
        if args is None:
            args = build_parser(_command_of(given)).parse_args(given)
        rc = int(args.func(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, inside the handler below
        global _quick_exit
        _quick_exit = bool(getattr(args, "quick_exit", False))
        return rc
    except BrokenPipeError:
        return _closed_pipe()
    except StudyError as exc:
        _error(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        _say("\ninterrupted; every grade so far is saved")
        return 130
    except OSError as exc:
        _error(str(from_os_error(exc)))
        return 2
    except Exception as exc:
        import sqlite3

        if isinstance(exc, sqlite3.Error):
            from study.paths import resolve_home
            from study.store import DB_FILE, explain

            try:
                db = resolve_home(args.home if args else None) / DB_FILE
            except StudyError:
                db = None
            _error(str(explain(exc, db)))
            return 2
        if os.environ.get("STUDY_DEBUG"):
            raise
        # A bug: still one line, with the way to see the rest.
        _error(f"internal error: {type(exc).__name__}: {exc} "
               "(STUDY_DEBUG=1 shows the traceback; please report it)")
        return 1


def _command_of(argv: list[str]) -> str | None:
    """The command named (after `--home DIR`), or None where anything else comes first."""
    i = 0
    while i < len(argv):
        if argv[i] == "--home":
            i += 2
        elif argv[i].startswith("--home="):
            i += 1
        else:
            return None if argv[i].startswith("-") else argv[i]
    return None


def _app_launch(argv: list[str]) -> argparse.Namespace | None:
    """`study` or `study --home DIR`, as the parser would read them, without building every
    command's parser (a tenth of the app's first paint); None for anything else."""
    if not argv:
        home = None
    elif len(argv) == 2 and argv[0] == "--home" and not argv[1].startswith("-"):
        home = argv[1]
    elif len(argv) == 1 and argv[0].startswith("--home=") and len(argv[0]) > 7:
        home = argv[0][7:]
    else:
        return None
    from study.cli.review import cmd_default

    return argparse.Namespace(home=home, func=cmd_default, json=False, command=None)


def _say(text: str) -> None:
    with contextlib.suppress(OSError, ValueError):  # stderr gone too: the exit code says it
        print(text, file=sys.stderr)


def _error(text: str) -> None:
    _say(f"study: error: {text}")


def _closed_pipe() -> int:
    """`study ... | head`: the reader left; that is not an error. Silence the final flush."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0
