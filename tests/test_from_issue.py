"""`nahbei from-issue`: realistic form issues become valid YAML; bad ones get clear messages."""
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml

from nahbei.contribute.forms import CHOICES, choice_labels, form_labels
from nahbei.contribute.issueform import FORMS, convert, parse_body
from nahbei.model.check import check

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data" / "issues"
TODAY = date(2026, 11, 22)


@pytest.fixture
def content(tmp_path):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    return tmp_path / "content"


def body(name):
    return (DATA / f"{name}.md").read_text("utf-8")


def files(content):
    return {p.relative_to(content).as_posix(): p.read_bytes() for p in content.rglob("*.yaml")}


def templates():
    for form in FORMS:
        name = {"aenderung": "aenderung-melden"}.get(form, form)
        yield form, yaml.safe_load((ROOT / ".github" / "ISSUE_TEMPLATE" / f"{name}.yml").read_text("utf-8"))


def test_form_labels_match_the_issue_templates():
    for form, template in templates():
        rendered = {item["id"]: item["attributes"]["label"] for item in template["body"] if "id" in item}
        assert rendered == form_labels(form)


@pytest.mark.parametrize("code", ["de", "en", "ar", "tr", "uk", "fa", "ru"])
def test_a_language_written_as_its_name_is_read_as_the_name_pages_show(code):
    """One home for language names (formatting): what a page shows is what the form reads."""
    from nahbei.formatting import language_code, language_name

    assert language_code(language_name(code, "de"), "de") == code
    assert language_code(language_name(code, "en").upper(), "en") == code
    assert language_code(code) == code


def test_form_choices_are_options_of_the_issue_templates():
    """Each choice the converter reads (locale form.<field>.<choice>) is an option of that
    drop-down in every form that has it; the recurrence options are exactly the choices."""
    seen = set()
    for _, template in templates():
        for item in template["body"]:
            if item.get("id") in CHOICES:
                seen.add(item["id"])
                options, labels = item["attributes"]["options"], choice_labels(item["id"])
                assert set(labels.values()) <= set(options), (item["id"], labels, options)
                if item["id"] == "recurrence":
                    assert list(labels.values()) == options
    assert seen == set(CHOICES)


def test_new_offer_becomes_valid_entry_with_new_place(content):
    out = convert("neues-angebot", body("neues-angebot"), content, today=TODAY)
    assert out.ok, out.messages
    written = {p.relative_to(content).as_posix() for p in out.written}
    assert written == {"offers/sprachcafe-im-stadtteilzentrum.yaml", "places/stadtteilzentrum-mitte.yaml"}
    offer = yaml.safe_load((content / "offers/sprachcafe-im-stadtteilzentrum.yaml").read_text("utf-8"))
    assert offer["provider"] == "stadt-troisdorf"  # existing contact found by name
    assert offer["topics"] == ["begegnung", "integration"]
    assert offer["target_groups"] == ["erwachsene", "gefluechtete"]
    assert offer["languages"] == ["de", "en", "ar"]
    assert offer["age"] == {"min": 18}
    assert offer["cost"] == {"free": True}
    assert offer["places"][0]["hours"]["regular"] == [
        {"days": ["di"], "opens": "15:00", "closes": "17:00"},
        {"days": ["do"], "opens": "10:30", "closes": "12:00"},
    ]
    place = yaml.safe_load((content / "places/stadtteilzentrum-mitte.yaml").read_text("utf-8"))
    assert place["address"] == {"street": "Kölner Straße 12", "town": "Troisdorf", "postcode": "53840"}
    first_line = (content / "offers/sprachcafe-im-stadtteilzentrum.yaml").read_text("utf-8").splitlines()[0]
    assert first_line == "# yaml-language-server: $schema=../../schemas/offer.schema.json"
    result = check(content, today=TODAY, root=content.parent)
    assert result.errors == [] and result.directory is not None


