"""The build's "today": from SOURCE_DATE_EPOCH when set (reproducible builds, tests)."""
from __future__ import annotations

import os
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

DEFAULT_TZ = "Europe/Berlin"
#: ISO 3166 country of the directory: phone numbers without a country code are
#: read as this country's (phonenumbers region), addresses are in it (JSON-LD).
DEFAULT_COUNTRY = "DE"


def now(tz: str = DEFAULT_TZ, environ=os.environ) -> datetime:
    epoch = environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return datetime.fromtimestamp(int(epoch), timezone.utc).astimezone(ZoneInfo(tz))
    return datetime.now(ZoneInfo(tz))


def today(tz: str = DEFAULT_TZ, environ=os.environ) -> date:
    return now(tz, environ).date()
