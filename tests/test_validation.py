"""Broken entries get exactly one clear line each: the corpus in tests/data/broken/.

The tests are data: tests/data/broken/cases.yaml lists each case (the broken
file or files, where they go in a copy of content/, the exact expected lines).
A new case is a new file under tests/data/broken/files/ plus a few lines there.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml
from tests.support.content import mark_reviewed

from nahbei import cli
from nahbei.model import check as check_module
from nahbei.model import loader
from nahbei.model.check import check
from nahbei.model.schemas import Schemas

ROOT = Path(__file__).resolve().parents[1]
BROKEN = Path(__file__).parent / "data" / "broken"
FILES = BROKEN / "files"
TODAY = date(2026, 11, 22)
EPOCH = "1795305600"  # 2026-11-22 00:00 UTC: the build's "today" for CLI runs
CASES = yaml.safe_load((BROKEN / "cases.yaml").read_text("utf-8"))
BY_NAME = {c["case"]: c for c in CASES}
NAHBEI = Path(sys.executable).parent / "nahbei"

# Cases run through the real `nahbei check` process as well (one per kind of fault).
CLI_SAMPLE = [
    "yaml-tab", "yaml-python-tag", "file-not-utf8", "file-too-large", "file-empty",
    "schema-unknown-field", "schema-enum-status", "cross-unknown-provider",
    "cross-recurrence-moved-not-on-pattern", "cross-html-script",
    "warn-review-overdue", "valid-postcode-leading-zero", "cross-parent-list", "warn-series-in-closure",
    "schema-placeholder-left",
]


def _bytes(src: str, transform: str | None) -> bytes:
    data = (FILES / src).read_bytes()
    if transform == "latin-1":  # saved by an editor in Windows-1252/Latin-1
        return data.decode("utf-8").encode("latin-1")
    if transform == "bom-crlf":  # saved by Windows Notepad
        return b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n")
    if transform == "oversize":  # a description pasted many times over
        filler = b"  Ein langer Text ohne Ende, Zeile fuer Zeile.\n" * 6000
        data = data + b"description: |\n" + filler
        assert len(data) > loader.MAX_FILE_BYTES
        return data
    assert transform is None, f"unknown bytes: {transform}"
    return data


def build_tree(tmp_path: Path, *cases: dict) -> Path:
    """A copy of the example content with the cases' files added or replaced."""
    content = tmp_path / "content"
    if not content.exists():
        shutil.copytree(ROOT / "content", content)
    for case in cases:
        for to, src in case["files"].items():
            target = content / to
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(_bytes(src, case.get("bytes")))
    return content


def expected_exit(lines: list[str], strict: bool = False) -> int:
    if any(": Fehler: " in line or ": error: " in line for line in lines):
        return 1
    if strict and lines:
        return 1
    return 0