def test_new_event_monthly_with_new_organiser_and_existing_place(content):
    out = convert("neue-veranstaltung", body("neue-veranstaltung"), content, today=TODAY)
    assert out.ok, out.messages
    event = yaml.safe_load((content / "events/spieleabend-fuer-familien.yaml").read_text("utf-8"))
    assert event["start"] == "2027-01-08 17:00" and event["end"] == "2027-01-08 19:30"
    assert event["recurrence"] == {"frequency": "monthly", "weekday": "fr", "nth": 2}
    assert event["place"] == "begegnungsstaette-troisdorf-mitte"
    assert event["organiser"] == "neuer-familienverein-troisdorf-e-v"
    assert event["cost"] == {"free": False, "note": "2 Euro pro Familie"}
    # free text that has no field is kept, not dropped
    assert "Jeden zweiten Freitag im Monat, nicht in den Ferien." in event["description"]
    assert (content / "contacts/neuer-familienverein-troisdorf-e-v.yaml").exists()
    assert check(content, today=TODAY, root=content.parent).errors == []


def yml_contact(content, ident, name):
    """A contact written by hand with the other suffix model.layout allows."""
    (content / "contacts" / f"{ident}.yml").write_text(
        "# yaml-language-server: $schema=../../schemas/contact.schema.json\n"
        f"id: {ident}\nkind: organisation\nname: {name}\nlast_reviewed: '2026-11-01'\n", "utf-8")


def test_an_existing_yml_entry_takes_its_id(content):
    """contacts/x.yml holds the id x as contacts/x.yaml would: the new organiser gets x-2."""
    yml_contact(content, "neuer-familienverein-troisdorf-e-v", "Ein ganz anderer Verein")
    out = convert("neue-veranstaltung", body("neue-veranstaltung"), content, today=TODAY)
    assert out.ok, out.messages
    event = yaml.safe_load((content / "events/spieleabend-fuer-familien.yaml").read_text("utf-8"))
    assert event["organiser"] == "neuer-familienverein-troisdorf-e-v-2"
    assert not (content / "contacts/neuer-familienverein-troisdorf-e-v.yaml").exists()
    assert (content / "contacts/neuer-familienverein-troisdorf-e-v-2.yaml").exists()
    assert check(content, today=TODAY, root=content.parent).errors == []


def test_an_existing_yml_entry_is_found_by_name(content):
    yml_contact(content, "familienverein", "Neuer Familienverein Troisdorf e.V.")
    out = convert("neue-veranstaltung", body("neue-veranstaltung"), content, today=TODAY)
    assert out.ok, out.messages
    event = yaml.safe_load((content / "events/spieleabend-fuer-familien.yaml").read_text("utf-8"))
    assert event["organiser"] == "familienverein"
    assert {p.relative_to(content).as_posix() for p in out.written} == {"events/spieleabend-fuer-familien.yaml"}


def test_change_report_is_added_to_the_entry_as_a_comment(content):
    before = (content / "offers/thinka-soemmerda.yaml").read_text("utf-8")
    out = convert("aenderung", body("aenderung"), content, today=TODAY)
    assert out.ok, out.messages
    after = (content / "offers/thinka-soemmerda.yaml").read_text("utf-8")
    assert after.startswith("# yaml-language-server: $schema=../../schemas/offer.schema.json\n# Änderung gemeldet")
    assert "# Was ist richtig? Seit Januar mittwochs von 13 bis 15 Uhr." in after
    assert yaml.safe_load(after) == yaml.safe_load(before)  # data unchanged; the maintainer edits
    assert check(content, today=TODAY, root=content.parent).errors == []


