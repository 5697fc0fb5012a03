"""When an entry is due for its next review (last_reviewed + review_interval_months).

The one rule that ``nahbei check`` (the overdue warning) and ``nahbei freshness``
(the weekly issue) both read (``overdue``), so they always name the same entries.
"""
from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta

#: Months between reviews when an entry does not say (the schema's default).
DEFAULT_INTERVAL_MONTHS = 12


def review_due(entry) -> date | None:
    """The day the entry's review falls due; None when it was never reviewed.

    ``entry`` is an entry's data or a model entry (anything with ``.get``). Calendar
    months, the end of a shorter month kept: 31 January + 1 month is the last day of
    February, 29 February + 12 months is 28 February.
    """
    reviewed = entry.get("last_reviewed")
    if not reviewed:
        return None
    months = entry.get("review_interval_months", DEFAULT_INTERVAL_MONTHS)
    return date.fromisoformat(reviewed) + relativedelta(months=months)


def overdue(entry, today: date) -> date | None:
    """The day the entry's review fell due when that is before ``today``, else None.
    An ended offer (``status: ended``) is never overdue: nobody reviews it any more."""
    if entry.get("status") == "ended":
        return None
    due = review_due(entry)
    return due if due is not None and due < today else None
