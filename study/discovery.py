"""Finding content files. No YAML here: the cached start-up path uses this alone."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

KATA_FILES = ("starter.py", "solution.py", "check.py")


@dataclass
class ContentFile:
    path: Path
    kind: str  # "curriculum", "cards", "kata" or "plans"
    origin: str  # "bundled" or "user"


def _classify(path: Path) -> str:
    if path.name == "curriculum.yaml":
        return "curriculum"
    if path.name == "kata.yaml":
        return "kata"
    if path.parent.name == "plans":  # content/plans/*.yaml: dated study plans
        return "plans"
    return "cards"


def _yaml_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def discover(root: Path, origin: str) -> list[ContentFile]:
    """Content files under a content directory, a sub-folder of one, or a single file."""
    root = root.resolve()
    if root.is_file():
        return [ContentFile(root, _classify(root), origin)]
    if not root.is_dir():
        return []
    if any((root / f).is_dir() for f in ("content", "cards", "exercises")):
        files: list[ContentFile] = []
        if (root / "content").is_dir():
            files += [ContentFile(p, _classify(p), origin) for p in _yaml_files(root / "content")]
        if (root / "cards").is_dir():
            files += [ContentFile(p, "cards", origin) for p in _yaml_files(root / "cards")]
        if (root / "exercises").is_dir():
            files += [ContentFile(p, "kata", origin)
                      for p in sorted((root / "exercises").glob("*/kata.yaml"))]
        return files
    return [ContentFile(p, _classify(p), origin) for p in _yaml_files(root)]