@pytest.mark.parametrize("form, edit, expected", [
    ("neues-angebot", lambda b: b.replace("- [X] Die Angaben", "- [ ] Die Angaben"),
     "Formular: Einverständnis: Fehler: Das Einverständnis fehlt."),
    ("neues-angebot", lambda b: b.replace("- [X] Begegnung", "- [ ] Begegnung").replace("- [X] Integration", "- [ ] Integration"),
     "Formular: Themen: Fehler: Dieses Pflichtfeld ist leer."),
    ("neues-angebot", lambda b: b.replace("Deutsch, Englisch, Arabisch", "Deutsch, Blablaisch"),
     "Formular: Sprachen: Fehler: Die Sprache „blablaisch“ kennen wir nicht."),
    ("neues-angebot", lambda b: b.replace("53840 Troisdorf", "Troisdorf"),
     "Formular: Ort und Adresse: Fehler: Wir brauchen Postleitzahl und Ort"),
    ("neues-angebot", lambda b: b.replace("\n18\n", "\nab 18\n"),
     "Formular: Alter von: Fehler: „ab 18“ ist keine Zahl."),
    ("neue-veranstaltung", lambda b: b.replace("08.01.2027", "31.02.2027"),
     "Formular: Datum: Fehler: „31.02.2027“ ist kein Datum."),
    ("neue-veranstaltung", lambda b: b.replace("\n17:00\n", "\nnachmittags\n"),
     "Formular: Beginn: Fehler: „nachmittags“ ist keine Uhrzeit."),
    ("aenderung", lambda b: b.replace("angebote/thinka-soemmerda/", "angebote/gibt-es-nicht/"),
     "Formular: Welcher Eintrag?: Fehler: Einen Eintrag „https://beispiel.github.io/nahbei/angebote/gibt-es-nicht/“ gibt es nicht."),
    ("neues-angebot", lambda b: b.replace("https://www.troisdorf.de/", "javascript:alert(1)"),
     "content/offers/sprachcafe-im-stadtteilzentrum.yaml:"),
    ("neues-angebot", lambda b: "Hallo, ich möchte ein Angebot melden: Sprachcafé.",
     "Dieser Text stammt nicht aus dem Formular „neues-angebot“"),
])
def test_malformed_bodies_give_clear_messages_and_write_nothing(content, form, edit, expected):
    name = {"aenderung": "aenderung"}.get(form, form)
    before = files(content)
    out = convert(form, edit(body(name)), content, today=TODAY)
    assert not out.ok
    assert any(m.startswith(expected) or expected in m for m in out.messages), out.messages
    assert files(content) == before  # nothing written, nothing lost


def test_schema_messages_are_the_same_as_nahbei_check(content):
    out = convert("neues-angebot", body("neues-angebot").replace("https://www.troisdorf.de/", "javascript:alert(1)"),
                  content, today=TODAY)
    assert out.messages == [
        "content/offers/sprachcafe-im-stadtteilzentrum.yaml:42:10: Fehler: „javascript:alert(1)“ ist keine "
        "Internetadresse, die mit https:// oder http:// beginnt. Beispiel: website: https://www.beispiel.de/"
    ]


def test_cli_exit_codes_and_output(content, tmp_path):
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795305600"}
    ok = subprocess.run([sys.executable, "-m", "nahbei.cli", "from-issue", "--form", "neue-veranstaltung",
                         "--body-file", str(DATA / "neue-veranstaltung.md"), "--out-dir", str(content)],
                        capture_output=True, text=True, env=env)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "Geschrieben: " in ok.stdout and "spieleabend-fuer-familien.yaml" in ok.stdout
    bad = tmp_path / "bad.md"
    bad.write_text(body("neue-veranstaltung").replace("08.01.2027", "morgen"), "utf-8")
    fail = subprocess.run([sys.executable, "-m", "nahbei.cli", "from-issue", "--form", "neue-veranstaltung",
                           "--body-file", str(bad), "--out-dir", str(content)], capture_output=True, text=True, env=env)
    assert fail.returncode == 1
    assert "Formular: Datum: Fehler: „morgen“ ist kein Datum." in fail.stdout
    assert "Traceback" not in fail.stdout + fail.stderr


def test_parse_body_handles_crlf_and_no_response():
    parsed = parse_body("### Titel\r\n\r\nTreff\r\n\r\n### Ende\r\n\r\n_No response_\r\n")
    assert parsed == {"Titel": "Treff", "Ende": ""}


