"""Faster page rendering gives the same pages: frames (nahbei.mkdocs.frames)
and the second rendering process (nahbei.mkdocs.prefetch).

A generated site is built twice with real `mkdocs build --strict`: once the
plain way (every page rendered in full, one process) and once with frames and
a second process forced on; every output file must be byte-identical. The
FrameRenderer itself is checked on small templates, including an override
that prints something of the page outside the page blocks (it must fall back
to full rendering, with the same output).
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest

from bench.generate import generate
from nahbei.mkdocs.frames import FrameRenderer
from tests.test_search_build import project_config

REPO = Path(__file__).resolve().parents[1]
EPOCH = "1795305600"


def site_with(tmp: Path, name: str, content: Path, options: dict, env: dict) -> tuple[Path, str]:
    root = tmp / name
    config = project_config(root, content_dir=content, directory_options=options)
    out = root / "site"
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-v", "-f", str(config),
                           "-d", str(out)], cwd=root,
                          env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1", **env},
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return out, proc.stdout + proc.stderr


def files_of(site: Path) -> dict[str, bytes]:
    # pagefind/ is left out: Pagefind's filter files differ from run to run even
    # for the same HTML (seen with pagefind 1.5.2 on one site indexed twice)
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file() and p.relative_to(site).parts[0] != "pagefind"}


@pytest.mark.slow
def test_frames_and_second_process_give_byte_identical_sites(tmp_path):
    content = tmp_path / "content"
    generate(160, content)
    plain, _ = site_with(tmp_path, "plain", content, {"reuse_frames": "false"}, {"NAHBEI_WORKERS": "1"})
    fast, log = site_with(tmp_path, "fast", content, {"parallel_min_pages": 1}, {"NAHBEI_WORKERS": ""})
    m = re.search(r"pages: (\d+) from the second process; here (\d+) from frames, (\d+) in full; "
                  r"feeds and open data by the second process: (\w+)", log)
    assert m, log[-2000:]
    second, framed, full, outputs = int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4)
    a, b = files_of(plain), files_of(fast)
    pages = [k for k in a if k.endswith(".html")]
    # both ways were taken: most pages from the second process, the rest from frames here
    assert second > len(pages) / 3 and framed > full > 0 and outputs == "True", log[-2000:]
    assert sorted(a) == sorted(b)
    differ = [k for k in a if a[k] != b[k]]
    assert not differ, differ[:10]
    assert len([k for k in a if k.endswith(".ics")]) > 100


# -- FrameRenderer on its own ------------------------------------------------------------

BASE = """<html><head>{% block htmltitle %}<title>{{ page.title }}</title>{% endblock %}</head>
<body>{% block header %}<h1>{{ page.title }}</h1>{% endblock %}
<nav>{% block site_nav %}{% for x in nav %}<a href="{{ x }}">{{ x }}</a>{% endfor %}{% endblock %}</nav>
{% block container %}{% block content %}{{ body }}{% endblock %}{% endblock %}
<footer>{% block footer %}{{ site }}{% endblock %}</footer></body></html>"""
CHILD = """{% extends "base.html" %}{% block content %}<p>{{ body }}</p>{{ super() }}{% endblock %}"""


def renderer(templates: dict) -> FrameRenderer:
    return FrameRenderer(jinja2.Environment(loader=jinja2.DictLoader(templates)))


def page(i: int) -> dict:
    return {"page": {"title": f"Seite {i} & mehr"}, "body": f"Inhalt {i}", "nav": ["a", "b"], "site": "nahbei"}


def test_frame_renderer_matches_full_rendering():
    frames = renderer({"base.html": BASE, "child.html": CHILD})
    env = frames.env
    for i in range(6):
        assert frames.render("child.html", page(i), ("k",)) == env.get_template("child.html").render(page(i))
    assert (frames.full, frames.fast) == (2, 4)  # two pages in full confirm the frame
    assert frames.reasons == {}


def test_frame_renderer_falls_back_when_the_frame_shows_the_page():
    # an override that prints the page title in the footer (outside the page blocks)
    override = BASE.replace("{{ site }}", "{{ site }} – {{ page.title }}")
    frames = renderer({"base.html": override, "child.html": CHILD})
    env = frames.env
    for i in range(4):
        assert frames.render("child.html", page(i), ("k",)) == env.get_template("child.html").render(page(i))
    assert frames.reasons == {("child.html", "k"): "differs"}
    assert frames.fast == 0
