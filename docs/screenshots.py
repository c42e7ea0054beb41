"""Regenerate the README's pictures: `python docs/screenshots.py`.

Runs the app headless on the bundled content, with a temp home holding a few
weeks of made-up history and a fixed clock, and saves Textual's SVG
screenshots of the dashboard, a review and a kata under docs/images/.
"""

from __future__ import annotations

import asyncio
import os
import random
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from study.core import open_study
from study.settings import Settings
from study.tui.app import create_app

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "docs" / "images"
NOW = datetime.fromisoformat("2026-11-23T08:30:00+00:00")
SIZE = (110, 34)
SETTINGS = Settings(timezone="UTC", new_per_day=10)


def seed(home: Path) -> None:
    rng = random.Random(3)
    with open_study(home, SETTINGS) as st:
        cards = [it for it in st.items if it.kind == "card"][:120]
        for day in range(60, 0, -1):
            if rng.random() < 0.2:
                continue
            at = NOW - timedelta(days=day)
            for k, it in enumerate(rng.sample(cards, rng.randint(5, 30))):
                st.store.grade(it.id, "card", rng.choices((1, 2, 3, 4), (12, 8, 70, 10))[0],
                               at + timedelta(minutes=k), duration_ms=rng.randint(4000, 15000))


async def shoot(home: Path) -> None:
    from study.tui.screens.kata import KataScreen

    OUT.mkdir(parents=True, exist_ok=True)
    app = create_app(home, settings=SETTINGS, now=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.save_screenshot(str(OUT / "dashboard.svg"))
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("space")
        await pilot.pause()
        app.save_screenshot(str(OUT / "review.svg"))
        await pilot.press("q")
        await pilot.pause()
        app.push_screen(KataScreen("scaled-dot-product-attention"))
        await pilot.pause()
        await pilot.press("ctrl+g")
        await pilot.pause()
        # A first attempt that forgot the 1/sqrt(d) scaling, checked for real.
        wrong = REPO / "tests" / "katas" / "scaled-dot-product-attention" / "wrong_no_scaling.py"
        code = "\n".join(line for line in wrong.read_text().splitlines()
                         if not line.startswith("# expect"))
        app.screen.query_one("#editor").load_text(code)
        await pilot.press("ctrl+r")
        await app.workers.wait_for_complete()
        await pilot.pause(0.5)
        app.save_screenshot(str(OUT / "kata.svg"))


def main() -> None:
    os.environ["STUDY_KATA_WORKER"] = "0"  # one check in a fresh process; nothing lingers
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        seed(home)
        asyncio.run(shoot(home))
    for name in ("dashboard", "review", "kata"):
        print(OUT / f"{name}.svg")


if __name__ == "__main__":
    main()
