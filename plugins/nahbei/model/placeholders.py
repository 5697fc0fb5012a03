"""A `nahbei new` skeleton's placeholders left in a file, and the messages about
them; with the example values (from the content itself) that messages show."""
from __future__ import annotations

import functools
import re

from ..i18n import LOCALES, catalog
from . import loader
from .ids import ID_PATTERN
from .layout import VOCABULARIES
from .problems import Problem, problem


def reference_examples(found) -> dict:
    """Example values for messages from the content itself: the first entry of each kind."""
    first = {}
    for kind, path in found:
        if kind != "taxonomy" and kind not in first and ID_PATTERN.match(path.stem):
            first[kind] = path.stem
    out = {}
    for name, kind in (("provider", "contact"), ("organiser", "contact"), ("parent", "contact"),
                       ("place", "place"), ("offer", "offer")):
        if kind in first:
            out[name] = first[kind]
    if "contact" in first:
        out["contacts"] = f"[{first['contact']}]"
    return out


def term_examples(data) -> dict:
    """Example values for messages from a taxonomy: the first term of each vocabulary."""
    out = {}
    for vocab in VOCABULARIES:
        terms = data.get(vocab)
        if isinstance(terms, dict) and terms:
            out[vocab] = f"[{next(iter(terms))}]"
            if vocab == "regions":
                out["region"] = next(iter(terms))
    return out


@functools.lru_cache(maxsize=1)
def _placeholder_marks() -> tuple[tuple[str, ...], re.Pattern]:
    """The placeholder of a `nahbei new` skeleton, "[Bitte ausfüllen: Anbieter]", in
    every language of the locale files (a German skeleton checked in English is
    still recognised): the marks, and the pattern of a placeholder."""
    marks = tuple(sorted({catalog(p.stem)["skeleton.mark"] for p in LOCALES.glob("*.yaml")}, key=len, reverse=True))
    return marks, re.compile(r"\[[ \t]*(?:" + "|".join(map(re.escape, marks)) + r")[ \t]*[:\]]")


def find_placeholders(data, text: str) -> list[tuple[list, str]]:
    """(path, value) of every value that still holds a skeleton's placeholder."""
    marks, form = _placeholder_marks()
    # the value as written holds the mark too (nobody escapes a placeholder); a plain
    # substring search is many times faster than the pattern over every file
    if not any(mark in text for mark in marks) or not form.search(text):
        return []
    out, todo = [], [([], data)]
    while todo:
        path, node = todo.pop()
        if isinstance(node, dict):
            todo += [(path + [k], v) for k, v in reversed(node.items())]
        elif isinstance(node, list):
            todo += [(path + [i], v) for i, v in reversed(list(enumerate(node)))]
        elif isinstance(node, str) and form.search(node):
            out.append((path, node))
    return out


def placeholder_problems(r, holes, found) -> list[Problem]:
    """One line per placeholder, saying what belongs there. The schema's message
    about the same value (a placeholder is no date, no id) would only repeat it."""
    out, at = [], set()
    messages, form = catalog(), _placeholder_marks()[1]
    for path, value in holes:
        at.add(loader.locate(r.text, path))
        field = next((p for p in reversed(path) if isinstance(p, str)), "")
        m = form.search(value)
        shown = value[m.start():].split("\n")[0][:80]  # "[Bitte ausfüllen: …]", on one line
        shown = shown[:shown.find("]") + 1] if "]" in shown else shown + "…"
        line, col = loader.locate(r.text, path, find=m.group(0))
        if path[:1] == ["translations"] and len(path) > 2:  # a text in another language: own advice
            out.append(problem(r.rel, line, col, "placeholder.translation", field=".".join(map(str, path[2:])),
                               lang_code=path[1], value=shown))
            continue
        code = "placeholder." + field if "msg.placeholder." + field in messages else "placeholder.other"
        out.append(problem(r.rel, line, col, code, field=field, value=shown))
    return out + [p for p in found if (p.line, p.col) not in at]
