"""Time: the (overridable) clock and study days that roll over at a local hour.

All stored times are UTC milliseconds. A *study day* is a local calendar day
that starts at `rollover_hour` (default 04:00), so a review at 01:30 counts
for the day before, as in Anki.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from study.errors import ClockError

UTC = UTC




# Instants the store can hold and every zone can convert: days, weeks and
# years are added to them, so the ends of datetime's range are kept away.
EARLIEST = datetime(1970, 1, 2, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)
LOCALTIME = Path("/etc/localtime")  # the system zone (tests point it elsewhere)


def parse_instant(text: str) -> datetime:
    """Parse ISO-8601; a naive value is taken as UTC. Returns an aware UTC datetime."""
    try:
        dt = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=UTC)
        dt = dt.astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        raise ClockError(f"not an ISO-8601 date-time: {text!r}") from exc
    if not EARLIEST <= dt < LATEST:
        raise ClockError(f"date-time out of range: {text!r} (years 1970 to 8999)")
    return dt


def now() -> datetime:
    """The current instant in UTC; `STUDY_NOW` (ISO-8601) overrides it."""
    fixed = os.environ.get("STUDY_NOW")
    if fixed:
        try:
            return parse_instant(fixed)
        except ClockError as exc:
            raise ClockError(f"STUDY_NOW: {exc}") from None
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
    return system_zone()


def system_zone(localtime: Path | None = None) -> tzinfo:
    """The system's IANA zone ($TZ, else /etc/localtime), with its daylight-saving rules.

    The fixed offset Python reports for "now" would put a July study day of a
    user set up in winter an hour off; the zone's rules never do.
    """
    tz = os.environ.get("TZ")
    if tz:
        name = tz.lstrip(":")
        try:
            if name.startswith("/"):
                with open(name, "rb") as fh:
                    return ZoneInfo.from_file(fh, key=name)
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass  # a POSIX rule string such as "CET-1CEST": fall through
    path = localtime or LOCALTIME
    try:
        target = os.path.realpath(path)
        if "/zoneinfo/" in target:  # a link into the zone database names the zone
            with contextlib.suppress(ZoneInfoNotFoundError, ValueError):
                return ZoneInfo(target.split("/zoneinfo/", 1)[1])
        with open(path, "rb") as fh:
            return ZoneInfo.from_file(fh, key="localtime")
    except (OSError, ValueError):
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
