"""Translated entries (issue 13): the data shape in the schemas and the model,
the checks of `nahbei check` (codes, own language, missing translations) and
the staleness of a translation, read from a real git history."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml

from nahbei.mkdocs.config import directory_options
from nahbei.model.check import check
from nahbei.model.schemas import Schemas
from nahbei.model.translations import ESSENTIAL, MISSING, TRANSLATABLE

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
CASES = yaml.safe_load((Path(__file__).parent / "data" / "translations" / "cases.yaml").read_text("utf-8"))
TODAY = date(2026, 11, 22)
LANGUAGES = ("de", "en", "ar", "uk")
NAHBEI = Path(sys.executable).parent / "nahbei"
TRANSLATED = sum(1 for p in CONTENT.glob("*/*.yaml") if "\ntranslations:\n" in p.read_text("utf-8"))


# -- one home for the translatable fields ----------------------------------------

def _dotted(properties: dict, schemas: Schemas, prefix: str = "") -> list[str]:
    out = []
    for name, sub in properties.items():
        sub = schemas.resolve(sub)
        if sub.get("type") == "object" and "properties" in sub:
            out += _dotted(sub["properties"], schemas, f"{prefix}{name}.")
        else:
            out.append(prefix + name)
    return out


@pytest.mark.parametrize("kind", sorted(TRANSLATABLE))
def test_the_schema_allows_exactly_the_models_translatable_fields(kind):
    schemas = Schemas()
    schema = schemas.schema(kind)
    translation = schema["$defs"]["translation"]
    fields = [f for f in _dotted(translation["properties"], schemas) if f != "last_reviewed"]
    assert fields == list(TRANSLATABLE[kind])
    for field in fields:  # each one exists in German too, so the fallback has a text to show
        node = schema
        for part in field.split("."):
            node = schemas.resolve(node)["properties"][part]
    assert set(ESSENTIAL.get(kind, ())) <= set(fields)
    assert schema["properties"]["easy_read"] == {"$ref": "common.schema.json#/$defs/easy_read"}


def test_a_translated_text_keeps_the_german_fields_limits():
    schemas = Schemas()
    base = {"id": "x-y", "name": "Treff", "summary": "Deutsch üben bei Kaffee.", "status": "active",
            "topics": ["a"], "target_groups": ["b"], "provider": "c", "example_data": "Nur ein Beispiel."}
    ok = {**base, "translations": {"en": {"name": "Meeting"}, "sr-Latn": {"name": "Sastanak"}}}
    assert schemas.fast("offer").is_valid(ok)
    for bad in ({"en": {"name": "x" * 121}}, {"en": {"summary": "kurz"}}, {"en": {"name": "a\nb"}},
                {"en": {}}, {"EN": {"name": "Meeting"}}, {"en": {"cost": {"free": True}}},
                {"en": {"last_reviewed": "03.12.2026"}}):
        assert not schemas.fast("offer").is_valid({**base, "translations": bad}), bad


# -- messages: data-file cases ----------------------------------------------------

@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_check_messages(copied_content, case):
    copied = copied_content
    probe = copied / "content" / "offers" / "probe.yaml"
    probe.write_text(case["text"], "utf-8")
    try:
        result = check(copied / "content", today=TODAY, root=copied, languages=tuple(case.get("languages", LANGUAGES)),
                       translation_warnings=case.get("translation_warnings", True))
    finally:
        probe.unlink()
    lines = [p.format() for p in result.problems if p.path == "content/offers/probe.yaml"]
    assert lines == case["expect"]
    if case["expect"]:
        assert result.directory is None or not any(p.severity == "error" for p in result.problems)


# -- the model --------------------------------------------------------------------

@pytest.fixture(scope="module")
def example():
    result = check(CONTENT, today=TODAY, root=ROOT, languages=LANGUAGES)
    assert result.directory is not None, [p.format() for p in result.errors]
    return result


def test_entries_give_their_text_in_a_language_or_german(example):
    d = example.directory
    thinka = d.offers["thinka-soemmerda"]
    assert thinka.translated_languages == ("en", "ar", "uk")
    assert thinka.text("name", "en") == (thinka.translation("en")["name"], "en")
    assert thinka.text("name", "en")[0].startswith("ThINKA Sömmerda district")
    assert thinka.text("summary", "uk")[1] == "uk"
    # not translated: the German text, said to be German
    assert thinka.text("description", "ar") == (thinka.get("description"), "de")
    assert thinka.text("appointment.note", "en") == ("In der Zentrale auch Termine nach Vereinbarung.", "de")
    assert thinka.text("name", "de") == (thinka.name, "de")
    assert thinka.translation("tr") == {}
    assert thinka.easy_read.startswith("ThINKA ist ein Kontakt·büro.")
    untranslated = d.offers["sozialplanung-dorsten-innenstadt"]
    assert untranslated.translated_languages == () and untranslated.easy_read is None
    assert untranslated.text("name", "ar") == (untranslated.name, "de")
    assert untranslated.text("cost.note", "en") == (None, "de")


def test_the_example_content_is_translated_where_readers_need_it(example):
    """Current offers and events have name/title and summary in every site language
    but one: MITTEndrin lacks Arabic and Ukrainian on purpose (the fallback "nur auf
    Deutsch" in lists and search), which is the one warning; the Dorsten offer
    (ended) and the Döbeln conference (2018) are left German too: the archive shows
    them in German in every language, without a warning."""
    assert [(p.code, p.path) for p in example.problems] == [(MISSING, "content/offers/mittendrin-troisdorf.yaml")]
    d = example.directory
    assert set(d.offers["mittendrin-troisdorf"].translated_languages) == {"en"}
    for entries in (d.offers, d.events):
        for ident, entry in entries.items():
            if entry.get("translations") is None:
                assert ident in ("sozialplanung-dorsten-innenstadt", "sozialregionalkonferenz-doebeln-2018") \
                    or entry.derived_from, ident
    assert d.offers["sozialplanung-dorsten-innenstadt"].is_ended(TODAY)


def test_example_translations_say_they_are_examples():
    for path in sorted((CONTENT).glob("*/*.yaml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        if isinstance(data, dict) and data.get("translations"):
            assert "Die Übersetzungen sind ungeprüfte Beispiele." in data["example_data"], path
            expected = {"en"} if path.stem == "mittendrin-troisdorf" else {"en", "ar", "uk"}  # (see above)
            assert set(data["translations"]) == expected, path


def test_the_site_languages_come_from_mkdocs_yml(tmp_path):
    options = directory_options(ROOT / "mkdocs.yml")
    assert tuple(options.languages) == LANGUAGES and options.translation_warnings is True
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: x\nplugins:\n  - nahbei/directory:\n      languages: [de, xx]\n", "utf-8")
    with pytest.raises(Exception, match="'xx' is not a language code"):
        directory_options(config)
    config.write_text("site_name: x\nplugins:\n  - nahbei/directory:\n      languages: [de, en, en]\n", "utf-8")
    with pytest.raises(Exception, match="listed twice"):
        directory_options(config)
    assert directory_options(tmp_path / "none.yml") is None


# -- staleness from a real git history -------------------------------------------------

def git(cwd, *args, day="2026-11-01"):
    env = {**os.environ, "GIT_AUTHOR_DATE": f"{day}T12:00:00+00:00", "GIT_COMMITTER_DATE": f"{day}T12:00:00+00:00",
           "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org", "GIT_COMMITTER_NAME": "Test",
           "GIT_COMMITTER_EMAIL": "test@example.org", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


def edit(path: Path, old: str, new: str):
    text = path.read_text("utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), "utf-8")


def stale_lines(site: Path):
    result = check(site / "content", today=TODAY, root=site, languages=LANGUAGES)
    assert result.errors == []
    return result, [p.format() for p in result.warnings if p.code.startswith("translation.stale")]


THINKA = "content/offers/thinka-soemmerda.yaml"
GERMAN_SUMMARY = "Das Kontaktbüro ist Lotse zwischen Ratsuchenden und den Hilfsangeboten vor Ort."


def test_a_translation_older_than_the_german_text_is_found_in_git(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(CONTENT, site / "content")
    git(site, "init", "-q", "-b", "main")
    git(site, "add", "-A")
    git(site, "commit", "-q", "-m", "German text and its translations")
    result, lines = stale_lines(site)
    assert lines == [] and result.notes == []
    assert result.directory.stale_translations("offer", "thinka-soemmerda", "en") == frozenset()

    # the German summary changes in a later commit: every translation of it is older now
    edit(site / THINKA, GERMAN_SUMMARY, "Das Kontaktbüro ist Lotse zu den Hilfsangeboten vor Ort.")
    git(site, "commit", "-q", "-am", "German summary changed", day="2026-12-01")
    result, lines = stale_lines(site)
    text = (site / THINKA).read_text("utf-8").splitlines()
    at = {code: next(n for n, line in enumerate(text, 1) if line == f"  {code}:") + 2 for code in ("en", "ar", "uk")}
    assert lines == [
        f"{THINKA}:{at['en']}:14: Warnung: Die Übersetzung translations.en.summary (Englisch) ist älter als der "
        "deutsche Text „summary“ (geändert am 2026-12-01). Passen Sie die Übersetzung an; stimmt sie noch, tragen "
        "Sie unter translations → en ein: last_reviewed: 2026-11-22",
        f"{THINKA}:{at['ar']}:14: Warnung: Die Übersetzung translations.ar.summary (Arabisch) ist älter als der "
        "deutsche Text „summary“ (geändert am 2026-12-01). Passen Sie die Übersetzung an; stimmt sie noch, tragen "
        "Sie unter translations → ar ein: last_reviewed: 2026-11-22",
        f"{THINKA}:{at['uk']}:14: Warnung: Die Übersetzung translations.uk.summary (Ukrainisch) ist älter als der "
        "deutsche Text „summary“ (geändert am 2026-12-01). Passen Sie die Übersetzung an; stimmt sie noch, tragen "
        "Sie unter translations → uk ein: last_reviewed: 2026-11-22",
    ]
    d = result.directory
    assert d.stale_translations("offer", "thinka-soemmerda", "ar") == {"summary"}
    assert d.stale_translations("offer", "mittendrin-troisdorf", "ar") == frozenset()  # its German is unchanged

    # the English summary is updated after that; Arabic is reviewed and still right: both current
    edit(site / THINKA, "The contact office guides people seeking advice to the local support services.",
         "The contact office guides people to the local support services.")
    edit(site / THINKA, "  ar:\n", "  ar:\n    last_reviewed: 2026-12-02\n")
    git(site, "commit", "-q", "-am", "English updated, Arabic reviewed", day="2026-12-02")
    result, lines = stale_lines(site)
    assert [line.split(": Warnung: ")[1].split(" (")[0] for line in lines] == [
        "Die Übersetzung translations.uk.summary"]
    assert result.directory.stale_translations("offer", "thinka-soemmerda", "en") == frozenset()

    # a change not yet committed counts as the newest version
    edit(site / THINKA, "name: ThINKA Landkreis Sömmerda – Kontaktbüro",
         "name: ThINKA Landkreis Sömmerda – Kontakt- und Beratungsbüro")
    result, lines = stale_lines(site)
    uncommitted = [line for line in lines if "noch nicht gespeichert" in line]
    assert [line.split("Übersetzung ")[1].split(" ")[0] for line in uncommitted] == [
        "translations.en.name", "translations.ar.name", "translations.uk.name"]
    assert result.directory.stale_translations("offer", "thinka-soemmerda", "uk") == {"name", "summary"}

    # a translation added together with a German change is not older than it
    edit(site / THINKA, "    name: ThINKA Sömmerda district", "    name: ThINKA Sömmerda district (new)")
    edit(site / THINKA, "    name: ThINKA في", "    name: ThINKA الجديد في")
    edit(site / THINKA, "    name: ThINKA, район", "    name: ThINKA (нове), район")
    git(site, "commit", "-q", "-am", "name and its translations", day="2026-12-03")
    result, lines = stale_lines(site)
    assert [line.split("Übersetzung ")[1].split(" ")[0] for line in lines] == ["translations.uk.summary"]


def german_changed_after(folder: Path) -> Path:
    """The example content in a new repository: translated, then (a later commit)
    ThINKA's German summary changed, so its translations of it are older."""
    shutil.copytree(CONTENT, folder / "content")
    git(folder, "init", "-q", "-b", "main")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "German text and its translations")
    edit(folder / THINKA, GERMAN_SUMMARY, "Das Kontaktbüro ist Lotse zu den Hilfsangeboten vor Ort.")
    git(folder, "commit", "-q", "-am", "German summary changed", day="2026-12-01")
    return folder