def run_cli(tmp_path, monkeypatch, capsys, *args):
    """`nahbei check` in this process (fast); returns (exit code, stdout lines, stderr)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("NAHBEI_LANG", raising=False)
    code = cli.main(["check", *args])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def run_process(tmp_path, *args, env=None):
    environ = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **(env or {})}
    environ.pop("NAHBEI_LANG", None)
    if env is None or "GITHUB_ACTIONS" not in env:
        environ.pop("GITHUB_ACTIONS", None)
    return subprocess.run([str(NAHBEI), *args], cwd=tmp_path, env=environ, capture_output=True,
                          text=True, timeout=60)


# -- the corpus itself ------------------------------------------------------------


def test_corpus_is_complete_and_tidy():
    names = [c["case"] for c in CASES]
    assert len(names) == len(set(names)), "case names must be unique"
    broken = [c for c in CASES if c["expect"]]
    assert len(broken) >= 40
    used = {src for c in CASES for src in c["files"].values()}
    on_disk = {p.name for p in FILES.iterdir()}
    assert on_disk == used, f"files without a case: {on_disk - used}; missing files: {used - on_disk}"
    for c in CASES:
        assert c.get("about"), c["case"]
        # a broken case that checks clean tests nothing; a valid one must stay valid
        assert bool(c["expect"]) != c["case"].startswith("valid-"), c["case"]
        # One fault, one line. A fault that is in two files (a parent cycle) says so.
        assert len(c["expect"]) <= 1 or c.get("two_lines_because"), c["case"]


# -- each case: exact lines, position, message, exit code ---------------------------


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_case_gives_exactly_the_expected_lines(case, tmp_path):
    content = build_tree(tmp_path, case)
    result = check(content, today=TODAY, root=tmp_path)
    assert [p.format("de") for p in result.problems] == case["expect"]
    if any(p.severity == "error" for p in result.problems):
        assert result.directory is None, "the build must stop on errors"
    else:
        assert result.directory is not None


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_case_exit_codes(case, tmp_path, monkeypatch, capsys):
    build_tree(tmp_path, case)
    code, out, err = run_cli(tmp_path, monkeypatch, capsys)
    assert out == case["expect"]
    assert code == expected_exit(case["expect"])
    code, out, err = run_cli(tmp_path, monkeypatch, capsys, "--strict")
    assert code == expected_exit(case["expect"], strict=True)
    assert "Traceback" not in err


@pytest.mark.parametrize("case", [c for c in CASES if c.get("en")], ids=lambda c: c["case"])
def test_case_in_english(case, tmp_path):
    content = build_tree(tmp_path, case)
    result = check(content, today=TODAY, root=tmp_path, lang="en")
    assert [p.format("en") for p in result.problems] == case["en"]


@pytest.mark.parametrize("name", CLI_SAMPLE)
def test_nahbei_check_process(name, tmp_path):
    case = BY_NAME[name]
    build_tree(tmp_path, case)
    proc = run_process(tmp_path, "check")
    assert "Traceback" not in proc.stderr
    assert proc.stdout.splitlines() == case["expect"]
    assert proc.returncode == expected_exit(case["expect"])
    assert "Dateien geprüft" in proc.stderr  # the summary line goes to stderr
    strict = run_process(tmp_path, "check", "--strict")
    assert strict.returncode == expected_exit(case["expect"], strict=True)


def test_warnings_only_pass_unless_strict(tmp_path):
    # the offers that warn on their own (the closure warnings need an event and its offer)
    warn = [c for c in CASES if c["expect"] and all(": Warnung: " in x for x in c["expect"])
            and list(c["files"]) == ["offers/sprachcafe.yaml"]]
    assert len(warn) >= 2
    content = build_tree(tmp_path)
    expected = []
    for n, case in enumerate(warn):  # each in a file of its own: sprachcafe-0.yaml, sprachcafe-1.yaml, …
        (src, ) = case["files"].values()
        ident = f"sprachcafe-{n}"
        (content / f"offers/{ident}.yaml").write_bytes((FILES / src).read_bytes().replace(b"id: sprachcafe", f"id: {ident}".encode()))
        expected += [x.replace("offers/sprachcafe.yaml", f"offers/{ident}.yaml") for x in case["expect"]]
    proc = run_process(tmp_path, "check")
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.splitlines() == expected
    assert "keine Fehler, 2 Warnungen" in proc.stderr
    assert run_process(tmp_path, "check", "--strict").returncode == 1


def test_english_from_the_command_line(tmp_path):
    case = BY_NAME["schema-enum-status"]
    build_tree(tmp_path, case)
    proc = run_process(tmp_path, "--lang", "en", "check")
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == case["en"]
    assert "files checked" in proc.stderr


# -- GitHub annotations ----------------------------------------------------------------


def _annotation(line: str) -> str:
    """The ::error/::warning line GitHub Actions expects for one text line."""
    location, severity, message = line.split(": ", 2)
    path, row, col = location.rsplit(":", 2)
    level = {"Fehler": "error", "Warnung": "warning"}[severity]
    message = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return f"::{level} file={path},line={row},col={col}::{message}"


@pytest.mark.parametrize("how", ["--format github", "GITHUB_ACTIONS=true"])
def test_github_annotations(how, tmp_path):
    """Each text line is followed by its ::error/::warning annotation with file, line, col."""
    content = build_tree(tmp_path, BY_NAME["yaml-tab"], BY_NAME["cross-unknown-provider"] | {
        "files": {"offers/sprachcafe-zwei.yaml": "cross-unknown-provider.yaml"}})
    two = content / "offers/sprachcafe-zwei.yaml"
    two.write_text(two.read_text("utf-8").replace("id: sprachcafe", "id: sprachcafe-zwei"), "utf-8")
    offer = content / "offers/mittendrin-troisdorf.yaml"
    reviewed_line = mark_reviewed(offer, "2025-01-10")
    if how.startswith("--"):
        proc = run_process(tmp_path, "check", "--format", "github")
    else:
        proc = run_process(tmp_path, "check", env={"GITHUB_ACTIONS": "true"})
    assert "Traceback" not in proc.stderr
    out = proc.stdout.splitlines()
    assert len(out) == 6
    text, notes = out[0::2], out[1::2]
    assert notes == [_annotation(x) for x in text]
    assert notes[0].startswith(f"::warning file=content/offers/mittendrin-troisdorf.yaml,line={reviewed_line},col=16::Zuletzt geprüft am 2025-01-10")
    assert notes[1].startswith("::error file=content/offers/sprachcafe-zwei.yaml,line=8,col=11::Kontakt „stadt-troisdrof“")
    assert notes[2].startswith("::error file=content/offers/sprachcafe.yaml,line=10,col=1::Hier wird mit einem Tabulator")
    assert proc.returncode == 1


def test_no_annotations_outside_github(tmp_path):
    build_tree(tmp_path, BY_NAME["yaml-tab"])
    proc = run_process(tmp_path, "check")
    assert not [x for x in proc.stdout.splitlines() if x.startswith("::")]


# -- bad input loses nothing -----------------------------------------------------------


def test_one_broken_file_hides_nothing_else(tmp_path):
    """Broken YAML, a schema fault, a cross-file fault and a warning in one tree:
    every one is reported, and the build gets no directory."""
    cases = [BY_NAME[n] for n in ("yaml-tab", "schema-postcode-number", "cross-end-before-start",
                                  "cross-phone-invalid")]
    content = build_tree(tmp_path, *cases)
    # plus a warning in an existing file
    offer = content / "offers/mittendrin-troisdorf.yaml"
    reviewed_line = mark_reviewed(offer, "2025-01-10")
    result = check(content, today=TODAY, root=tmp_path)
    lines = [p.format("de") for p in result.problems]
    for case in cases:
        assert case["expect"][0] in lines
    assert any(x.startswith(f"content/offers/mittendrin-troisdorf.yaml:{reviewed_line}:") and ": Warnung: " in x
               for x in lines), lines
    assert len(lines) == 5
    assert result.directory is None


def test_references_to_a_broken_file_are_not_reported_as_unknown(tmp_path):
    """An event pointing at an offer whose file is broken gets no second message:
    the one fault is in the offer's file."""
    content = build_tree(tmp_path, BY_NAME["yaml-tab"])
    event = content / "events/lesekreis.yaml"
    event.write_bytes((FILES / "cross-end-before-start.yaml").read_bytes()
                      .replace(b'end: "2026-12-03 09:00"', b'end: "2026-12-03 12:00"') + b"offer: sprachcafe\n")
    result = check(content, today=TODAY, root=tmp_path)
    assert [p.format("de") for p in result.problems] == BY_NAME["yaml-tab"]["expect"]


