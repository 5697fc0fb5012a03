"""Every YAML example in the docs that names its schema validates.

A ```yaml block in README.md, CONTRIBUTING.md or docs/**/*.md whose first line
is ``# yaml-language-server: $schema=…/<kind>.schema.json`` is written into a
copy of the example content (as content/<folder>/<id>.yaml, so references to
existing entries resolve) and must check without any message. Blocks are found
when the tests are collected, so new docs are covered without touching this
file.

A block meant to show a mistake says so in its info string (```yaml invalid)
and names what ``nahbei check`` prints for it: the next fenced block in the
file is a ```text block with exactly those lines (path as ``nahbei check``
shows it: ``content/<folder>/<id>.yaml:line:col: Fehler: …``). The test asserts
exactly these lines, so an example that fails for another reason, or whose
message changed, fails here — the docs always show real messages.
"""
from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import yaml

from nahbei.model.check import check

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 22)
SCHEMA_LINE = re.compile(r"^#\s*yaml-language-server:\s*\$schema=(?P<ref>\S*?(?P<kind>[a-z]+)\.schema\.json)\s*$")
FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`]*)$")
FOLDER = {"offer": "offers", "event": "events", "contact": "contacts", "place": "places"}
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Block:
    doc: Path
    line: int  # line of the first YAML line in the Markdown file (1-based)
    kind: str
    text: str
    invalid: bool = False
    expected: tuple[str, ...] | None = None  # invalid blocks: the lines of the ```text block after it

    @property
    def name(self) -> str:
        try:
            rel = self.doc.relative_to(ROOT).as_posix()
        except ValueError:
            rel = self.doc.name
        return f"{rel}:{self.line}"


def doc_files(root: Path = ROOT) -> list[Path]:
    files = [root / "README.md", root / "CONTRIBUTING.md", *sorted((root / "docs").rglob("*.md"))]
    return [p for p in files if p.is_file()]


def fenced_blocks(doc: Path) -> list[tuple[list[str], int, list[str]]]:
    """Every fenced block of a Markdown file: (info words, line of its first body line, body lines)."""
    lines = doc.read_text("utf-8").splitlines()
    out = []
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence, indent, info = m.group("fence"), len(m.group("indent")), m.group("info").strip().split()
        body_start = i + 1
        j = body_start
        while j < len(lines) and not re.match(rf"^ {{0,3}}{fence[0]}{{{len(fence)},}}\s*$", lines[j]):
            j += 1
        out.append((info, body_start + 1, [x[indent:] if x[:indent].strip() == "" else x for x in lines[body_start:j]]))
        i = j + 1
    return out


def yaml_blocks(doc: Path) -> list[Block]:
    """The fenced YAML blocks of a Markdown file that start with a schema line."""
    fenced = fenced_blocks(doc)
    out = []
    for n, (info, body_line, body) in enumerate(fenced):
        if not info or info[0].lower() not in ("yaml", "yml"):
            continue
        first = next((k for k, x in enumerate(body) if x.strip()), None)
        if first is None:
            continue
        sm = SCHEMA_LINE.match(body[first].strip())
        if not sm:
            continue
        invalid = "invalid" in [w.lower() for w in info[1:]]
        expected = None
        if invalid and n + 1 < len(fenced) and fenced[n + 1][0][:1] == ["text"]:
            expected = tuple(x.strip() for x in fenced[n + 1][2] if x.strip())
        out.append(Block(doc, body_line + first, sm.group("kind"), "\n".join(body[first:]) + "\n",
                         invalid=invalid, expected=expected))
    return out


def check_block(block: Block, tmp_path: Path) -> tuple[list, str]:
    """The problems of the block placed into a copy of the example content, and the
    block's path there as ``nahbei check`` shows it (content/<folder>/<id>.yaml)."""
    content = tmp_path / "content"
    if not content.exists():
        shutil.copytree(ROOT / "content", content)
    if block.kind == "taxonomy":
        target = content / "taxonomy.yaml"
    else:
        assert block.kind in FOLDER, f"{block.name}: unknown schema {block.kind}.schema.json"
        try:
            data = yaml.safe_load(block.text)
        except yaml.YAMLError:
            data = None
        ident = data.get("id") if isinstance(data, dict) else None
        stem = ident if isinstance(ident, str) and _ID.match(ident) else "doc-beispiel"
        target = content / FOLDER[block.kind] / f"{stem}.yaml"
    target.write_text(block.text, "utf-8")
    return check(content, today=TODAY, root=tmp_path).problems, target.relative_to(tmp_path).as_posix()


def validate(block: Block, tmp_path: Path) -> list[str]:
    """Messages for the block placed into a copy of the example content ([] = valid),
    the block's own at their lines in the Markdown file."""
    problems, rel = check_block(block, tmp_path)
    # point at the line in the Markdown file, not in the temporary copy
    return [f"{block.name.rsplit(':', 1)[0]}:{block.line + p.line - 1}:{p.col}: "
            f"{'Fehler' if p.severity == 'error' else 'Warnung'}: {p.message()}"
            for p in problems if p.path == rel] + [
            p.format() for p in problems if p.path != rel]


BLOCKS = [b for doc in doc_files() for b in yaml_blocks(doc)]


def test_the_docs_have_checked_examples():
    """README.md and CONTRIBUTING.md show example entries; they are found here."""
    assert len(BLOCKS) >= 1, "no ```yaml block with a schema line in README.md, CONTRIBUTING.md or docs/"


