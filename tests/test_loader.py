"""The YAML loader: values stay what the volunteer meant, faults get a position.

YAML 1.1 (PyYAML's default) turns ``no`` into False, ``12:30`` into 750 and
``01234`` into 668. The loader resolves with the YAML 1.2 core schema and
keeps more as text, so a postcode keeps its zero and a time stays a time;
where a value still is not what the field needs, the schema says so with a
hint (tests/data/broken/ has the full messages).
"""
from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from nahbei.model import loader
from nahbei.model.check import check
from nahbei.model.loader import LoadError, load_bytes, load_text, locate

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 22)


# -- YAML 1.1 traps ------------------------------------------------------------------

@pytest.mark.parametrize("written, value", [
    ("12:30", "12:30"),          # YAML 1.1: 750 (base 60)
    ("12:30:00", "12:30:00"),
    ("no", "no"),                # YAML 1.1: False
    ("yes", "yes"),
    ("on", "on"),
    ("off", "off"),
    ("y", "y"),
    ("No", "No"),
    ("01234", "01234"),          # YAML 1.1: 668 (octal); a postcode keeps its zero
    ("0049 2241 900", "0049 2241 900"),
    ("0x1F", "0x1F"),            # no hexadecimal numbers
    ("0o17", "0o17"),
    ("1e3", "1e3"),              # no exponent without a decimal point
    ("1_000", "1_000"),
    (".inf", ".inf"),
    (".nan", ".nan"),
    ("2026-01-02", "2026-01-02"),  # YAML 1.1: a date object; the schema checks the form
    ("2026-01-02 10:00", "2026-01-02 10:00"),
    ("=", "="),
    ("~", None),
    ("null", None),
    ("", None),
    ("true", True),
    ("false", False),
    ("True", True),
    ("0", 0),
    ("28", 28),
    ("-1", -1),
    ("+5", 5),
    ("50.94", 50.94),
    ("-0.5", -0.5),
])
def test_plain_values(written, value):
    data = load_text(f"key: {written}\n")
    assert data["key"] == value
    assert type(data["key"]) is type(value)


def test_quoted_values_are_always_text():
    data = load_text('a: "12:30"\nb: "53840"\nc: "true"\nd: \'no\'\ne: "~"\n')
    assert data == {"a": "12:30", "b": "53840", "c": "true", "d": "no", "e": "~"}


def test_keys_stay_text():
    assert load_text("no: 1\n2026: x\n") == {"no": 1, "2026": "x"}


def test_markdown_stars_and_ampersands_are_no_anchors():
    text = 'description: "**fett** und Kaffee & Kuchen, 2 * 3"\nnote: a&b *c\n'
    assert load_text(text) == {"description": "**fett** und Kaffee & Kuchen, 2 * 3", "note": "a&b *c"}


def _content(tmp_path):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    return tmp_path / "content"


_OFFER = """# yaml-language-server: $schema=../../schemas/offer.schema.json
id: sprachcafe
name: Sprachcafé
summary: Deutsch üben bei Kaffee und Kuchen, ohne Anmeldung.
status: active
topics: [begegnung]
target_groups: [erwachsene]
provider: stadt-troisdorf
last_reviewed: 2026-11-01
"""


@pytest.mark.parametrize("extra, expected", [
    # meant as a postcode, written as a number: reported, with quotes as the fix
    ('places:\n  - place: volkshaus-doebeln\n    hours:\n      regular:\n        - days: [di]\n          opens: 9:30\n          closes: "12:00"\n',
     "content/offers/sprachcafe.yaml:15:18: Fehler: „9:30“ ist keine gültige Uhrzeit. Erwartet wird HH:MM von 00:00 bis 24:00, "
     "in Anführungszeichen. Beispiel: opens: \"09:30\""),
    ("review_interval_months: 1e3\n",
     "content/offers/sprachcafe.yaml:10:25: Fehler: „review_interval_months“ muss eine ganze Zahl sein, gefunden: „1e3“. "
     "Schreiben Sie nur die Zahl in Ziffern, ohne Anführungszeichen, z. B. review_interval_months: 1000"),
    ("review_interval_months: 0x1F\n",
     "content/offers/sprachcafe.yaml:10:25: Fehler: „review_interval_months“ muss eine ganze Zahl sein, gefunden: „0x1F“. "
     "Schreiben Sie nur die Zahl in Ziffern, ohne Anführungszeichen, z. B. review_interval_months: 12"),
    ("cost:\n  free: yes\n",
     "content/offers/sprachcafe.yaml:11:9: Fehler: „free“ muss true oder false sein, gefunden: „yes“. "
     "Schreiben Sie true (ja) oder false (nein), z. B. free: true"),
    ("eligibility: ~\n",
     "content/offers/sprachcafe.yaml:10:14: Fehler: „eligibility“ muss ein Text sein, gefunden: leer. "
     "Tragen Sie hinter „eligibility:“ einen Wert ein oder löschen Sie die Zeile."),
    ("eligibility: 2026\n",
     "content/offers/sprachcafe.yaml:10:14: Fehler: „eligibility“ muss ein Text sein, gefunden: „2026“. "
     "Setzen Sie den Wert in Anführungszeichen, z. B. eligibility: \"2026\""),
])
def test_traps_that_do_not_fit_the_field_are_reported(tmp_path, extra, expected):
    content = _content(tmp_path)
    (content / "offers/sprachcafe.yaml").write_text(_OFFER + extra, "utf-8")
    result = check(content, today=TODAY, root=tmp_path)
    assert [p.format() for p in result.problems] == [expected]


