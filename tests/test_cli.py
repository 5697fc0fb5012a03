"""`nahbei new` writes commented templates whose placeholders `nahbei check` reports until
they are filled in; `nahbei check FILE` shows one file's messages but checks it against the
whole tree; every content file has its schema line."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from tests.support.content import strings

ROOT = Path(__file__).resolve().parents[1]
BROKEN = Path(__file__).parent / "data" / "broken" / "files"
NAHBEI = Path(sys.executable).parent / "nahbei"
EPOCH = "1795305600"  # 2026-11-22: the build's "today"
FOLDER = {"offer": "offers", "event": "events", "contact": "contacts", "place": "places"}
SCHEMA_LINE = "# yaml-language-server: $schema="


def nahbei(cwd, *args):
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    for name in ("GITHUB_ACTIONS", "NAHBEI_LANG"):
        env.pop(name, None)
    proc = subprocess.run([str(NAHBEI), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


@pytest.fixture
def site(tmp_path):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    return tmp_path


# -- nahbei new ---------------------------------------------------------------------------

# What `nahbei new` leaves for the volunteer, per kind: (line, column, field) of each
# placeholder; `nahbei check` names each one until it is replaced.
PLACEHOLDERS = {
    "offer": [(7, 11, "summary"), (10, 3, "description"), (14, 11, "topics"), (16, 18, "target_groups"),
              (19, 12, "provider")],
    "event": [(7, 9, "start"), (12, 9, "place"), (14, 13, "organiser"), (19, 3, "description")],
    "contact": [(6, 8, "kind"), (9, 9, "email")],
    "place": [(8, 12, "street"), (9, 14, "postcode"), (10, 10, "town")],
}
NEW_OFFER_LINES = [  # the issue's example, word for word
    'content/offers/sprachcafe-fuer-alle.yaml:7:11: Fehler: „summary“ enthält noch den Platzhalter der Vorlage. '
    'Schreiben Sie ein bis zwei Sätze in einfacher Sprache: was, für wen, wo, z. B. summary: "Deutsch üben bei '
    'Kaffee, für alle, im Stadtteilzentrum Mitte."',
    "content/offers/sprachcafe-fuer-alle.yaml:10:3: Fehler: „description“ enthält noch den Platzhalter der Vorlage. "
    "Beschreiben Sie ausführlich, worum es geht, in den Zeilen unter „description: |“ (je zwei Leerzeichen "
    "eingerückt), oder löschen Sie das Feld.",
    "content/offers/sprachcafe-fuer-alle.yaml:14:11: Fehler: „topics“ enthält noch den Platzhalter der Vorlage. "
    "Tragen Sie Themen aus content/taxonomy.yaml (unter topics) ein, z. B. topics: [begegnung, beratung]",
    "content/offers/sprachcafe-fuer-alle.yaml:16:18: Fehler: „target_groups“ enthält noch den Platzhalter der "
    "Vorlage. Tragen Sie Zielgruppen aus content/taxonomy.yaml (unter target_groups) ein, z. B. target_groups: "
    "[erwachsene, familien]",
    "content/offers/sprachcafe-fuer-alle.yaml:19:12: Fehler: „provider“ enthält noch den Platzhalter der Vorlage. "
    "Tragen Sie ein, wer das Angebot anbietet: den Dateinamen seines Kontakts in content/contacts/ ohne .yaml, "
    'z. B. provider: nachbarschaftshilfe-mitte. Gibt es ihn noch nicht: nahbei new contact "Name"',
]
_PLACEHOLDER = re.compile(r'"?\[(?:Bitte ausfüllen|Please fill in): [^\]]*\]"?')


def _existing_ids(content: Path) -> set[str]:
    ids = {p.stem for p in content.glob("*/*.yaml")}
    taxonomy = yaml.safe_load((content / "taxonomy.yaml").read_text("utf-8"))
    return ids | {term for vocab in taxonomy.values() if isinstance(vocab, dict) for term in vocab}


def _filled(text: str, content: Path) -> str:
    """The skeleton with every placeholder replaced by what a volunteer would write
    (references to entries that exist in the copied content)."""
    first = {folder: sorted(p.stem for p in (content / folder).glob("*.yaml"))[0] for folder in ("contacts", "places")}
    taxonomy = yaml.safe_load((content / "taxonomy.yaml").read_text("utf-8"))
    answers = {"summary": "Deutsch üben bei Kaffee, für alle, im Stadtteilzentrum.",
               "description": "Jeden Mittwoch üben wir gemeinsam Deutsch.",
               "topics": next(iter(taxonomy["topics"])), "target_groups": next(iter(taxonomy["target_groups"])),
               "provider": first["contacts"], "organiser": first["contacts"], "place": first["places"],
               "start": "2026-12-03 10:00", "kind": "organisation", "email": "info@beispiel.de",
               "street": "Kölner Straße 12", "postcode": "53840", "town": "Troisdorf"}
    out = []
    for line in text.splitlines(keepends=True):
        key = re.match(r"\s*(\w+):", line)
        field = key.group(1) if key else "description"  # the placeholder line of the block
        out.append(_PLACEHOLDER.sub(lambda m, field=field: f'"{answers[field]}"', line) if not line.startswith("#") else line)
    return "".join(out)


@pytest.mark.parametrize("kind", list(FOLDER))
def test_new_entry_is_a_template_that_fails_until_filled_in(site, kind):
    existing = _existing_ids(site / "content")
    proc = nahbei(site, "new", kind, "Titel mit Ümlaut")
    assert proc.returncode == 0, proc.stderr
    path = site / "content" / FOLDER[kind] / "titel-mit-uemlaut.yaml"
    rel = f"content/{FOLDER[kind]}/titel-mit-uemlaut.yaml"
    # says where it wrote, and how to check it
    assert proc.stdout.strip() == (f"Neue Datei: {rel} — ergänzen Sie die Angaben und prüfen Sie mit: "
                                   f"nahbei check {rel}")
    text = path.read_text("utf-8")
    assert text.splitlines()[0] == f"{SCHEMA_LINE}../../schemas/{kind}.schema.json"
    assert (ROOT / "content" / FOLDER[kind] / "../../schemas" / f"{kind}.schema.json").resolve().is_file()
    data = yaml.safe_load(text)
    assert data["id"] == "titel-mit-uemlaut"
    assert data.get("name", data.get("title")) == "Titel mit Ümlaut"
    # nothing is guessed: no value names an existing entry or term
    assert existing and not set(strings(data)) & existing
    # a commented template: a note above each field the volunteer fills in
    lines = text.splitlines()
    todo = [key for key, value in data.items() if any(_PLACEHOLDER.search(v) for v in strings([value]))]
    assert todo
    for key in todo:
        at = lines.index(next(x for x in lines if x.startswith(key + ":")))
        assert lines[at - 1].startswith("# "), (key, text)

    # unchanged, it fails: one line per placeholder, at the placeholder, naming the field
    proc = nahbei(site, "check", rel)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert [tuple(x.split(": ", 1)[0].rsplit(":", 2)[1:]) for x in lines] == [
        (str(line), str(col)) for line, col, _ in PLACEHOLDERS[kind]]
    for line, (_, _, field) in zip(lines, PLACEHOLDERS[kind], strict=True):
        assert f": Fehler: „{field}“" in line and "enthält noch den Platzhalter der Vorlage" in line, line
    assert f"1 Dateien geprüft: {len(PLACEHOLDERS[kind])} Fehler" in proc.stderr

    # filled in, it passes (no warnings either)
    path.write_text(_filled(text, site / "content"), "utf-8")
    one = nahbei(site, "check", rel, "--strict")
    assert (one.returncode, one.stdout) == (0, "")


def test_new_offer_of_the_issue(site):
    """`nahbei new offer "Sprachcafé für alle"` no longer passes unchanged under someone
    else's name: each placeholder is an error that says what to write there."""
    assert nahbei(site, "new", "offer", "Sprachcafé für alle").returncode == 0
    proc = nahbei(site, "check", "content/offers/sprachcafe-fuer-alle.yaml")
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == NEW_OFFER_LINES


