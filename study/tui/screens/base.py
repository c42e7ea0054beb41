"""`StudyScreen`: what every screen that needs the open study home has in common.

`self.study` is typed (no `type: ignore` per use), and the app tells screens
about the home with messages (`StudyOpened`, `StudyFailed`) that a screen
handles like any other event; one that does not care simply ignores them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar, cast

from textual.screen import Screen

if TYPE_CHECKING:
    from study.core import Study
    from study.tui.app import StudyApp

R = TypeVar("R")


class StudyScreen(Screen[R]):
    """A screen of the study app; `study` is the open home (pushed only once it is open)."""

    @property
    def study_app(self) -> StudyApp:
        return cast("StudyApp", self.app)

    @property
    def study(self) -> Study:
        study = self.study_app.study
        if study is None:  # the app pushes these screens only once the home is open
            raise RuntimeError("the study home is not open")
        return study