# Answers that once crashed `nahbei from-issue` (a traceback posted in the issue) or were read
# as something the volunteer did not write: each gets its one-line message, nothing is written.
@pytest.mark.parametrize("form, old, new, expected", [
    ("neues-angebot", "\n### Alter von\n\n18\n", "\n### Alter von\n\n²\n",
     "Formular: Alter von: Fehler: „²“ ist keine Zahl."),  # "²".isdigit() is true, int("²") raises
    ("neues-angebot", "\n### Alter von\n\n18\n", "\n### Alter von\n\n١٨\n",
     "Formular: Alter von: Fehler: „١٨“ ist keine Zahl."),  # Arabic-Indic digits: int() reads 18
    ("neues-angebot", "\n### Alter von\n\n18\n", "\n### Alter von\n\n" + "9" * 5000 + "\n",
     "Formular: Alter von: Fehler: „9999"),  # int() refuses more than 4300 digits
    ("neue-veranstaltung", "08.01.2027", "08.01.２０２７", "Formular: Datum: Fehler: „08.01.２０２７“ ist kein Datum."),
    ("neue-veranstaltung", "08.01.2027", "2027-W02-5", "Formular: Datum: Fehler: „2027-W02-5“ ist kein Datum."),
    ("neue-veranstaltung", "\n17:00\n", "\n１７:00\n", "Formular: Beginn: Fehler: „１７:00“ ist keine Uhrzeit."),
    ("aenderung", "angebote/thinka-soemmerda/", "angebote/thinka\x00soemmerda/",
     "Formular: Welcher Eintrag?: Fehler: Einen Eintrag"),  # NUL: no id, never a file name
    ("aenderung", "angebote/thinka-soemmerda/", "angebote/" + "a" * 300 + "/",
     "Formular: Welcher Eintrag?: Fehler: Einen Eintrag"),  # too long for a file name: OSError
    ("aenderung", "angebote/thinka-soemmerda/", "angebote/../",
     "Formular: Welcher Eintrag?: Fehler: Einen Eintrag"),
])
def test_answers_that_are_no_number_date_or_entry_get_a_message(content, form, old, new, expected):
    text = body(form)
    assert old in text
    before = files(content)
    out = convert(form, text.replace(old, new), content, today=TODAY)
    assert not out.ok and any(m.startswith(expected) for m in out.messages), out.messages
    assert files(content) == before


def test_a_bug_prints_one_sentence_and_keeps_the_traceback_on_stderr(content, monkeypatch, capsys):
    """Exit 2, stdout (what the workflow posts) only the locale's sentence, the details on stderr."""
    import nahbei.contribute.issueform as issueform
    from nahbei.cli import main
    from nahbei.i18n import t

    def convert_with_a_bug(*args, **kw):
        raise RuntimeError(f"kaputt in {ROOT}/plugins/nahbei/contribute/issueform.py")

    monkeypatch.setattr(issueform, "convert", convert_with_a_bug)
    code = main(["--lang", "de", "from-issue", "--form", "neues-angebot", "--body-file", str(DATA / "neues-angebot.md"),
                 "--out-dir", str(content)])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == t("cli.unexpected_error", "de") + "\n"
    assert "Traceback" not in out and str(ROOT) not in out
    assert "Traceback (most recent call last)" in err and "RuntimeError: kaputt" in err


def test_hostile_files_in_content_do_not_crash_the_form(content):
    """The form reads existing entries (names → ids) through nahbei's loader: a
    file nested 40,000 levels deep or full of aliases is passed over (nahbei check
    reports it), not a RecursionError or a memory blow-up in the bot's job."""
    (content / "contacts" / "tief.yaml").write_text("name: " + "[" * 40000 + "]" * 40000 + "\n", "utf-8")
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join('*' + chr(97 + i) for _ in range(9))}]\n" for i in range(9))
    (content / "places" / "lachen.yaml").write_text("\ufeff" + laughs, "utf-8")
    out = convert("neues-angebot", body("neues-angebot"), content, today=TODAY)
    # the form still finds the existing provider by name; the check of the whole
    # folder then names the two broken files, one line each, and nothing is written
    assert not out.ok and out.written == []
    assert [m.split(":")[0] for m in out.messages] == ["content/contacts/tief.yaml", "content/places/lachen.yaml"]
    assert all("\n" not in m for m in out.messages)