def test_traps_that_fit_the_field_pass(tmp_path):
    content = _content(tmp_path)
    (content / "places/ort.yaml").write_text(
        "id: ort\nname: Ort\naddress:\n  postcode: 01234\n  town: Dresden\n"
        "accessibility:\n  notes: no\n", "utf-8")
    (content / "offers/sprachcafe.yaml").write_text(
        _OFFER + "eligibility: no\ncost:\n  free: true\n  note: 12:30\n", "utf-8")
    result = check(content, today=TODAY, root=tmp_path)
    assert result.problems == []
    place = result.directory.places["ort"]
    assert place.data["address"]["postcode"] == "01234"
    assert place.data["accessibility"]["notes"] == "no"


# -- files that cannot become data ----------------------------------------------------

def _err(text: str) -> tuple:
    with pytest.raises(LoadError) as info:
        load_text(text)
    e = info.value
    return e.code, e.line, e.col, e.params


@pytest.mark.parametrize("text, code, line, col", [
    ("a: 1\nb:\n\tc: 2\n", "yaml.tab", 3, 1),
    ("a:\n  b: 1\n\tc: 2\n", "yaml.tab", 3, 1),
    ("a:\n  \tb: 1\n", "yaml.tab", 2, 3),
    ("\ta: 1\n", "yaml.tab", 1, 1),
    ('a: 1\nname: "Offener Treff\nb: 2\n', "yaml.unclosed_quote", 2, 7),
    ("name: 'Offener Treff\nb: 2\n", "yaml.unclosed_quote", 1, 7),
    ('id: x\nname: "Sprachcafé\nsummary: Deutsch\nopens: "17:00"\nb: 1\n', "yaml.unclosed_quote", 2, 7),
    ('  - "Sprachcafé\n  - b\n  - "c"\n', "yaml.unclosed_quote", 1, 5),
    ('name: "MITTEndrin!" Statt nur dabei.\n', "yaml.text_after_quote", 1, 21),
    ("summary: Hinweis: offen für alle\n", "yaml.colon_in_text", 1, 17),
    ("age:\n  min: 18\n    max: 99\n", "yaml.indentation", 3, 5),
    ("age:\n    min: 18\n  max: 99\n", "yaml.indentation", 3, 3),
    ("a: 1\n- b\n", "yaml.indentation", 2, 1),
    ("id: x\nname Treff\nb: 1\n", "yaml.expected_colon", 2, 1),
    ("topics: [a, b\nc: 1\n", "yaml.unclosed_bracket", 1, 9),
    ("cost: {free: true\nc: 1\n", "yaml.unclosed_bracket", 1, 7),
    ("keywords:\n  - a\n  b: 1\n", "yaml.list_item", 3, 3),
    ("a: 1\na: 2\n", "yaml.duplicate_key", 2, 1),
    ("a:\n  b: 1\n  b: 2\n", "yaml.duplicate_key", 3, 3),
    ("a: &x 1\nb: 2\n", "yaml.anchor", 1, 4),
    ("a: 1\nb: *x\n", "yaml.anchor", 2, 4),
    ("a: !!python/object/apply:os.system [ls]\n", "yaml.tag", 1, 4),
    ("a: !!binary aGFsbG8=\n", "yaml.tag", 1, 4),
    ("a: !!set {x}\n", "yaml.tag", 1, 4),
    ("a: !eigen x\n", "yaml.tag", 1, 4),
    ("a: 1\n---\nb: 2\n", "yaml.several_documents", 2, 1),
    ("[a, b]: 1\n", "yaml.key_not_text", 1, 1),
    ("? {a: 1}\n: 2\n", "yaml.key_not_text", 1, 3),
    ("- a\n- b\n", "yaml.not_mapping", 1, 1),
    ("nur ein Satz\n", "yaml.not_mapping", 1, 1),
    ("", "file.empty", 1, 1),
    ("# nur ein Kommentar\n", "file.empty", 1, 1),
])
def test_load_errors(text, code, line, col):
    assert _err(text)[:3] == (code, line, col)