@pytest.mark.parametrize("kind", list(FOLDER))
def test_commented_fields_are_placeholders_too(site, kind):
    """The optional fields in the template's comments hold placeholders as well: a
    volunteer who uncomments them without filling them in is told so."""
    assert nahbei(site, "new", kind, "Treff").returncode == 0
    path = site / "content" / FOLDER[kind] / "treff.yaml"
    rel = f"content/{FOLDER[kind]}/treff.yaml"
    text = re.sub(r"^# (\s*(?:- )?[a-z_]+:.*)$", r"\1", path.read_text("utf-8"), flags=re.M)
    path.write_text(text, "utf-8")
    holes = [v for v in strings(yaml.safe_load(text)) if _PLACEHOLDER.search(v)]
    assert len(holes) > len(PLACEHOLDERS[kind])  # there were commented fields to uncomment
    proc = nahbei(site, "check", rel)
    lines = proc.stdout.splitlines()
    assert len(lines) == len(holes), lines
    assert all("enthält noch den Platzhalter der Vorlage" in x for x in lines), lines


@pytest.mark.parametrize("kind", list(FOLDER))
def test_new_in_english(site, kind):
    """An English template (nahbei --lang en new): English notes and placeholders, and
    the check finds the same placeholders in either language."""
    proc = nahbei(site, "--lang", "en", "new", kind, "Meeting point")
    assert proc.returncode == 0
    rel = f"content/{FOLDER[kind]}/meeting-point.yaml"
    assert proc.stdout.strip() == f"New file: {rel} — fill in the details and check with: nahbei check {rel}"
    text = (site / rel).read_text("utf-8")
    assert "Bitte ausfüllen" not in text and "[Please fill in: " in text
    english = nahbei(site, "--lang", "en", "check", rel).stdout.splitlines()
    german = nahbei(site, "check", rel).stdout.splitlines()
    assert len(english) == len(german) == len(PLACEHOLDERS[kind])
    assert all("still holds the template's placeholder" in x for x in english), english
    assert all("enthält noch den Platzhalter der Vorlage" in x for x in german), german


