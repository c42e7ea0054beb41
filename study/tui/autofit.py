"""The app's automatic FSRS re-fit (study.optimize.auto_fit) in a worker thread.

It opens the home on a connection of its own (the app's is the UI thread's), so
grading goes on meanwhile; the app's scheduler takes the new set at its next
grade, as with a fit from another process. Off with `auto_optimize = false`.
"""

from __future__ import annotations

from typing import Any


def start(app: Any, delay: float = 3.0) -> None:
    """Fit in the background if it is due, `delay` seconds from now (after the first
    screens are drawn: fsrs-rs holds the GIL while it fits); notify what changed."""
    if delay > 0:
        app.set_timer(delay, lambda: start(app, 0))
        return
    study = getattr(app, "study", None)
    if study is None or not study.settings.auto_optimize:
        return
    path, days, config, now = study.store.path, study.days, study.srs.config, study.now()

    def job() -> None:
        from study import optimize
        from study.scheduler import Srs
        from study.store import Store

        try:
            with Store(path, Srs(config), days) as store:
                lines = optimize.auto_fit(store, days.day_of(now).toordinal(), now)
        except Exception as exc:  # the app goes on with the parameters in use
            lines = [f"FSRS re-fit skipped: {type(exc).__name__}: {exc}"]
        for line in lines:
            app.call_from_thread(app.notify, line, timeout=12)

    app.run_worker(job, thread=True, exclusive=True, group="fsrs-auto-fit",
                   exit_on_error=False)
