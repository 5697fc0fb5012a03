"""The interface catalogues of the other languages against de.yaml, the source:
every text a resident sees is there (and nothing de.yaml does not have), with the
same placeholders, in the language's own script, with date patterns babel can
format; what only volunteers and the site's team read stays German (fallback)."""
from __future__ import annotations

import functools
import re
import string
import unicodedata
from collections import Counter
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import yaml
from babel import Locale
from babel.dates import format_date, format_datetime

from nahbei.i18n import LOCALES, catalog, flatten

# Sections of de.yaml that residents see: pages, search, calendars (kind: the
# screen-reader prefix of term links, "Thema: …").
RESIDENT = ("kind", "search", "ui")
# Resident sections' keys that stay German in ar/uk, with why (en translates them
# all: the site's team may read English).
STAYS_GERMAN = {
    "ui.build.": "build log, read by the site's team",
    "ui.map.build.": "build log, read by the site's team",
    "ui.preview.": "log of mkdocs serve, read by volunteers",
    "ui.change.issue_title": "GitHub issue title: volunteers sort reports by it; the issue form sets the same",
    "search.feedback.issue_title": "GitHub issue title: volunteers sort reports by it",
    # the /leichte-sprache/ page is easy-to-read German by definition; only the
    # links to it and its title are in the reader's language
    "ui.easy_read.site.": "text of the Leichte-Sprache page (German by definition)",
}
EASY_READ_LABELS = {"ui.easy_read.site.title", "ui.easy_read.site.description", "ui.easy_read.site.link"}
# Babel patterns ("full"/"long"/"medium"/"short" or a pattern) and how the code uses them
# (search/records.py: format_date for a day, format_datetime for a start with a time).
BABEL = {"search.date.day": "date", "search.date.time": "datetime"}
# Texts that may equal the German one, with why: names of products, words English shares with German.
SAME_AS_GERMAN = {
    "en": {
        "ui.change.issue_title": "the issue form's title, the same in every language",
        "ui.phone.whatsapp": "product name",
        "ui.subscribe.outlook_heading": "product name",
        "ui.subscribe.thunderbird_heading": "product name",
        "search.kind.organisation": "the same word in English",
        "ui.contact.kind_organisation": "the same word in English",
        "ui.phone.fax": "the same word in English",
        "ui.privacy.hosting_heading": "the same word in English",
        "search.nearby.radius_km": "the same unit in English",
        "search.filter.region": "the same word in English",
        "ui.event.online": "the same word in English",
    },
    "ar": {
        "ui.subscribe.outlook_heading": "product name, written in Latin letters in Arabic apps",
        "ui.subscribe.thunderbird_heading": "product name, written in Latin letters in Arabic apps",
    },
    "uk": {
        "ui.phone.whatsapp": "product name, written in Latin letters in Ukrainian",
        "ui.subscribe.outlook_heading": "product name, written in Latin letters in Ukrainian apps",
        "ui.subscribe.thunderbird_heading": "product name, written in Latin letters in Ukrainian apps",
    },
}
SCRIPT = {"ar": "ARABIC", "uk": "CYRILLIC"}
LANGS = ("en", "ar", "uk")


@functools.lru_cache(maxsize=None)
def read(lang: str) -> dict:
    """The flat catalogue as the file has it (no German fallback)."""
    return flatten(yaml.safe_load((LOCALES / f"{lang}.yaml").read_text("utf-8")) or {})


def stays_german(key: str) -> bool:
    if key in EASY_READ_LABELS:
        return False
    return any(key == p or (p.endswith(".") and key.startswith(p)) for p in STAYS_GERMAN)


def resident_keys(lang: str) -> list[str]:
    keys = [k for k in read("de") if k.split(".")[0] in RESIDENT]
    return keys if lang == "en" else [k for k in keys if not stays_german(k)]


def texts(value) -> list[str]:
    return value if isinstance(value, list) else [value]


def placeholders(text: str) -> Counter:
    """{name} fields (as str.format sees them, {{ }} excluded) and Pagefind's [COUNT]-style tokens."""
    fields = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    return Counter(fields + re.findall(r"\[[A-Z_]+\]", text))


def letters(text: str) -> str:
    """The text's letters outside placeholders."""
    bare = re.sub(r"\{[^{}]*\}|\[[A-Z_]+\]", "", text)
    return "".join(c for c in bare if unicodedata.category(c).startswith("L"))


@pytest.mark.parametrize("lang", LANGS)
def test_every_resident_text_and_no_other_key(lang):
    have = read(lang)
    missing = [k for k in resident_keys(lang) if k not in have]
    assert not missing, f"{lang}.yaml lacks these keys of de.yaml: {missing}"
    unknown = [k for k in have if k not in read("de")]
    assert not unknown, f"{lang}.yaml has keys de.yaml does not have: {unknown}"
    if lang != "en":
        # volunteer/CLI sections and the keys above fall back to German on purpose
        extra = [k for k in have if k not in resident_keys(lang)]
        assert not extra, f"{lang}.yaml translates texts meant to stay German: {extra}"


