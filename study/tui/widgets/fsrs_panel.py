"""FSRS health and advice, a section of the Stats screen: how well the parameters in use
predict your newest reviews, and minutes per day against desired retention (the
simulator runs in a worker thread, on its own read-only connection)."""

from __future__ import annotations

import sqlite3
from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static


def scores_rows(entry: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(set, log loss, RMSE(bins), AUC) rows of one kind's health check."""
    evaluation = entry.get("evaluation") or {}
    rows = []
    for key, label in (("default", "FSRS defaults"), ("current", "previous fit"),
                       ("fitted", "fitted (in use)")):
        s = evaluation.get(key)
        if s:
            auc = f"{s['auc']:.3f}" if s.get("auc") is not None else "–"
            rows.append((label, f"{s['log_loss']:.4f}", f"{s['rmse_bins']:.4f}", auc))
    return rows


def workload_lines(curve: dict[str, Any], width: int = 30) -> list[str]:
    """One line per retention: a bar of minutes per day, the current setting marked."""
    points = curve["points"]
    top = max((p["minutes_per_day"] for p in points), default=0.0) or 1.0
    out = []
    for p in points:
        bar = "█" * max(1, round(p["minutes_per_day"] / top * width))
        mark = "  ◀ your setting" if abs(p["retention"] - curve["current"]) < 1e-9 else ""
        out.append(f"{p['retention']:.0%}  {p['minutes_per_day']:6.1f} min/day  "
                   f"{p['reviews_per_day']:6.1f} reviews  [cyan]{bar}[/]{mark}")
    return out


class FsrsPanel(Vertical):
    """Mounted by a StudyScreen (it reads the screen's `study`)."""

    # The curve arrives from a worker: its lines are reserved from the start, so the
    # screen's layout (and its scrollbar) does not move when it does.
    DEFAULT_CSS = """
    FsrsPanel { height: auto; }
    FsrsPanel #fsrs-workload { height: 8; }
    """

    def compose(self) -> ComposeResult:
        yield Static("[b]Your FSRS parameters[/] [dim](scored on your newest reviews, "
                     "which the fit did not see; lower log loss and RMSE, higher AUC "
                     "are better)[/]", classes="heading")
        yield Static("", id="fsrs-state")
        yield DataTable(id="fsrs-health", zebra_stripes=True)
        yield Static("[b]Workload[/] [dim](minutes per day against desired retention: "
                     "a simulated year with your parameters, cards, answer times and "
                     "new cards per day)[/]", classes="heading")
        yield Static("simulating…", id="fsrs-workload")

    def on_mount(self) -> None:
        from study import stats
        from study.tui.screens.base import StudyScreen

        screen = self.screen
        assert isinstance(screen, StudyScreen)
        study = screen.study
        report = stats.fsrs_parameters(study)
        lines = []
        table = self.query_one("#fsrs-health", DataTable)
        table.add_columns("set", "log loss", "RMSE(bins)", "AUC")
        for kind in ("cards", "katas"):
            entry = report[kind]
            if entry["fitted"]:
                lines.append(f"{kind}: fitted on {entry['reviews']} reviews "
                             f"({entry['fitted_at'][:10]})")
                for row in scores_rows(entry):
                    table.add_row(f"{kind}: {row[0]}", *row[1:])
            else:
                lines.append(f"{kind}: FSRS's defaults (`study optimize` fits your own)")
        self.query_one("#fsrs-state", Static).update("\n".join(lines))
        if table.row_count == 0:
            table.display = False
        states = study.store.states()
        deck = sum(1 for it in study.items if it.kind == "card"
                   and not (it.id in states and states[it.id].suspended))
        self._simulate(study.store.path, deck, study.settings,
                       list(study.store.srs.parameters("card")))

    def _simulate(self, path: Any, deck: int, settings: Any, params: list[float]) -> None:
        def job() -> None:
            from study import workload

            try:
                conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
                try:
                    config, _ = workload.learner_config(
                        conn, deck, settings.new_per_day, settings.max_reviews_per_day,
                        settings.maximum_interval)
                finally:
                    conn.close()
                points = workload.curve(params, config, settings.desired_retention)
                curve = workload.Curve(points, settings.desired_retention, deck,
                                       settings.new_per_day, 0.0, {}).to_dict()
                text = "\n".join(workload_lines(curve))
            except Exception as exc:  # the screen says it; the app goes on
                text = f"the simulation failed: {type(exc).__name__}: {exc}"
            self.app.call_from_thread(self._show, text)

        self.run_worker(job, thread=True, exclusive=True, group="fsrs-workload",
                        exit_on_error=False)

    def _show(self, text: str) -> None:
        if self.is_mounted:
            self.query_one("#fsrs-workload", Static).update(text)
