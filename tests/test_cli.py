"""`nahbei new` writes entries that validate; `nahbei check FILE` shows one file's
messages but checks it against the whole tree; every content file has its schema line."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

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

@pytest.mark.parametrize("kind", list(FOLDER))
def test_new_entry_validates(site, kind):
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
    # the whole tree, and the new file alone, check clean (no warnings either)
    whole = nahbei(site, "check", "--strict")
    assert whole.returncode == 0, whole.stdout
    assert whole.stdout == ""
    one = nahbei(site, "check", rel, "--strict")
    assert (one.returncode, one.stdout) == (0, "")


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
    assert nahbei(site, "check", "--strict").returncode == 0


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
    assert nahbei(site, "check", "--strict").returncode == 0


def test_new_into_another_content_folder(tmp_path):
    shutil.copytree(ROOT / "content", tmp_path / "inhalt")
    proc = nahbei(tmp_path, "new", "place", "Treffpunkt", "--content", "inhalt")
    assert proc.returncode == 0
    assert "inhalt/places/treffpunkt.yaml" in proc.stdout
    assert (tmp_path / "inhalt/places/treffpunkt.yaml").is_file()
    assert nahbei(tmp_path, "check", "--content", "inhalt", "--strict").returncode == 0


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
    if rel.as_posix() == "taxonomy.yaml":
        expected = f"{SCHEMA_LINE}../schemas/taxonomy.schema.json"
    else:
        kind = {v: k for k, v in FOLDER.items()}[rel.parts[0]]
        expected = f"{SCHEMA_LINE}../../schemas/{kind}.schema.json"
    assert first == expected
    assert (path.parent / first[len(SCHEMA_LINE):]).resolve().is_file()


def test_there_is_example_content():
    assert len(_content_files()) >= 20


def test_example_content_checks_clean():
    proc = nahbei(ROOT, "check", "--strict")
    assert (proc.returncode, proc.stdout) == (0, "")
