"""The feeds fold lines with icalendar's rule, on bytes for speed: the result must be
exactly icalendar's ``Contentline(...).to_ical()`` for any text."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar.parser import Contentline
from icalendar.prop import vText

from nahbei.feeds.ical import fold, line

# ASCII, escapes at fold points, 2-, 3- and 4-byte characters
ALPHABET = st.sampled_from(list("ab ,;:\\^\"") + ["ä", "ß", "€", "„", "😀", "\u0800", "\U0010ffff"])


@settings(max_examples=500, deadline=None)
@given(st.text(ALPHABET, min_size=0, max_size=400), st.sampled_from(["X", "DESCRIPTION", "SUMMARY;LANGUAGE=de"]))
def test_fold_is_icalendars(text, name):
    content = f"{name}:{text}"
    assert fold(content) == Contentline(content).to_ical()


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=0, max_size=300).filter(lambda s: "\r" not in s))
def test_text_lines_are_icalendars(text):
    escaped = vText(text).to_ical().decode("utf-8")
    assert line("DESCRIPTION", escaped) == Contentline(f"DESCRIPTION:{escaped}").to_ical() + b"\r\n"


def test_examples():
    assert fold("X:" + "a" * 72) == b"X:" + b"a" * 72  # 74 octets: one line
    assert fold("X:" + "a" * 73) == b"X:" + b"a" * 72 + b"\r\n a"
    assert fold("X:" + "a" * 71 + "ä") == b"X:" + b"a" * 71 + b"\r\n \xc3\xa4"  # 2 bytes do not fit
    assert fold("X:" + "a" * 71 + "\\n") == b"X:" + b"a" * 71 + b"\r\n \\n"  # escape stays whole