def test_without_the_history_staleness_is_not_checked_and_says_so(tmp_path):
    origin = german_changed_after(tmp_path / "origin")
    assert stale_lines(origin)[1]  # the full history sees it

    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", origin.as_uri(), str(shallow))
    result, lines = stale_lines(shallow)
    assert lines == [] and result.notes == [("translation.not_compared_shallow", {"files": TRANSLATED})]
    # the command line says it (standard error), once, and does not fail on it
    proc = subprocess.run([str(NAHBEI), "check", "--config", str(ROOT / "mkdocs.yml")], cwd=shallow,
                          capture_output=True, text=True, env={**os.environ, "SOURCE_DATE_EPOCH": "1795305600"})
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.count("flach (shallow)") == 1 and "Traceback" not in proc.stderr
    assert f"Übersetzungen nicht mit dem deutschen Text verglichen ({TRANSLATED} Dateien mit Übersetzungen)" in proc.stderr

    plain = tmp_path / "plain"
    shutil.copytree(CONTENT, plain / "content")
    result, lines = stale_lines(plain)
    assert lines == [] and result.notes == [("translation.not_compared_not_repository", {"files": TRANSLATED})]


def test_without_git_installed_staleness_is_not_checked_and_says_so(tmp_path, monkeypatch):
    shutil.copytree(CONTENT, tmp_path / "content")
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    result, lines = stale_lines(tmp_path)
    assert lines == [] and result.notes == [("translation.not_compared_no_git", {"files": TRANSLATED})]


