"""Study days roll over at a local hour, in the user's zone, DST included."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from study.clock import UTC, ClockError, DayClock, now, parse_instant


@pytest.mark.parametrize(
    ("zone", "instant_utc", "expected_day"),
    [
        # Shanghai is UTC+8: 19:30 UTC is 03:30 local the next day, before the 04:00 rollover.
        ("Asia/Shanghai", "2026-03-01T19:30:00", date(2026, 3, 1)),
        ("Asia/Shanghai", "2026-03-01T20:30:00", date(2026, 3, 2)),
        # New York in winter is UTC-5: 08:59 UTC is 03:59 local.
        ("America/New_York", "2026-01-15T08:59:00", date(2026, 1, 14)),
        ("America/New_York", "2026-01-15T09:00:00", date(2026, 1, 15)),
        # Auckland in (southern) summer is UTC+13.
        ("Pacific/Auckland", "2026-01-15T14:59:00", date(2026, 1, 15)),
        ("Pacific/Auckland", "2026-01-15T15:00:00", date(2026, 1, 16)),
        ("UTC", "2026-06-01T03:59:59", date(2026, 5, 31)),
        ("UTC", "2026-06-01T04:00:00", date(2026, 6, 1)),
    ],
)
def test_day_of_with_rollover(zone: str, instant_utc: str, expected_day: date) -> None:
    clock = DayClock(ZoneInfo(zone), 4)
    assert clock.day_of(parse_instant(instant_utc)) == expected_day


def test_day_start_is_the_local_rollover_hour() -> None:
    clock = DayClock(ZoneInfo("Europe/Berlin"), 4)
    start = clock.day_start(date(2026, 7, 1))
    assert start == datetime(2026, 7, 1, 2, 0, tzinfo=UTC)  # CEST is UTC+2
    assert clock.day_of(start) == date(2026, 7, 1)
    assert clock.day_of(start - timedelta(seconds=1)) == date(2026, 6, 30)


def test_dst_days_are_23_and_25_hours() -> None:
    clock = DayClock(ZoneInfo("America/New_York"), 4)
    # Clocks spring forward at 02:00 on 2026-03-08 and fall back on 2026-11-01,
    # inside the study days that began at 04:00 the day before.
    spring = clock.day_start(date(2026, 3, 8)) - clock.day_start(date(2026, 3, 7))
    fall = clock.day_start(date(2026, 11, 1)) - clock.day_start(date(2026, 10, 31))
    assert clock.day_start(date(2026, 3, 9)) - clock.day_start(date(2026, 3, 8)) == timedelta(1)
    assert spring == timedelta(hours=23)
    assert fall == timedelta(hours=25)


def test_rollover_hour_zero_is_midnight() -> None:
    clock = DayClock(ZoneInfo("Asia/Tokyo"), 0)
    assert clock.day_of(parse_instant("2026-04-01T15:00:00")) == date(2026, 4, 2)
    assert clock.day_end(parse_instant("2026-04-01T14:00:00")) == parse_instant(
        "2026-04-01T15:00:00"
    )


def test_study_now_overrides_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUDY_NOW", "2030-01-02T03:04:05+02:00")
    assert now() == datetime(2030, 1, 2, 1, 4, 5, tzinfo=UTC)
    monkeypatch.setenv("STUDY_NOW", "not a date")
    with pytest.raises(ClockError):
        now()


@pytest.mark.parametrize("as_link", [True, False])
def test_the_system_zone_follows_daylight_saving(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, as_link: bool
) -> None:
    """A Berlin machine, no TZ, no timezone setting: days start at 04:00 local all year."""
    from study import clock

    berlin = Path("/usr/share/zoneinfo/Europe/Berlin")
    fake = tmp_path / "localtime"
    if as_link:
        fake.symlink_to(berlin)
    else:  # a copied zone file, as some systems have
        fake.write_bytes(berlin.read_bytes())
    monkeypatch.delenv("TZ", raising=False)
    monkeypatch.setattr(clock, "LOCALTIME", fake)
    days = DayClock(clock.local_zone(""), 4)
    # Winter (CET, UTC+1) and summer (CEST, UTC+2).
    assert days.day_start(date(2026, 1, 10)) == datetime(2026, 1, 10, 3, tzinfo=UTC)
    assert days.day_start(date(2026, 7, 10)) == datetime(2026, 7, 10, 2, tzinfo=UTC)
    # The switches happen at night, inside the study day that began the morning before:
    # those days are 23 and 25 hours long, and every day starts at 04:00 local.
    for switch, hours in ((date(2026, 3, 28), 23), (date(2026, 10, 24), 25)):
        start, end = days.day_start(switch), days.day_start(switch + timedelta(days=1))
        assert (end - start) == timedelta(hours=hours)
        assert start.astimezone(ZoneInfo("Europe/Berlin")).hour == 4
        assert days.day_of(end - timedelta(seconds=1)) == switch
        assert days.day_of(end) == switch + timedelta(days=1)


@pytest.mark.parametrize("text", ["0001-01-01T00:00:00", "9999-12-31T23:59:59",
                                  "1969-07-20T20:17:00Z", "2026-13-01", "+inf", "now"])
def test_out_of_range_or_odd_study_now_is_one_clear_error(
    monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    monkeypatch.setenv("STUDY_NOW", text)
    with pytest.raises(ClockError, match="^STUDY_NOW: "):
        now()
