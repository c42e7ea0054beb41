"""The `study` command line: one module per command group.

Imports stay inside the handlers so `--help` is instant and nothing here pulls
in torch or Textual.
"""

from __future__ import annotations

import argparse
import sys

from study import __version__
from study.cli import content, db, exchange, kata, review, settings
from study.cli.common import UsageError

__all__ = ["UsageError", "build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="study",
        description="A terminal study companion for deep learning: FSRS-scheduled cards "
        "and PyTorch-checked coding katas.",
    )
    p.add_argument("--version", action="version", version=f"study {__version__}")
    p.add_argument("--home", metavar="DIR",
                   help="study home (default: $STUDY_HOME, else the platform data dir)")
    p.set_defaults(func=review.cmd_default, json=False)
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    review.register(sub)
    content.register(sub)
    db.register(sub)
    kata.register(sub)
    exchange.register(sub)
    kata.register_dev(sub)
    settings.register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    from study.clock import ClockError
    from study.settings import SettingsError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (UsageError, SettingsError, ClockError) as exc:
        print(f"study: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ninterrupted; every grade so far is saved", file=sys.stderr)
        return 130
    except Exception as exc:  # store errors and the like: one clear line
        from study.migrations import SchemaError
        from study.store import StoreError

        if isinstance(exc, StoreError | SchemaError | FileNotFoundError):
            print(f"study: error: {exc}", file=sys.stderr)
            return 2
        raise
    except BrokenPipeError:
        return 0