# -- the fast path stays fast ------------------------------------------------------------


def test_valid_content_never_maps_errors(monkeypatch):
    """Valid files only pass jsonschema-rs: no Python jsonschema, no re-parse for positions."""
    def boom(*a, **k):
        raise AssertionError("error mapping ran for valid content")

    schemas = Schemas()
    monkeypatch.setattr(Schemas, "slow", boom)
    monkeypatch.setattr(loader, "locate", boom)
    monkeypatch.setattr(check_module.loader, "locate", boom)
    result = check(ROOT / "content", today=TODAY, schemas=schemas, root=ROOT)
    assert result.problems == []
    assert result.directory is not None


def test_messages_are_one_line_and_complete():
    """No message keeps a {placeholder}, a Python repr or a line break."""
    for case in CASES:
        for line in case["expect"] + case.get("en", []):
            assert "\n" not in line
            assert "{" not in line and "}" not in line, line
            assert "None" not in line and "tag:yaml.org" not in line, line


# -- rules across files read only entries that passed -------------------------------------


def _referenced(content: Path) -> dict[str, str]:
    """An entry of each kind that another entry points at (found in the content as it
    is: a contact's parent, an event's place, an event's offer that has places), as
    field -> path relative to content/."""
    data = {p: yaml.safe_load(p.read_text("utf-8")) for p in sorted(content.glob("*/*.yaml"))}
    found = {}
    for d in data.values():
        for field, folder in (("parent", "contacts"), ("place", "places"), ("offer", "offers")):
            target = content / folder / f"{d.get(field)}.yaml"
            if isinstance(d.get(field), str) and target in data and (field != "offer" or data[target].get("places")):
                found.setdefault(field, target.relative_to(content).as_posix())
    return found


