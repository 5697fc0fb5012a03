"""Templates without their indentation (nahbei.mkdocs.theme.unindent) render
the same text: white space may shrink, but never disappears between two
words or tags, whatever Jinja's white-space control does around it."""
from __future__ import annotations

import re
from pathlib import Path

import jinja2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nahbei.mkdocs.theme import unindent

MATERIAL = Path(jinja2.__file__).parents[1] / "material" / "templates"


def render(source: str, **context) -> str:
    return jinja2.Environment(autoescape=False).from_string(source).render(**context)


def words(text: str) -> str:
    """What a browser shows of it (outside <pre>): runs of white space as one space."""
    return re.sub(r"\s+", " ", text).strip()


CASES = [
    # (template, context)
    ("  <a>\n    {% if x %}\n    b\n  {% endif %}\n</a>", {"x": True}),
    ("a\n{%- if x %}\nb{% endif %}", {"x": True}),  # {%- takes the line break before it
    ("a{% if x -%}\n{% endif %}\nb", {"x": True}),  # -%} takes the one after it
    ("a\n{% if x -%}\n{% set y = 1 %}\n{% endif %}\nb", {"x": True}),
    ("<li>Telefon:\n    {% if p %}\n      <a>{{ p }}</a>\n    {% endif %}\n</li>", {"p": "0221"}),
    ("{# note #}\nword\n{% for i in r %}\n  {{ i }}\n{% endfor %}\nend", {"r": [1, 2]}),
    ("x\n  {#- note -#}\n  y", {}),
    ("{% if a %}\n{% if b %}\n  one\n{% endif %}\n{% endif %}\ntwo", {"a": True, "b": True}),
    ("start\n{%- if x %}\nword\n{% endif %}\nend", {"x": False}),  # the only break left is after endif
]


@pytest.mark.parametrize(("source", "context"), CASES)
def test_the_text_stays_the_same(source, context):
    before, after = render(source, **context), render(unindent(source), **context)
    assert words(after) == words(before)
    assert len(after) <= len(before)


def test_indentation_goes():
    source = "<ul>\n  {% for i in r %}\n    <li>{{ i }}</li>\n  {% endfor %}\n</ul>\n"
    assert render(unindent(source), r=[1, 2]) == "<ul>\n\n<li>1</li>\n\n<li>2</li>\n\n</ul>"


# Random templates of text, output and statement lines with every white-space control.
OPEN = ["{% if x %}", "{%- if x %}", "{% if x -%}", "{%- if x -%}"]
CLOSE = ["{% endif %}", "{%- endif %}", "{% endif -%}", "{%- endif -%}"]
LEAF = st.sampled_from(["word", "<b>tag</b>", "{{ v }}", "{# c #}", "{#- c -#}", "{% set z = 1 %}", ""])


@st.composite
def lines(draw, depth=0):
    out = []
    for _ in range(draw(st.integers(1, 4))):
        indent = " " * draw(st.integers(0, 6))
        if depth < 3 and draw(st.booleans()):
            out.append(indent + draw(st.sampled_from(OPEN)))
            out += draw(lines(depth + 1))
            out.append(indent + draw(st.sampled_from(CLOSE)))
        else:
            out.append(indent + draw(LEAF) + draw(st.sampled_from(["", " ", " {{ v }}", " text"])))
    return out


@settings(max_examples=400, deadline=None)
@given(lines(), st.booleans())
def test_random_templates_render_the_same_text(body, x):
    source = "start\n" + "\n".join(body) + "\nend"
    before, after = render(source, x=x, v="val"), render(unindent(source), x=x, v="val")
    assert words(after) == words(before)


@pytest.mark.skipif(not MATERIAL.is_dir(), reason="mkdocs-material not installed")
def test_the_themes_templates_stay_valid_jinja():
    env = jinja2.Environment()
    for path in MATERIAL.rglob("*.html"):
        env.parse(unindent(path.read_text("utf-8")))  # raises on a broken template