# -- nahbei new ------------------------------------------------------------------------

@pytest.mark.parametrize("kind", sorted(TRANSLATABLE))
def test_the_new_entry_template_shows_how_to_translate(tmp_path, kind):
    proc = subprocess.run([str(NAHBEI), "new", kind, "Treff am Markt"], cwd=tmp_path, capture_output=True,
                          text=True, env={**os.environ, "SOURCE_DATE_EPOCH": "1795305600"})
    assert proc.returncode == 0, proc.stderr
    path = next((tmp_path / "content").glob("*/treff-am-markt.yaml"))
    text = path.read_text("utf-8")
    assert "translations" not in yaml.safe_load(text)  # commented out: nothing to fill in by force
    lines = text.splitlines()
    start = lines.index("# translations:")
    block = [line[2:] for line in lines[start:] if line.startswith("# ") and line[2:3] in ("t", "e", " ")]
    shown = yaml.safe_load("\n".join(block))
    fields = set(shown["translations"]["en"])
    assert fields and fields <= {f.split(".")[0] for f in TRANSLATABLE[kind]}
    assert "easy_read" in shown


def test_nahbei_check_takes_the_languages_and_the_switch_from_mkdocs_yml(tmp_path):
    shutil.copytree(CONTENT, tmp_path / "content")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795305600"}
    env.pop("NAHBEI_LANG", None)
    plugin = "site_name: x\nplugins:\n  - nahbei/directory:\n      languages: [de, en, tr]\n"

    def run(config: str, *args):
        (tmp_path / "mkdocs.yml").write_text(config, "utf-8")
        return subprocess.run([str(NAHBEI), *args, "check"], cwd=tmp_path, env=env, capture_output=True, text=True)

    # Turkish is a site language here and nothing is translated into it: every current offer and event says so
    proc = run(plugin)
    assert proc.returncode == 0, proc.stderr
    warned = [line for line in proc.stdout.splitlines() if "Übersetzung fehlt: " in line]
    assert len(warned) == 8 and all("auf Türkisch." in line for line in warned), proc.stdout
    assert "content/offers/thinka-soemmerda.yaml:" in "\n".join(warned)
    english = run(plugin, "--lang", "en")
    assert sum("Translation missing: name, summary in Turkish." in x for x in english.stdout.splitlines()) == 3
    # switched off
    quiet = run(plugin + "      translation_warnings: false\n")
    assert quiet.returncode == 0 and "Übersetzung fehlt" not in quiet.stdout
    # a language code in mkdocs.yml that is none: named, no traceback
    bad = run(plugin.replace("tr]", "tx]"))
    assert bad.returncode == 2 and "'tx' is not a language code" in bad.stderr and "Traceback" not in bad.stderr


