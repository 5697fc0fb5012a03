"""Faster page rendering gives the same pages: frames (nahbei.mkdocs.frames)
and the second rendering process (nahbei.mkdocs.prefetch).

A generated site is built twice with real `mkdocs build --strict`: once the
plain way (every page rendered in full, one process) and once with frames and
a second process forced on; every output file must be byte-identical. The
FrameRenderer itself is checked on small templates with cached blocks: an
override that prints something of the page in one, and a cached block with an
effect on the rest of the page (both must fall back to full rendering, with
the same output); a later page whose frame differs (the spot check stops the
build, also in a real build); nahbei/base.html declares every frame block of
mkdocs-material's base.html as cached.
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
from tests.test_search_build import project_config

from nahbei.i18n import t
from nahbei.mkdocs.frames import FrameMismatch, FrameRenderer

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
    # both ways were taken: pages from the second process, the rest from frames here
    # (the shares follow the load on each core: any share of the second process will do)
    assert second > 0 and framed > full > 0 and outputs == "True", log[-2000:]
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
# the frame's blocks declared as cached, as nahbei/base.html does for mkdocs-material's
CACHED = ("site_nav", "footer")
CHILD = """{% extends "base.html" %}{% block content %}<p>{{ body }}</p>{{ super() }}{% endblock %}""" + "".join(
    f'{{% block {b} %}}{{{{ nahbei_frame.block("{b}", super) if nahbei_frame else super() }}}}{{% endblock %}}'
    for b in CACHED)


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


# Blocks of mkdocs-material's base.html that show the page itself: they and the
# blocks inside them render for every page; every other block is the frame.
PAGE_BLOCKS = {"site_meta", "htmltitle", "extrahead", "header", "container"}
CACHED_BLOCK = re.compile(r'\{% block (\w+) %\}\{\{ nahbei_frame\.block\("(\w+)", super\) '
                          r'if nahbei_frame else super\(\) \}\}\{% endblock %\}')


def test_nahbei_base_caches_every_frame_block_of_the_theme():
    import material

    theme = Path(material.__file__).parent / "templates"
    env = jinja2.Environment()
    frame = set()

    def walk(node):
        for block in node.iter_child_nodes():
            if isinstance(block, jinja2.nodes.Block):
                if block.name in PAGE_BLOCKS:
                    continue
                frame.add(block.name)
            walk(block)

    walk(env.parse((theme / "base.html").read_text("utf-8")))
    ours = (REPO / "plugins/nahbei/mkdocs/templates/nahbei/base.html").read_text("utf-8")
    cached = CACHED_BLOCK.findall(ours)
    assert all(name == again for name, again in cached)
    assert {"site_nav", "footer", "scripts"} <= frame  # the parse found the theme's blocks
    assert sorted(name for name, _ in cached) == sorted(frame)


# A cached block whose output is the same on every page but which has an effect
# on the rest of the page: the first two pages agree on the frame, yet a page
# from the frame is not the page rendered in full.
EFFECTS = {
    # the navigation counts its links into a namespace that the content prints
    "namespace": BASE.replace("<html>", '{% set ns = namespace(links="?") %}<html>')
                     .replace("{% endfor %}{% endblock %}", "{% endfor %}{% set ns.links = nav | length %}{% endblock %}")
                     .replace("{{ body }}{% endblock %}", "{{ body }} ({{ ns.links }} Links){% endblock %}"),
    # the navigation notes in an object of the page's variables that it ran; the content asks
    "object": BASE.replace("{% endfor %}{% endblock %}", "{% endfor %}{{ seen.append(1) or '' }}{% endblock %}")
                  .replace("{{ body }}{% endblock %}", "{{ body }}{% if seen %} (mit Navigation){% endif %}{% endblock %}"),
}


@pytest.mark.parametrize("base", EFFECTS.values(), ids=EFFECTS.keys())
def test_frame_renderer_falls_back_when_a_cached_block_affects_the_page(base):
    frames = renderer({"base.html": base, "child.html": CHILD})
    env = frames.env
    for i in range(6):
        full = env.get_template("child.html").render(page(i) | {"seen": []})
        assert frames.render("child.html", page(i) | {"seen": []}, ("k",)) == full
    assert frames.reasons == {("child.html", "k"): "effects"}
    assert frames.fast == 0


# An override that prints a fact of the page in a cached block (the footer):
# on which pages the fact is set, how often the renderer checks, and at which
# page the build stops (None: it does not). The first two pages never have it.
FACT = BASE.replace("{{ site }}", "{{ site }}{% if page.new %} (neu){% endif %}")
LATER_PAGE_DIFFERS = {
    # from the third page on: the 64th page, the first one checked, stops the build
    "from the third page": (range(2, 100), 64, 63),
    "from the 11th page": (range(10, 20), 4, 11),  # the next checked page, the 12th
    # between two checked pages (the 4th and the 8th) only: not seen – the limit of a spot check
    "on the 6th page only": ({5}, 4, None),
}


@pytest.mark.parametrize("new, every, stops_at", LATER_PAGE_DIFFERS.values(), ids=LATER_PAGE_DIFFERS.keys())
def test_spot_check_stops_on_a_later_page_with_another_frame(new, every, stops_at):
    frames = FrameRenderer(jinja2.Environment(loader=jinja2.DictLoader({"base.html": FACT, "child.html": CHILD})),
                           check_every=every)
    template = frames.env.get_template("child.html")
    for i in range(stops_at + 1 if stops_at is not None else 2 * every):
        variables = page(i) | {"page": {"title": f"Seite {i}", "new": i in new}}
        if i == stops_at:
            with pytest.raises(FrameMismatch) as caught:
                frames.render("child.html", variables, ("k",))
            assert (caught.value.template, caught.value.blocks) == ("child.html", ["footer"])
            return
        # pages not checked before that show the first pages' footer: what the build must not ship
        assert (frames.render("child.html", variables, ("k",)) == template.render(variables)) == (i not in new)
    assert stops_at is None and frames.reasons == {}


@pytest.mark.slow
@pytest.mark.parametrize("second_process", [False, True], ids=["one process", "second process"])
def test_a_site_override_with_a_later_page_fact_stops_the_build(tmp_path, second_process):
    """A real site: overrides/main.html prints in the footer whether an offer
    sorts after the 63rd (the first two share that fact): the spot check on
    the 64th offer page stops `mkdocs build` with a message that says what to do,
    with the pages shared between two processes too."""
    content = tmp_path / "content"
    generate(130, content)
    offers = sorted(p.stem for p in (content / "offers").glob("*.yaml"))
    assert len(offers) >= 64, len(offers)
    overrides = tmp_path / "overrides"
    overrides.mkdir()
    (overrides / "main.html").write_text(
        '{% extends "base.html" %}{% block footer %}{{ super() }}'
        f'{{% if spec and spec.kind == "offer" and spec.ident >= "{offers[63]}" %}}<p>neu</p>{{% endif %}}'
        "{% endblock %}", "utf-8")
    config = project_config(tmp_path / "project", content_dir=content, overrides_dir=overrides,
                            directory_options={"parallel_min_pages": 1} if second_process else None)
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config),
                           "-d", str(tmp_path / "site")], cwd=tmp_path,
                          env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1",
                               "NAHBEI_WORKERS": "" if second_process else "1"},
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode != 0, proc.stderr[-3000:]
    # the spot check falls on the 64th offer page whichever process renders it
    # (a failure in the second process is raised in this one: test_parallel)
    expected = t("ui.build.frame_mismatch", "de", template="nahbei/offer.html", page=f"angebote/{offers[63]}/",
                 blocks="footer")
    assert expected in proc.stderr, proc.stderr[-3000:]
