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
    assert info.value.params == {"size": 257, "limit": 256}  # rounded up: over the limit reads as over it


def test_exactly_the_limit_is_fine():
    raw = b"a: " + b"x" * (loader.MAX_FILE_BYTES - 4) + b"\n"
    assert len(raw) == loader.MAX_FILE_BYTES
    assert load_bytes(raw)[1]["a"].startswith("xxx")


# -- hostile input: bounded before it costs anything (tests/test_hostile.py runs whole files) --


@pytest.mark.parametrize("text, line, col", [
    ("keywords: [\n&a [x, y],\n*a]\n", 2, 1),             # in a flow list over lines
    ("keywords: [\n\ufeff&a [x, y],\n\ufeff*a]\n", 2, 2),  # the same behind BOMs: the old filter let it pass
    ("&k name: x\n", 1, 1),                                # on a key
    ("\ufeff&k name: x\n", 1, 1),                          # a BOM that starts the text is no column
    ("cost: {free: &f true}\n", 1, 14),                    # in a flow mapping
    ("cost:\n  <<: *vorlage\n", 2, 7),                     # merge key
    ("a: [1, *x]\n", 1, 8),                                 # an alias without its anchor
    ("keywords:\n\ufeff- &a x\n", 2, 4),                  # on a block item behind a BOM
])
def test_anchors_and_aliases_from_the_parser_events(text, line, col):
    """Where the parser finds an anchor or alias, whatever stands before it."""
    assert _err(text)[:3] == ("yaml.anchor", line, col)


@pytest.mark.parametrize("prefix", ["\u200b", "\u00a0", "\u2060"])
def test_other_invisible_characters_make_text_not_anchors(prefix):
    """Zero-width space, no-break space, word joiner: to YAML part of the text."""
    assert load_text(f"keywords:\n- {prefix}&a x\n- {prefix}*a\n") == {"keywords": [f"{prefix}&a x", f"{prefix}*a"]}


@pytest.mark.parametrize("form, make", [
    ("flow list", lambda n: "a: " + "[" * n + "x" + "]" * n + "\n"),
    ("flow mapping", lambda n: "a: " + "{b: " * n + "1" + "}" * n + "\n"),
    ("block list", lambda n: "a:\n" + "".join("  " * i + "-\n" for i in range(n - 1)) + "  " * (n - 1) + "- x\n"),
    ("block mapping", lambda n: "a:\n" + "".join("  " * i + "b:\n" for i in range(1, n)) + "  " * n + "b: 1\n"),
])
def test_nesting_is_bounded_before_it_is_built(form, make):
    """MAX_DEPTH levels load (the file's own fields are the first); one more is
    refused where that level opens, before the composer or any rule recurses."""
    inner = loader.MAX_DEPTH - 1
    data = load_text(make(inner))
    for _ in range(inner + 1):
        data = data[0] if isinstance(data, list) else next(iter(data.values()))
    assert data in ("x", 1)
    code, line, col, params = _err(make(inner + 1))
    assert (code, params) == ("yaml.too_deep", {"limit": loader.MAX_DEPTH})
    if form.startswith("flow"):
        assert line == 1 and col == 4 + (inner * (1 if form == "flow list" else 4))
    else:
        assert line == inner + 2
    # 40,000 levels (the old composer died by SIGSEGV): the same line, at once
    assert _err(make(40_000) if form.startswith("flow") else make(inner + 1))[:3] == (code, line, col)