@pytest.mark.parametrize("block", BLOCKS, ids=[b.name for b in BLOCKS])
def test_doc_example_validates(block, tmp_path):
    if block.invalid:
        assert block.expected, (f"{block.name} is marked invalid: the next fenced block must be a ```text block "
                                "with the lines nahbei check prints for it")
        problems, _ = check_block(block, tmp_path)
        printed = [p.format() for p in problems]
        assert printed == list(block.expected), (
            f"{block.name}: nahbei check prints other lines than the ```text block after it:\n" + "\n".join(printed))
    else:
        messages = validate(block, tmp_path)
        assert messages == [], "\n".join(messages)


# -- the test itself catches bad examples ----------------------------------------------------

SYNTHETIC = """\
# Beispiel

Ein gültiger Ort:

```yaml
# yaml-language-server: $schema=../../schemas/place.schema.json
id: stadtteilzentrum
name: Stadtteilzentrum
address:
  town: Troisdorf
```

In einer Liste, eingerückt, mit Tippfehler im Träger:

1. Angebot:

   ```yaml
   # yaml-language-server: $schema=../../schemas/offer.schema.json
   id: sprachcafe
   name: Sprachcafé
   summary: Deutsch üben bei Kaffee und Kuchen, ohne Anmeldung.
   status: aktiv
   topics: [begegnung]
   target_groups: [erwachsene]
   provider: stadt-troisdorf
   last_reviewed: 2026-11-01
   ```

Ohne Schemazeile (wird nicht geprüft):

```yaml
status: irgendwas
```

Ein absichtlich falsches Beispiel:

~~~yaml invalid
# yaml-language-server: $schema=../../schemas/event.schema.json
id: kaputt
title: Kaputt
start: "2026-12-03 10:00"
end: "2026-12-03 09:00"
place: begegnungsstaette-troisdorf-mitte
organiser: stadt-troisdorf
~~~

nahbei check meldet:

```text
content/events/kaputt.yaml:5:6: Fehler: Das Ende (2026-12-03 09:00) liegt vor dem Beginn (2026-12-03 10:00). Beispiel: start: "2026-12-03 10:00" und end: "2026-12-03 12:00"
```

```sh
nahbei check
```
"""
END_MESSAGE = ('content/events/kaputt.yaml:5:6: Fehler: Das Ende (2026-12-03 09:00) liegt vor dem Beginn '
               '(2026-12-03 10:00). Beispiel: start: "2026-12-03 10:00" und end: "2026-12-03 12:00"')


def test_synthetic_markdown_invalid_block_fails(tmp_path):
    doc = tmp_path / "beispiel.md"
    doc.write_text(SYNTHETIC, "utf-8")
    blocks = yaml_blocks(doc)
    assert [(b.line, b.kind, b.invalid) for b in blocks] == [(6, "place", False), (18, "offer", False), (38, "event", True)]
    assert [b.expected for b in blocks] == [None, None, (END_MESSAGE,)]

    assert validate(blocks[0], tmp_path / "a") == []
    # the broken block is reported, at its line in the Markdown file
    assert validate(blocks[1], tmp_path / "b") == [
        "beispiel.md:22:9: Fehler: „aktiv“ ist für „status“ nicht erlaubt. Meinten Sie „active“? "
        "Erlaubt sind: active, paused, ended."]
    assert any(": Fehler: Das Ende" in m for m in validate(blocks[2], tmp_path / "c"))

    # and the parametrized test fails for it
    with pytest.raises(AssertionError):
        test_doc_example_validates(blocks[1], tmp_path / "d")
    test_doc_example_validates(blocks[0], tmp_path / "e")
    test_doc_example_validates(blocks[2], tmp_path / "f")


def test_a_block_marked_invalid_fails_unless_it_gives_exactly_the_named_message(tmp_path):
    doc = tmp_path / "x.md"
    # another mistake than the one named (an organiser that does not exist): not enough to be "invalid"
    doc.write_text(SYNTHETIC.replace("organiser: stadt-troisdorf\n~~~", "organiser: niemand\n~~~"), "utf-8")
    (block,) = [b for b in yaml_blocks(doc) if b.invalid]
    assert block.expected == (END_MESSAGE,)
    with pytest.raises(AssertionError, match="other lines than"):
        test_doc_example_validates(block, tmp_path / "a")
    # the named message plus another one: not exactly what the docs say either
    doc.write_text(SYNTHETIC.replace('start: "2026-12-03 10:00"\nend:', 'start: "2026-12-03 10:00"\nfarbe: blau\nend:'),
                   "utf-8")
    (block,) = [b for b in yaml_blocks(doc) if b.invalid]
    with pytest.raises(AssertionError, match="other lines than"):
        test_doc_example_validates(block, tmp_path / "b")
    # no ```text block after it: it names nothing
    doc.write_text(SYNTHETIC.replace("nahbei check meldet:\n\n```text\n" + END_MESSAGE + "\n```\n", ""), "utf-8")
    (block,) = [b for b in yaml_blocks(doc) if b.invalid]
    assert block.expected is None
    with pytest.raises(AssertionError, match="must be a ```text block"):
        test_doc_example_validates(block, tmp_path / "c")


def test_a_block_marked_invalid_that_is_valid_fails(tmp_path):
    doc = tmp_path / "x.md"
    doc.write_text(SYNTHETIC.replace("```yaml\n# yaml-language-server: $schema=../../schemas/place",
                                     "```yaml invalid\n# yaml-language-server: $schema=../../schemas/place"), "utf-8")
    block = yaml_blocks(doc)[0]
    assert block.invalid
    with pytest.raises(AssertionError):
        test_doc_example_validates(block, tmp_path / "a")


def test_docs_are_found_in_docs_folder(tmp_path):
    (tmp_path / "docs" / "anleitung").mkdir(parents=True)
    (tmp_path / "docs" / "anleitung" / "orte.md").write_text(SYNTHETIC, "utf-8")
    (tmp_path / "README.md").write_text("# x\n", "utf-8")
    found = doc_files(tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["README.md", "docs/anleitung/orte.md"]
