"""What every command module shares: opening the home, the usage error."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from study.errors import UsageError

if TYPE_CHECKING:
    from study.core import Study

__all__ = ["UsageError", "open_study_for"]


def open_study_for(args: argparse.Namespace) -> Study:
    from study.core import open_study

    study = open_study(args.home)
    if study.problems:
        print(f"study: warning: {len(study.problems)} content problem(s) skipped; "
              "run `study content check`", file=sys.stderr)
    return study