def test_the_preview_reads_git_again_only_when_a_translation_or_the_history_changed(tmp_path, monkeypatch):
    import nahbei.model.check as check_module
    from nahbei.model.cache import LoadCache

    site = german_changed_after(tmp_path / "site")
    runs = []
    real = check_module.staleness
    monkeypatch.setattr(check_module, "staleness", lambda *a: runs.append(1) or real(*a))
    cache = LoadCache()

    def preview():
        result = check(site / "content", today=TODAY, root=site, languages=LANGUAGES, cache=cache)
        return result.directory.stale_translations("offer", "thinka-soemmerda", "en")

    assert preview() == {"summary"} and len(runs) == 1
    # a file without translations changes: the same answer, git not asked again
    place = next((site / "content" / "places").glob("*.yaml"))
    place.write_text(place.read_text("utf-8") + "\n", "utf-8")
    assert preview() == {"summary"} and len(runs) == 1
    # the translation is updated (not yet committed): compared again, current now
    edit(site / THINKA, "The contact office guides people seeking advice to the local support services.",
         "The contact office guides people to the local support services.")
    assert preview() == frozenset() and len(runs) == 2
    # the history moves on (committed): compared again
    git(site, "commit", "-q", "-am", "English updated", day="2026-12-02")
    assert preview() == frozenset() and len(runs) == 3


def test_the_build_names_ten_untranslated_entries_and_counts_the_rest(tmp_path):
    """A large directory has thousands of entries without a translation: the build's
    log names ten and counts the others (`nahbei check` lists them all)."""
    from tests.test_search_build import mkdocs_build, project_config

    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    source = (content / "offers" / "mittendrin-troisdorf.yaml").read_text("utf-8")
    german_only = source[:source.index("translations:")] + source[source.index("\nexample_data:") + 1:]
    for n in range(14):
        (content / "offers" / f"mittendrin-kopie-{n}.yaml").write_text(
            german_only.replace("id: mittendrin-troisdorf", f"id: mittendrin-kopie-{n}"), "utf-8")
    config = project_config(tmp_path / "project", content_dir=content)
    proc = mkdocs_build(config, tmp_path / "site")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    log = proc.stdout + proc.stderr
    named = [line for line in log.splitlines() if "Übersetzung fehlt" in line]
    assert len(named) == 10, named
    # 15: the copies and MITTEndrin itself (no Arabic and Ukrainian in the example)
    assert "… und 5 weitere Einträge ohne Übersetzung in eine Sprache der Seite (nahbei check nennt alle)." in log
