"""German first, English second: both catalogues have the same keys, and an
English check never shows the schemas' German titles or descriptions."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from tests.test_validation import CASES, TODAY, build_tree

from nahbei.i18n import flatten as flat
from nahbei.model.check import check

REPO = Path(__file__).resolve().parents[1]
LOCALES = REPO / "plugins" / "nahbei" / "locales"


def test_catalogues_have_the_same_keys():
    de = flat(yaml.safe_load((LOCALES / "de.yaml").read_text("utf-8")))
    en = flat(yaml.safe_load((LOCALES / "en.yaml").read_text("utf-8")))
    assert sorted(set(de) - set(en)) == []
    assert sorted(set(en) - set(de)) == []
    assert all((isinstance(v, str) and v.strip()) or (isinstance(v, list) and v) for v in en.values())
    # lists (steps) have as many items in both languages
    assert {k: len(v) for k, v in en.items() if isinstance(v, list)} == {
        k: len(v) for k, v in de.items() if isinstance(v, list)}


def schema_texts() -> set[str]:
    """Every German title and description in schemas/ with more than one word
    (single words such as "kostenlos" may be the volunteer's own value)."""
    texts: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            for key in ("title", "description"):
                if isinstance(node.get(key), str) and " " in node[key].strip():
                    texts.add(node[key])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    for path in (REPO / "schemas").glob("*.json"):
        walk(json.loads(path.read_text("utf-8")))
    return texts


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_english_messages_carry_no_german_schema_text(case, tmp_path):
    content = build_tree(tmp_path, case)
    lines = [p.format("en") for p in check(content, today=TODAY, root=tmp_path, lang="en").problems]
    assert len(lines) == len(case["expect"])
    german = [t for t in schema_texts() if any(t in line for line in lines)]
    assert not german, (german, lines)
    assert not any(": Fehler: " in x or ": Warnung: " in x for x in lines), lines


# -- the build log: every message a site's team reads comes from the catalogues ----------

PACKAGE = REPO / "plugins" / "nahbei"
LOG_LEVELS = {"info", "warning", "error", "critical"}  # debug: for developers, not translated


def literal_messages(root: Path) -> list[str]:
    """``file:line`` of each log call above debug, and each ``PluginError``, whose
    message is written in the code (a string or f-string) instead of ``t(key, …)``."""
    import ast

    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            f = node.func
            logged = (isinstance(f, ast.Attribute) and f.attr in LOG_LEVELS
                      and isinstance(f.value, ast.Name) and f.value.id == "log")
            raised = isinstance(f, ast.Name) and f.id == "PluginError"
            if (logged or raised) and isinstance(node.args[0], (ast.Constant, ast.JoinedStr)):
                found.append(f"{path.relative_to(root).as_posix()}:{node.lineno}")
    return found


def test_build_log_messages_come_from_the_catalogues():
    assert literal_messages(PACKAGE) == []


def test_the_message_scan_finds_a_message_written_in_the_code(tmp_path):
    (tmp_path / "plugin.py").write_text(
        "log.info(t('ui.build.x', lang))\n"
        "log.debug(f'{n} pages')\n"
        "log.warning(f'Pagefind: {n} Seiten')\n"
        "raise PluginError('nahbei/search: kaputt')\n"
        "raise PluginError(t('ui.build.search_failed', lang, error=exc))\n")
    assert literal_messages(tmp_path) == ["plugin.py:3", "plugin.py:4"]


def test_locale_files_read_the_same_with_libyaml_as_with_pure_python():
    """i18n reads the catalogues with libyaml's parser (CSafeLoader) when there is one."""
    from nahbei.i18n import locale_file

    for path in sorted(LOCALES.glob("*.yaml")):
        assert locale_file(path) == flat(yaml.load(path.read_text("utf-8"), Loader=yaml.SafeLoader)), path