@pytest.mark.parametrize("lang", sorted(SCRIPT))
def test_key_order_follows_de(lang):
    """ar and uk keep de.yaml's order, so a reviewer reads both side by side."""
    order = {k: i for i, k in enumerate(read("de"))}
    keys = [k for k in read(lang) if k in order]
    assert keys == sorted(keys, key=order.get)


@pytest.mark.parametrize("lang", LANGS)
def test_same_placeholders_as_german(lang):
    de, have = read("de"), read(lang)
    wrong = {}
    for key in (k for k in resident_keys(lang) if k in have):
        ours, theirs = texts(have[key]), texts(de[key])
        if len(ours) != len(theirs):
            wrong[key] = f"{len(ours)} items, German has {len(theirs)}"
            continue
        for a, b in zip(ours, theirs, strict=True):
            if placeholders(a) != placeholders(b):
                wrong[key] = (dict(placeholders(a)), dict(placeholders(b)))
    assert not wrong, wrong


@pytest.mark.parametrize("lang", LANGS)
def test_texts_are_translated(lang):
    de, have = read("de"), read(lang)
    keys = [k for k in resident_keys(lang) if k in have]  # missing ones: the first test
    empty = [k for k in keys if not all(isinstance(x, str) and x.strip() for x in texts(have[k]))]
    assert not empty
    same = [k for k in keys
            if have[k] == de[k] and any(letters(x) for x in texts(de[k])) and k not in SAME_AS_GERMAN[lang]]
    assert not same, f"{lang}: still the German text: {same}"
    # an exemption nobody needs any more is removed
    stale = [k for k in SAME_AS_GERMAN[lang] if k in have and have[k] != de[k]]
    assert not stale, stale


@pytest.mark.parametrize("lang", sorted(SCRIPT))
def test_written_in_the_languages_script(lang):
    """Every text with letters has letters of the language's script, except the
    names listed above and the babel patterns."""
    script = SCRIPT[lang]
    have = read(lang)
    latin_only = [k for k in resident_keys(lang) if k in have and k not in BABEL and k not in SAME_AS_GERMAN[lang]
                  for x in texts(have[k])
                  if letters(x) and not any(unicodedata.name(c, "").startswith(script) for c in letters(x))]
    assert not latin_only, latin_only


@pytest.mark.parametrize("lang", sorted(SCRIPT))
def test_no_german_typography(lang):
    """German quotation marks „…“ become the language's «…»; Arabic takes its own
    comma, semicolon and question mark after Arabic words; Ukrainian writes the
    apostrophe ’ inside words, not ', and no period after a date ("3 грудня 2026 р.")."""
    have = read(lang)
    found = {}
    for key in resident_keys(lang):
        for x in texts(have.get(key, [])):
            if "„" in x or "“" in x:
                found[key] = "German quotation marks"
            if lang == "ar" and re.search(r"[\u0621-\u064A\u064B-\u0652][,;?]", x):
                found[key] = "Latin , ; or ? after an Arabic letter"
            if lang == "uk" and re.search(r"[а-яіїєґ]'[а-яіїєґ]", x, re.I):
                found[key] = "' instead of ’"
            if lang == "uk" and re.search(r"\{(date|until)\}\.", x):
                found[key] = "a period after a date, which babel ends with „р.“ already"
    assert not found, found


@pytest.mark.parametrize("lang", ["de", *LANGS])
def test_babel_patterns_format_a_date(lang):
    """Each pattern key gives a real date in its language: the year, and the month
    as babel names it there (a pattern with a typo shows letters instead)."""
    start = datetime(2026, 12, 3, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    locale = Locale.parse(lang)
    months = {locale.months[ctx][width][12] for ctx in ("format", "stand-alone") for width in ("wide", "abbreviated")}
    for key, how in BABEL.items():
        pattern = catalog(lang)[key]
        out = (format_date(date(2026, 12, 3), pattern, locale=lang) if how == "date"
               else format_datetime(start, pattern, tzinfo=start.tzinfo, locale=lang))
        assert "2026" in out and any(m in out for m in months), (key, pattern, out)
        if how == "datetime":
            assert re.search(r"\b10[:.]00\b", out), (key, pattern, out)


def test_babel_keys_are_all_patterns_there_are():
    """A new date pattern in de.yaml is added to BABEL, so the test above checks it."""
    looks_like = [k for k, v in read("de").items() if isinstance(v, str)
                  and (v in ("full", "long", "medium", "short")
                       or (re.fullmatch(r"[EMdyHhmsa.,: '\-]+", v) and re.search(r"\b(y|MMM+|EEE+|HH)\b", v)))]
    assert sorted(looks_like) == sorted(BABEL)


@pytest.mark.parametrize("lang", ["ar", "uk"])
def test_fallback_is_german(lang):
    """What the file leaves out shows in German (i18n.catalog), e.g. a check message."""
    key = next(k for k in read("de") if k.startswith("msg."))
    assert key not in read(lang)
    assert catalog(lang)[key] == read("de")[key]
    assert catalog(lang)["ui.home.search_button"] == read(lang)["ui.home.search_button"]