@pytest.mark.parametrize("raw, line, col, char", [
    (b"id: x\nname: a\x00b\n", 2, 8, "U+0000"),
    (b"id: x\nname: a\x01b *x\n", 2, 8, "U+0001"),          # the old ReaderError traceback
    (b"\x00id: x\n", 1, 1, "U+0000"),
    (b"id: x\nname: ab\x7f\n", 2, 9, "U+007F"),
    ("id: x\nname: ab\u009b\n".encode(), 2, 9, "U+009B"),
    ("id: x\nname: ab\u0085c\n".encode(), 2, 9, "U+0085"),  # NEL: a line break to YAML, none in an editor
    ("id: x\nname: ab\u2028c\n".encode(), 2, 9, "U+2028"),
    ("id: x\nname: \ufffe\n".encode(), 2, 7, "U+FFFE"),
    (b"id: x\rname: y\n", 1, 6, "U+000D"),                   # a lone CR would shift every line after it
    (b"\xef\xbb\xbfid: x\nname: \xc3\xa9\x01\n", 2, 8, "U+0001"),  # after a BOM and a two-byte character
])
def test_control_characters_are_found_where_they_are(raw, line, col, char):
    with pytest.raises(LoadError) as info:
        load_bytes(raw)
    assert (info.value.code, info.value.line, info.value.col, info.value.params) == (
        "file.control_char", line, col, {"char": char})


def test_tabs_and_windows_line_ends_are_no_control_characters():
    assert load_bytes(b"a: 1\r\nb: x\ty\r\n")[1] == {"a": 1, "b": "x\ty"}


@pytest.mark.parametrize("text, expected", [
    ("a: !!int 5\n", 5),
    ("a: !!str 5\n", "5"),
    ("a: !!bool true\n", True),
    ("a: !!null\n", None),
    ("a: ! 5\n", 5),
])
def test_explicit_tags_that_say_what_the_value_is(text, expected):
    assert load_text(text)["a"] == expected


@pytest.mark.parametrize("text", ["a: !!int zwölf\n", "a: !!bool yes\n", "a: !!float x\n", "a: !!null 0\n"])
def test_explicit_tags_that_say_what_the_value_is_not(text):
    """!!int zwölf crashed int() (a traceback); now it is the tag's fault, with its place."""
    assert _err(text)[:3] == ("yaml.tag", 1, 4)


def test_a_duplicate_deep_down_names_its_first_line():
    text = "places:\n  - place: a\n  - place: b\n    hours:\n      note: x\n      note: y\n"
    assert _err(text) == ("yaml.duplicate_key", 6, 7, {"key": "note", "first_line": 5})


def test_a_syntax_error_later_in_the_file_comes_first():
    """As with the composer: a file that does not parse says so, even after a bad tag."""
    assert _err("a: !!int x\nb: [1\nc: 2\n")[0] == "yaml.unclosed_bracket"


def test_size_is_known_before_reading(tmp_path):
    big = tmp_path / "gross.yaml"
    with open(big, "wb") as f:
        f.truncate(300 * 1024 * 1024)  # sparse: no disk, and never read
    with pytest.raises(LoadError) as info:
        loader.read_content(big)
    assert info.value.params == {"size": 300 * 1024, "limit": 256}
    small = tmp_path / "klein.yaml"
    small.write_bytes(b"a: 1\n")
    assert loader.read_content(small) == b"a: 1\n"


def test_a_file_without_a_size_is_read_to_its_end():
    """/proc files tell size 0: read on, bounded by the limit."""
    raw = loader.read_content("/proc/self/status")
    assert b"Name:" in raw and 0 < len(raw) <= loader.MAX_FILE_BYTES


def test_locate_keeps_one_file_composed(monkeypatch):
    """Positions of many faults in one file: composed once, not once per fault."""
    composed = []
    real = loader.yaml.compose
    monkeypatch.setattr(loader.yaml, "compose", lambda *a, **k: composed.append(1) or real(*a, **k))
    text = "a:\n" + "".join(f"  k{i}: {i}\n" for i in range(2000))
    assert [locate(text, ["a", f"k{i}"]) for i in (0, 1999, 7)] == [(2, 7), (2001, 10), (9, 7)]
    assert locate(text, ["a", "k5"], key=True) == (7, 3)
    assert len(composed) == 1
    other = "b: 1\n"
    assert locate(other, ["b"]) == (1, 4)
    assert locate(text, ["a", "k3"]) == (5, 7)  # another file in between: composed again, right again
    assert len(composed) == 3


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