def test_new_twice_gives_a_second_id(site):
    first = nahbei(site, "new", "offer", "Titel mit Ümlaut")
    second = nahbei(site, "new", "offer", "Titel mit Ümlaut")
    third = nahbei(site, "new", "offer", "Titel mit Ümlaut")
    assert "content/offers/titel-mit-uemlaut.yaml" in first.stdout
    assert "content/offers/titel-mit-uemlaut-2.yaml" in second.stdout
    assert "content/offers/titel-mit-uemlaut-3.yaml" in third.stdout
    ids = [yaml.safe_load((site / "content/offers" / f"{stem}.yaml").read_text("utf-8"))["id"]
           for stem in ("titel-mit-uemlaut", "titel-mit-uemlaut-2", "titel-mit-uemlaut-3")]
    assert ids == ["titel-mit-uemlaut", "titel-mit-uemlaut-2", "titel-mit-uemlaut-3"]
    for stem in ids:  # each its own placeholders, no duplicate id
        lines = nahbei(site, "check", f"content/offers/{stem}.yaml").stdout.splitlines()
        assert len(lines) == len(PLACEHOLDERS["offer"]) and all("Platzhalter" in x for x in lines), lines


def test_new_does_not_take_the_id_of_a_yml_entry(site):
    """An entry written as offers/x.yml holds the id x: nahbei new writes x-2.yaml beside it."""
    (site / "content/offers/titel-mit-uemlaut.yml").write_text("id: titel-mit-uemlaut\n", "utf-8")
    proc = nahbei(site, "new", "offer", "Titel mit Ümlaut")
    assert "content/offers/titel-mit-uemlaut-2.yaml" in proc.stdout
    assert not (site / "content/offers/titel-mit-uemlaut.yaml").exists()


@pytest.mark.parametrize("title, stem", [
    ('„Sprach“: Café \\ "Treff" # 1', "sprach-cafe-treff-1"),
    ("Straße für Ältere", "strasse-fuer-aeltere"),
    ("!!!", "eintrag"),
])
def test_new_with_awkward_titles(site, title, stem):
    proc = nahbei(site, "new", "offer", title)
    assert proc.returncode == 0
    data = yaml.safe_load((site / "content/offers" / f"{stem}.yaml").read_text("utf-8"))
    assert data["name"] == title
    # the title itself is fine: the only messages are the placeholders
    lines = nahbei(site, "check", f"content/offers/{stem}.yaml").stdout.splitlines()
    assert len(lines) == len(PLACEHOLDERS["offer"]) and all("Platzhalter" in x for x in lines), lines


