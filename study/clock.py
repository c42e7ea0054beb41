"""Time: the (overridable) clock and study days that roll over at a local hour.

All stored times are UTC milliseconds. A *study day* is a local calendar day
that starts at `rollover_hour` (default 04:00), so a review at 01:30 counts
for the day before, as in Anki.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC = UTC


class ClockError(ValueError):
    pass


def parse_instant(text: str) -> datetime:
    """Parse ISO-8601; a naive value is taken as UTC. Returns an aware UTC datetime."""
    try:
        dt = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise ClockError(f"not an ISO-8601 date-time: {text!r}") from exc
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def now() -> datetime:
    """The current instant in UTC; `STUDY_NOW` (ISO-8601) overrides it."""
    fixed = os.environ.get("STUDY_NOW")
    if fixed:
        return parse_instant(fixed)
    return datetime.now(UTC)


def to_ms(dt: datetime) -> int:
    return int(dt.timestamp() * 1000)


def from_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


def local_zone(name: str | None) -> tzinfo:
    """The user's zone: an IANA name from settings, else the system's."""
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ClockError(f"unknown time zone {name!r}") from exc
    tz = os.environ.get("TZ")
    if tz:
        try:
            return ZoneInfo(tz.lstrip(":"))
        except (ZoneInfoNotFoundError, ValueError):
            pass
    local = datetime.now().astimezone().tzinfo
    return local if local is not None else UTC


@dataclass(frozen=True)
class DayClock:
    """Maps instants to study days for one zone and rollover hour."""

    zone: tzinfo
    rollover_hour: int = 4

    def day_of(self, instant: datetime) -> date:
        local = instant.astimezone(self.zone)
        return (local - timedelta(hours=self.rollover_hour)).date()

    def day_start(self, day: date) -> datetime:
        """The UTC instant at which study day `day` begins."""
        naive = datetime(day.year, day.month, day.day, self.rollover_hour)
        # Resolve through the zone so DST days are 23 or 25 hours long.
        return naive.replace(tzinfo=self.zone).astimezone(UTC)

    def day_end(self, instant: datetime) -> datetime:
        """The UTC instant at which the study day containing `instant` ends."""
        return self.day_start(self.day_of(instant) + timedelta(days=1))
