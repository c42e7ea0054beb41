"""Where things live: the bundled content and the user's home."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from study.settings import Settings

CONTENT_FOLDERS = ("content", "cards", "exercises")
DB_FILE = "study.db"  # in the home: the review log and everything derived from it
SETTINGS_FILE = "settings.toml"  # in the home
CACHE_DIR = "cache"  # in the home: what can be rebuilt from the files
WORKSPACE = "workspace"  # in the home: the learner's kata files, one folder per kata


def bundled_root() -> Path:
    """The directory holding the bundled `content/`, `cards/`, `exercises/`.

    An installed wheel carries them in `study/_bundled`; an editable install
    or a source checkout finds them at the repository root.
    """
    pkg = Path(__file__).resolve().parent
    for root in (pkg / "_bundled", pkg.parent):
        if (root / "content" / "curriculum.yaml").is_file():
            return root
    raise FileNotFoundError(
        f"bundled content not found next to {pkg} (expected _bundled/ or a source checkout)"
    )


def default_home() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("study", appauthor=False))


def resolve_home(cli_home: str | os.PathLike[str] | None = None) -> Path:
    """`--home` wins over `STUDY_HOME`, which wins over the platform data dir."""
    if cli_home:
        return Path(cli_home).expanduser().resolve()
    env = os.environ.get("STUDY_HOME")
    if env:
        return Path(env).expanduser().resolve()
    return default_home()


def ensure_home(home: Path) -> Path:
    """Create the home if missing; a file or an unusable folder is one clear error."""
    from study.errors import StudyError, from_os_error

    if home.exists() and not home.is_dir():
        raise StudyError(f"the study home {home} is a file, not a folder; point --home or "
                         "STUDY_HOME at a folder")
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise from_os_error(exc, "cannot create the study home") from None
    return home


def content_roots(settings: Settings, home: Path) -> list[tuple[Path, str]]:
    """The content directories to load, with their origin: the bundled content (unless
    switched off), then the user's `content_dirs` (relative ones are under the home)."""
    roots = [(bundled_root(), "bundled")] if settings.bundled_content else []
    for d in settings.content_dirs:
        p = Path(d).expanduser()
        if not p.is_absolute():
            p = home / p
        roots.append((p.resolve(), "user"))
    return roots


def kata_workspace(home: Path, kata_id: str, function: str) -> Path:
    """The learner's file for a kata."""
    return home / WORKSPACE / kata_id / f"{function}.py"