def test_new_into_another_content_folder(tmp_path):
    shutil.copytree(ROOT / "content", tmp_path / "inhalt")
    proc = nahbei(tmp_path, "new", "place", "Treffpunkt", "--content", "inhalt")
    assert proc.returncode == 0
    assert "inhalt/places/treffpunkt.yaml" in proc.stdout
    assert (tmp_path / "inhalt/places/treffpunkt.yaml").is_file()
    check = nahbei(tmp_path, "check", "--content", "inhalt", "inhalt/places/treffpunkt.yaml")
    assert check.returncode == 1
    assert [x.split(": ")[0] for x in check.stdout.splitlines()] == [
        f"inhalt/places/treffpunkt.yaml:{line}:{col}" for line, col, _ in PLACEHOLDERS["place"]]


@pytest.mark.parametrize("title, stem", [
    ("Jugendb\u0075\u0308ro", "jugendbuero"),  # "ü" typed as u + combining diaeresis
    ("ẞtraße", "sstrasse"),
    ("Café – Begegnung", "cafe-begegnung"),
    ("Ein sehr langer Titel für ein Angebot, das wirklich sehr viele Worte braucht", None),
])
def test_a_title_suggests_the_same_id_to_nahbei_new_and_to_nahbei_check(tmp_path, title, stem):
    """One slugifier: the file `nahbei new` writes is the name `nahbei check` suggests
    for a file named after the title."""
    from datetime import date

    from nahbei.model.check import check
    from nahbei.model.ids import MAX_NEW_ID, new_id

    made = new_id(title)
    assert made == (stem or made) and len(made) <= MAX_NEW_ID and not made.endswith("-")
    shutil.copytree(ROOT / "content", tmp_path / "content")
    proc = nahbei(tmp_path, "new", "place", title)
    assert proc.returncode == 0 and (tmp_path / "content/places" / f"{made}.yaml").is_file()
    (tmp_path / "content/places" / f"{made}.yaml").rename(tmp_path / "content/places" / f"{title}.yaml")
    problems = check(tmp_path / "content", today=date(2026, 11, 22), root=tmp_path).problems
    (bad_name,) = [p for p in problems if p.code == "file.bad_name"]
    assert dict(bad_name.params)["suggestion"] == made


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_help_of_every_command_is_in_the_language_of_the_messages(lang, capsys):
    from nahbei.cli import main
    from nahbei.i18n import catalog

    other = "en" if lang == "de" else "de"
    wanted = {k: v for k, v in catalog(lang).items() if k.startswith("cli.help.")}
    unwanted = {k: v for k, v in catalog(other).items() if k.startswith("cli.help.")}
    seen = ""
    for command in ([], ["check"], ["new"], ["freshness"], ["from-issue"], ["import"], ["import", "hsds"],
                    ["import", "ics"]):
        with pytest.raises(SystemExit):
            main(["--lang", lang, *command, "--help"])
        seen += " ".join(capsys.readouterr().out.split()) + "\n"
    assert len(wanted) >= 15
    assert [k for k, v in wanted.items() if " ".join(v.split()) not in seen] == []
    assert [k for k, v in unwanted.items() if v != wanted[k] and " ".join(v.split()) in seen] == []
    if lang == "en":  # no German left in the code either
        assert not re.search("[äöüßÄÖÜ]", seen), seen


# -- nahbei check FILE ----------------------------------------------------------------------

def _put(site, rel, source, ident=None):
    data = (BROKEN / source).read_bytes()
    if ident:
        data = re.sub(rb"^id: .*$", b"id: " + ident.encode(), data, count=1, flags=re.M)
    (site / "content" / rel).write_bytes(data)


def test_check_one_file_shows_only_its_messages(site):
    _put(site, "offers/sprachcafe.yaml", "yaml-tab.yaml")                  # broken YAML
    _put(site, "offers/lesecafe.yaml", "cross-unknown-provider.yaml", "lesecafe")  # bad reference
    _put(site, "offers/erzaehlcafe.yaml", "valid-offer.yaml", "erzaehlcafe")       # fine
    whole = nahbei(site, "check")
    assert whole.returncode == 1
    assert len(whole.stdout.splitlines()) == 2

    one = nahbei(site, "check", "content/offers/lesecafe.yaml")
    assert one.returncode == 1
    assert one.stdout.splitlines() == [
        "content/offers/lesecafe.yaml:8:11: Fehler: Kontakt „stadt-troisdrof“ gibt es nicht (keine Datei "
        "content/contacts/stadt-troisdrof.yaml). Meinten Sie „stadt-troisdorf“? Erwartet wird der Dateiname "
        "eines vorhandenen Eintrags ohne .yaml."]
    assert "1 Dateien geprüft: 1 Fehler, 0 Warnungen." in one.stderr

    # the fine file is fine, though others in the tree are broken
    fine = nahbei(site, "check", "content/offers/erzaehlcafe.yaml", "--strict")
    assert (fine.returncode, fine.stdout) == (0, "")

    # the same file named in other ways
    for name in ("./content/offers/lesecafe.yaml", str(site / "content/offers/lesecafe.yaml")):
        again = nahbei(site, "check", name)
        assert again.stdout == one.stdout and again.returncode == 1


