"""Translated terms (taxonomy.yaml ``translations``): the model's overlay per
language, the checks of ``nahbei check`` (data cases in
tests/data/translations/taxonomy_cases.yaml) and what the editions show."""
from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from tests.support.htmlcheck import Document, parse_html

from nahbei.model.check import check
from nahbei.model.directory import Taxonomy

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
CASES = yaml.safe_load((Path(__file__).parent / "data" / "translations" / "taxonomy_cases.yaml").read_text("utf-8"))
TODAY = date(2026, 11, 22)
LANGUAGES = ("de", "en", "ar", "uk")


def with_translations(text: str, vocab: str, tid: str, blocks: dict | None) -> tuple[str, int]:
    """taxonomy.yaml with the term's ``translations`` replaced by ``blocks`` (none: removed),
    and the line of the term."""
    lines = text.split("\n")
    top = lines.index(f"{vocab}:")
    start = next(i for i in range(top + 1, len(lines)) if lines[i] == f"  {tid}:")
    end = start + 1
    while end < len(lines) and lines[end].startswith("    "):
        end += 1
    body = [x for x in lines[start + 1:end]]
    if "    translations:" in body:
        body = body[:body.index("    translations:")]
    if blocks:
        body.append("    translations:")
        for code, fields in blocks.items():
            body.append(f"      {code}:")
            body += [f"        {k}: {json.dumps(v, ensure_ascii=False)}" for k, v in fields.items()]
    return "\n".join([*lines[:start + 1], *body, *lines[end:]]), start + 1


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_check_messages(copied_content, case):
    copied = copied_content
    path = copied / "content" / "taxonomy.yaml"
    original = (CONTENT / "taxonomy.yaml").read_text("utf-8")
    vocab, tid = case["term"].split(".")
    text, line = with_translations(original, vocab, tid, case["translations"])
    path.write_text(text, "utf-8")
    try:
        result = check(copied / "content", today=TODAY, root=copied, languages=LANGUAGES,
                       translation_warnings=case.get("translation_warnings", True))
    finally:
        path.write_text(original, "utf-8")
    got = [p.format() for p in result.problems if p.path == "content/taxonomy.yaml"]
    want = [re.sub(r"\{line(?:\+(\d+))?\}", lambda m: str(line + int(m.group(1) or 0)), x) for x in case["expect"]]
    assert got == want


def test_the_example_taxonomy_is_translated_into_every_site_language():
    result = check(CONTENT, today=TODAY, root=ROOT, languages=LANGUAGES)
    assert result.directory is not None
    assert not [p for p in result.problems if p.path == "content/taxonomy.yaml"]
    tax = result.directory.taxonomy
    for lang in LANGUAGES[1:]:
        there = tax.in_language(lang)
        for vocab in ("topics", "target_groups", "situations"):
            for tid, term in getattr(there, vocab).items():
                german = getattr(tax, vocab)[tid]
                assert term.lang == lang and term.label != german.label, (lang, vocab, tid)
                for name in ("phrase", "description"):  # (a life situation has no phrase)
                    mine, theirs = getattr(term, name, None), getattr(german, name, None)
                    assert (mine is None) == (theirs is None) and (theirs is None or mine != theirs), (
                        lang, vocab, tid, name)
        # place names stay as they are, and say they are German
        assert all(r.lang == "de" and r.label == tax.regions[k].label for k, r in there.regions.items())


def test_a_term_in_a_language_keeps_its_id_parent_and_keywords():
    tax = Taxonomy.from_data({
        "topics": {"a": {"label": "Einsamkeit", "description": "Allein.",
                         "translations": {"en": {"label": "Loneliness", "description": "Alone."}}}},
        "target_groups": {"g": {"label": "Familien", "phrase": "für Familien"}},
        "regions": {"k": {"label": "Kreis"}, "s": {"label": "Stadt", "parent": "k",
                                                     "translations": {"en": {"label": "Town"}}}},
        "situations": {"s": {"label": "Ich bin allein", "topics": ["a"], "keywords": ["allein"],
                             "translations": {"en": {"label": "I am alone"}}}},
    })
    en = tax.in_language("en")
    assert (en.topics["a"].label, en.topics["a"].description, en.topics["a"].lang) == ("Loneliness", "Alone.", "en")
    assert (en.target_groups["g"].label, en.target_groups["g"].phrase, en.target_groups["g"].lang) == (
        "Familien", "für Familien", "de")
    assert en.regions["s"].parent == "k" and en.ancestors("regions", "s") == ("k",)
    s = en.situations["s"]
    assert (s.label, s.lang, s.topics, s.keywords) == ("I am alone", "en", ("a",), ("allein",))
    assert tax.in_language("de") is tax
    assert tax.in_language("ar").topics["a"].label == "Einsamkeit"


# -- the editions ------------------------------------------------------------------

def page(site: Path, path: str) -> Document:
    return parse_html(site / path / "index.html")


def test_the_editions_name_terms_in_their_language(example_site):
    en = page(example_site, "en/themen")
    links = {a.text.strip(): a for a in en.find("article").find_all("a", class_="nb-card__title")}
    assert "Loneliness" in links
    assert not any(a.get("lang") for a in links.values())
    ar = page(example_site, "ar")
    assert "الوحدة" in [x.text.strip() for x in ar.find_all("span", class_="nb-tile__label")]
    situations = ar.find("ul", class_="nb-situations")
    assert "أقضي وقتًا كثيرًا وحدي" in [a.text.strip() for a in situations.find_all("a")]
    # a place name has no translation: German, and marked so (the heading and its links)
    assert page(example_site, "en/regionen/troisdorf").find("h1").get("lang") == "de"
    assert page(example_site, "en/themen/einsamkeit").find("h1").get("lang") is None
    regions = page(example_site, "en/regionen").find("article").find_all("a", class_="nb-card__title")
    assert regions and {a.get("lang") for a in regions} == {"de"}
    # an English offer's topics in English, its regions in German
    offer = page(example_site, "en/angebote/thinka-soemmerda").find("article")
    terms = {a.get("href").rstrip("/").split("/")[-1]: a for a in offer.find_all("a", href=True)
             if "/themen/" in a.get("href") or "/regionen/" in a.get("href")}
    assert terms["beratung"].text.strip().endswith("Advice and guidance")
    assert not [x for x in terms["beratung"].iter() if x.get("lang")]
    assert [x.get("lang") for x in terms["landkreis-soemmerda"].iter() if x.get("lang")] == ["de"]