@pytest.mark.parametrize("field, where", [("parent", "parent"), ("parent", "kind"), ("place", "address"),
                                          ("offer", "places"), ("offer", "closures")])
@pytest.mark.parametrize("value", [["eins", "zwei"], {"id": "stadt-troisdorf"}, 12], ids=["list", "mapping", "number"])
def test_broken_data_never_reaches_another_files_rules(field, where, value, tmp_path):
    """An entry that others point at (a parent, an event's place, an event's offer) with a
    list, a mapping or a number where its own data belongs: the check reports that file
    and nothing else — no traceback from another file's rule reading it, and the
    references to it are not "unknown"."""
    content = build_tree(tmp_path)
    referenced = _referenced(content)
    assert field in referenced, f"the example content needs an entry pointed at by {field}: (found {referenced})"
    rel = referenced[field]
    path = content / rel
    data = yaml.safe_load(path.read_text("utf-8"))
    if where == "closures":  # the offer's closures, read by the events at its places
        data["places"][0]["hours"] = {"closures": value}
    else:
        data[where] = value
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    result = check(content, today=TODAY, root=tmp_path)
    assert result.problems, "the broken value must be reported"
    assert {p.path for p in result.problems} == {f"content/{rel}"}, [p.format("de") for p in result.problems]
    assert result.directory is None


def test_closure_warning_follows_the_offer_under_the_cache(tmp_path):
    """The closure warning is the event's, but it depends on the offer's closures: with
    the preview's cache (the event unchanged and taken from it), editing the offer's
    closure makes the warning go and come back."""
    case = BY_NAME["warn-event-in-closure"]
    content = build_tree(tmp_path, case)
    offer = content / "offers/sprachcafe.yaml"
    event = content / "events/lesekreis.yaml"
    cache = check_module.LoadCache()

    def lines():
        return [p.format("de") for p in check(content, today=TODAY, root=tmp_path, cache=cache).problems]

    assert lines() == case["expect"]
    assert lines() == case["expect"]  # everything from the cache
    own = cache.local[str(event)]  # what the event's own rules found, kept for the unchanged file

    closures = offer.read_text("utf-8")
    offer.write_text(closures.replace("from: 2026-12-21", "from: 2026-12-24").replace("Weihnachtspause", "Pause"), "utf-8")
    hits = cache.hits
    assert lines() == []
    assert cache.hits - hits == len(check_module.discover(content)) - 1  # only the offer was read again
    assert cache.local[str(event)] is own  # the event's own rules were not run again
    assert own[2] == ()  # and the warning was never kept with them

    offer.write_text(closures, "utf-8")
    assert lines() == case["expect"]
    assert cache.local[str(event)] is own
