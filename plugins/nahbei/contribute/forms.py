"""The GitHub issue forms (.github/ISSUE_TEMPLATE/*.yml) as `nahbei from-issue` reads them.

Field ids and choices are fixed here; what a volunteer reads (headings, choices)
is in the locale files, ``form.<form>.<field>`` and ``form.<field>.<choice>``, in
the language the forms are written in. Light on purpose: the command line lists
the forms without loading the converter.
"""
from __future__ import annotations

from ..i18n import DEFAULT_LANG, t

# The fields of each form, in the form's order (the ids documented in the form files).
FORMS = {
    "neues-angebot": ("name", "summary", "description", "topics", "target_groups", "age_min", "age_max",
                      "cost", "cost_note", "languages", "provider", "address", "hours", "phone", "email",
                      "website", "consent"),
    "neue-veranstaltung": ("title", "description", "date", "start_time", "end_time", "recurrence",
                           "recurrence_note", "place", "organiser", "registration", "registration_note",
                           "cost", "cost_note", "consent"),
    "aenderung": ("entry", "wrong", "correct", "source"),
}
REQUIRED = {
    "neues-angebot": ("name", "summary", "topics", "target_groups", "provider", "consent"),
    "neue-veranstaltung": ("title", "date", "place", "organiser", "consent"),
    "aenderung": ("entry", "wrong", "correct"),
}
# The choices of the drop-down fields the converter reads (any other choice, such
# as "weiß ich nicht", leaves the field out). Recurrence: (frequency, interval),
# None for a single date.
RECURRENCE_CHOICES = {"once": None, "daily": ("daily", 1), "weekly": ("weekly", 1),
                      "fortnightly": ("weekly", 2), "monthly": ("monthly", 1)}
CHOICES = {"cost": ("free", "paid"), "registration": ("required", "not_required"),
           "recurrence": tuple(RECURRENCE_CHOICES)}


def form_labels(form: str, form_lang: str = DEFAULT_LANG) -> dict[str, str]:
    """{field id: heading} of a form, as GitHub writes the headings into the issue."""
    return {key: t(f"form.{form}.{key}", form_lang) for key in FORMS[form]}


def choice_labels(field: str, form_lang: str = DEFAULT_LANG) -> dict[str, str]:
    """{choice key: text in the form} of a drop-down field: {"free": "kostenlos", …}."""
    return {key: t(f"form.{field}.{key}", form_lang) for key in CHOICES[field]}