def test_tag_is_shown_as_written():
    assert _err("a: !!python/name:os.system x\n")[3] == {"tag": "!!python/name:os.system"}
    assert _err("a: !eigen x\n")[3] == {"tag": "!eigen"}


def test_duplicate_key_names_the_first_line():
    assert _err("a: 1\nb: 2\na: 3\n")[3] == {"key": "a", "first_line": 1}


def test_a_quoted_text_over_several_lines_is_no_open_quote():
    """A correct quoted text over two lines, then an indentation fault: the
    message is about the indentation, not the quote."""
    text = 'summary: "eins\n  zwei"\nage:\n    min: 1\n  max: 2\n'
    assert _err(text)[:3] == ("yaml.indentation", 5, 3)


def test_apostrophes_in_plain_text_are_fine():
    assert load_text("name: Peter's Café\nnote: 5 o'clock\n") == {"name": "Peter's Café", "note": "5 o'clock"}


def test_not_utf8_points_at_the_byte():
    raw = "a: 1\nname: Café\n".encode("latin-1")
    with pytest.raises(LoadError) as info:
        load_bytes(raw)
    assert (info.value.code, info.value.line, info.value.col) == ("file.not_utf8", 2, 10)
    assert info.value.params == {"byte": "0xE9"}


def test_too_large():
    with pytest.raises(LoadError) as info:
        load_bytes(b"a: " + b"x" * (loader.MAX_FILE_BYTES + 1))
    assert info.value.code == "file.too_large"
    assert info.value.params == {"size": 256, "limit": 256}


def test_exactly_the_limit_is_fine():
    raw = b"a: " + b"x" * (loader.MAX_FILE_BYTES - 4) + b"\n"
    assert len(raw) == loader.MAX_FILE_BYTES
    assert load_bytes(raw)[1]["a"].startswith("xxx")


def test_bom_and_windows_line_ends():
    text, data = load_bytes(b"\xef\xbb\xbfa: 1\r\nname: Caf\xc3\xa9\r\n")
    assert data == {"a": 1, "name": "Café"}
    assert not text.startswith("\ufeff")
    assert locate(text, ["name"]) == (2, 7)


# -- locate ------------------------------------------------------------------------------

DOC = """\
# Kommentar
id: sprachcafe
name: "Sprachcafé"
topics: [begegnung, beratung]
age:
  min: 18
places:
  - place: volkshaus-doebeln
    hours:
      regular:
        - days: [di]
          opens: "15:00"
description: |
  Erste Zeile.
  Zweite Zeile mit <b>fett</b>.
summary: >-
  Gefaltet über
  zwei Zeilen <i>x</i>.
2026: Jahr
"""


@pytest.mark.parametrize("path, key, where", [
    (["id"], False, (2, 5)),
    (["id"], True, (2, 1)),
    (["name"], False, (3, 7)),                    # at the opening quote
    (["topics"], False, (4, 9)),
    (["topics", 1], False, (4, 21)),             # an item in a [flow, list]
    (["age", "min"], False, (6, 8)),
    (["age", "min"], True, (6, 3)),
    (["places", 0], False, (8, 5)),
    (["places", 0, "hours", "regular", 0, "opens"], False, (12, 18)),
    (["places", 0, "hours", "regular", 0, "days", 0], False, (11, 18)),
    ([2026], False, (19, 7)),                      # a number as key
    ([], False, (2, 1)),                           # the whole document
    # missing parts resolve to the deepest node that exists
    (["age", "max"], False, (6, 3)),
    (["places", 3], False, (8, 3)),
    (["gibtsnicht", "x"], False, (2, 1)),
    (["id", "x"], False, (2, 5)),
])
def test_locate(path, key, where):
    assert locate(DOC, path, key=key) == where


def test_locate_finds_a_piece_of_text():
    assert locate(DOC, ["description"], find="<b>") == (15, 20)
    assert locate(DOC, ["summary"], find="<i>") == (18, 15)
    assert locate(DOC, ["name"], find="café") == (3, 14)
    # not in the text as written: the value's start
    assert locate(DOC, ["description"], find="<script>") == (13, 14)
    # only within that value
    assert locate(DOC, ["id"], find="Sprachcafé") == (2, 5)


def test_locate_on_broken_or_empty_text():
    assert locate("a: [\n", ["a"]) == (1, 1)
    assert locate("", ["a"]) == (1, 1)
    assert locate("# nur Kommentar\n", ["a"]) == (1, 1)