def test_check_one_file_resolves_references_against_the_whole_tree(site):
    """A new event naming an existing place, organiser and offer: fine alone,
    because the other files are read too."""
    event = (
        f"{SCHEMA_LINE}../../schemas/event.schema.json\n"
        "id: lesekreis\ntitle: Lesekreis\nstart: \"2026-12-03 10:00\"\n"
        "place: begegnungsstaette-troisdorf-mitte\norganiser: amt-soziales-troisdorf\n"
        "offer: mittendrin-troisdorf\ntopics: [begegnung]\n")
    (site / "content/events/lesekreis.yaml").write_text(event, "utf-8")
    proc = nahbei(site, "check", "content/events/lesekreis.yaml", "--strict")
    assert (proc.returncode, proc.stdout) == (0, "")
    # and a reference to something that is not there is caught, with a suggestion
    (site / "content/events/lesekreis.yaml").write_text(event.replace("mittendrin-troisdorf", "mittendrin-troisdrof"), "utf-8")
    proc = nahbei(site, "check", "content/events/lesekreis.yaml")
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        "content/events/lesekreis.yaml:7:8: Fehler: Angebot „mittendrin-troisdrof“ gibt es nicht (keine Datei "
        "content/offers/mittendrin-troisdrof.yaml). Meinten Sie „mittendrin-troisdorf“? Erwartet wird der "
        "Dateiname eines vorhandenen Eintrags ohne .yaml."]


def test_check_one_file_with_warnings_only(site):
    _put(site, "offers/sprachcafe.yaml", "warn-review-overdue.yaml")
    proc = nahbei(site, "check", "content/offers/sprachcafe.yaml")
    assert proc.returncode == 0
    assert len(proc.stdout.splitlines()) == 1 and ": Warnung: " in proc.stdout
    assert nahbei(site, "check", "content/offers/sprachcafe.yaml", "--strict").returncode == 1


def test_check_without_content_folder(tmp_path):
    proc = nahbei(tmp_path, "check")
    assert proc.returncode == 2
    assert "Kein Inhaltsordner gefunden: content" in proc.stderr


# -- the example content ---------------------------------------------------------------------

def _content_files():
    return sorted((ROOT / "content").rglob("*.yaml")) + sorted((ROOT / "content").rglob("*.yml"))


@pytest.mark.parametrize("path", _content_files(), ids=lambda p: p.relative_to(ROOT / "content").as_posix())
def test_every_content_file_starts_with_its_schema_line(path):
    first = path.read_text("utf-8").splitlines()[0]
    rel = path.relative_to(ROOT / "content")
    if rel.as_posix() in ("taxonomy.yaml", "sources.yaml"):  # one file each, beside the folders
        expected = f"{SCHEMA_LINE}../schemas/{rel.stem}.schema.json"
    else:
        kind = {v: k for k, v in FOLDER.items()}[rel.parts[0]]
        expected = f"{SCHEMA_LINE}../../schemas/{kind}.schema.json"
    assert first == expected
    assert (path.parent / first[len(SCHEMA_LINE):]).resolve().is_file()


def test_there_is_example_content():
    assert len(_content_files()) >= 20


def test_example_content_checks_clean():
    """No error; one warning, on purpose: MITTEndrin has no Arabic and Ukrainian
    texts (the example shows the fallback "nur auf Deutsch"), which --strict
    counts as a failure, naming that file only."""
    proc = nahbei(ROOT, "check")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert [line.split(":")[0] for line in proc.stdout.splitlines()] == ["content/offers/mittendrin-troisdorf.yaml"]
    strict = nahbei(ROOT, "check", "--strict")
    assert strict.returncode == 1 and strict.stdout == proc.stdout
