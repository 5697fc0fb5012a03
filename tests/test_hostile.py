"""Hostile files: each is refused with exactly its expected line, fast and small.

tests/data/hostile/cases.yaml lists the cases: a small file under files/, or
bytes built here at run time from a recipe (a billion laughs, 40,000
brackets, 256 KB of dots in every text pattern, 10 MB, a 300 MB sparse file),
so that nothing big is committed. Every case runs the real ``nahbei check``
in a process of its own on a copy of content/ plus the file, and the test
measures that process (os.wait4): CPU time, peak memory, death by a signal,
a traceback. Issue 11 found the old loader needing 6.9 s and 1.2 GB for 665
bytes of aliases, 11 s for an e-mail address of dots, 344 MB for a 300 MB
file, and dying by SIGSEGV on 40,000 brackets.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest
import yaml

from nahbei import formatting
from nahbei.model import loader

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = Path(__file__).parent / "data" / "hostile"
FILES = HOSTILE / "files"
CASES = yaml.safe_load((HOSTILE / "cases.yaml").read_text("utf-8"))
NAHBEI = Path(sys.executable).parent / "nahbei"
EPOCH = "1795305600"  # 2026-11-22 00:00 UTC: the checks' "today"

# Bounds per `nahbei check` run, from the issue. CPU time (user + system of that
# process) is what a run costs; the wall clock only guards against a run that
# hangs, generously, as 2 cores are shared with other jobs.
CPU_LIMIT = 2.0  # seconds
WALL_LIMIT = 15.0  # seconds
RSS_LIMIT = 300 * 1024 * 1024  # bytes
# The child may not take the machine with it when the code under test is wrong.
CHILD_MEMORY = 2 * 1024 ** 3
CHILD_CPU = 30

# A file with one long value is filled to just below the size limit.
FILL_TO = loader.MAX_FILE_BYTES - 1024


# -- recipes: the bytes of the generated cases --------------------------------------


def _base(name: str) -> str:
    return (FILES / f"{name}-base.yaml").read_text("utf-8")


def laughs(k: int, prefix: str) -> bytes:
    """K levels of nine aliases each ("billion laughs"): 9**K strings once expanded.
    Every anchor and alias starts a line behind ``prefix``, inside one flow list
    over many lines (the form that slipped past the old text filter)."""
    lines = ["keywords: [", f"{prefix}&a0 [", *[f"{prefix}Kaffee," for _ in range(9)], "],"]
    for i in range(1, k):
        lines += [f"{prefix}&a{i} [", *[f"{prefix}*a{i - 1}," for _ in range(9)], "],"]
    lines.append(f"{prefix}*a{k - 1}]")
    return (_base("offer") + "\n".join(lines) + "\n").encode()


def nested(form: str, depth: int) -> bytes:
    """Collections ``depth`` levels deep, the entry's own fields counting as the first."""
    inner = depth - 1  # levels below the top
    if form == "flow-list":
        text = "keywords: " + "[" * inner + "Kaffee" + "]" * inner + "\n"
    elif form == "flow-map":
        text = "cost: " + "{a: " * inner + "1" + "}" * inner + "\n"
    elif form == "block-list":
        text = "keywords:\n" + "".join("  " * i + "-\n" for i in range(inner - 1)) + "  " * (inner - 1) + "- Kaffee\n"
    elif form == "block-map":
        text = "cost:\n" + "".join("  " * i + "a:\n" for i in range(1, inner)) + "  " * inner + "a: 1\n"
    else:
        raise AssertionError(form)
    return (_base("offer") + text).encode()


def _without(text: str, field: str | None) -> str:
    """The entry without ``field`` (its line and the indented lines under it)."""
    if field is None:
        return text
    out, dropping = [], False
    for line in text.splitlines(keepends=True):
        dropping = line.startswith(field + ":") or (dropping and line.startswith(" "))
        if not dropping:
            out.append(line)
    return "".join(out)


def long_value(base: str, template: str, unit: str, prefix: str = "", suffix: str = "", drop: str | None = None,
               chars: int | None = None) -> bytes:
    """The entry (``drop`` left out) plus ``template``, its {value} = prefix + unit
    repeated + suffix: the file just below the size limit, or a value of about
    ``chars`` characters (just within a field's maxLength)."""
    entry = _without(_base(base), drop)
    head = entry + template.replace("{value}", prefix + suffix)
    if chars is None:
        count = (FILL_TO - len(head.encode())) // len(unit.encode())
    else:
        count = (chars - len(prefix) - len(suffix)) // len(unit)
    text = entry + template.replace("{value}", prefix + unit * count + suffix)
    if chars is None:
        assert loader.MAX_FILE_BYTES - 2048 < len(text.encode()) <= loader.MAX_FILE_BYTES
    return text.encode()


def many(base: str, template: str, item: str, count: int) -> bytes:
    """The entry plus ``template``, its {items} ``count`` items, {n} numbered."""
    return (_base(base) + template.replace("{items}", ", ".join(item.replace("{n}", str(n)) for n in range(count)))).encode()


def then_deep(extra: str, depth: int) -> bytes:
    """A fault that needs a second look (a duplicate field), then nesting too deep."""
    return (_base("offer") + extra + "keywords: " + "[" * depth + "]" * depth + "\n").encode()


RECIPES = {"laughs": laughs, "nested": nested, "long_value": long_value, "many": many, "then_deep": then_deep}


def write_case(case: dict, content: Path) -> Path:
    target = content / case["to"]
    target.parent.mkdir(parents=True, exist_ok=True)
    if "file" in case:
        target.write_bytes((FILES / case["file"]).read_bytes())
    elif "size" in case:
        # A file of that size: real bytes (10 MB), or a sparse one that costs no disk (300 MB).
        with open(target, "wb") as f:
            f.write(_base("offer").encode())
            if case.get("sparse"):
                f.truncate(case["size"])
            else:
                filler = b"# " + b"x" * 1021 + b"\n"
                while f.tell() + len(filler) <= case["size"]:
                    f.write(filler)
                f.write(b"#" * (case["size"] - f.tell()))
        assert target.stat().st_size == case["size"]
    else:
        recipe = case["build"]
        target.write_bytes(RECIPES[recipe["recipe"]](**recipe["args"]))
    return target


# -- one real `nahbei check` process, measured --------------------------------------


# Linux counts a child's peak memory from the process it was forked from (the
# forked copy of a pytest worker that holds 400 MB "peaks" at 400 MB). So a
# small Python process of its own starts each run and measures it (wait4).
_MEASURE = """
import json, os, resource, subprocess, sys, time
out, err, report, memory, cpu = sys.argv[1:6]

def limit():  # the child may not take the machine with it when the code under test is wrong
    resource.setrlimit(resource.RLIMIT_AS, (int(memory), int(memory)))
    resource.setrlimit(resource.RLIMIT_CPU, (int(cpu), int(cpu)))

with open(out, "wb") as o, open(err, "wb") as e:
    start = time.monotonic()
    proc = subprocess.Popen(sys.argv[6:], stdin=subprocess.DEVNULL, stdout=o, stderr=e, preexec_fn=limit)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
with open(report, "w") as f:
    json.dump({"code": os.waitstatus_to_exitcode(status), "wall": wall,
               "cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss * 1024}, f)  # Linux: KB
"""


def run_check(cwd: Path, *args: str) -> dict:
    """`nahbei [args] check` in cwd: output, exit, and what that process cost."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONDONTWRITEBYTECODE": "1"}
    for name in ("NAHBEI_LANG", "GITHUB_ACTIONS", "NAHBEI_WORKERS"):
        env.pop(name, None)
    out, err, report = cwd / "stdout.txt", cwd / "stderr.txt", cwd / "usage.json"
    subprocess.run([sys.executable, "-c", _MEASURE, str(out), str(err), str(report), str(CHILD_MEMORY),
                    str(CHILD_CPU), str(NAHBEI), *args, "check"], cwd=cwd, env=env, check=True)
    return {**json.loads(report.read_text("utf-8")),
            "stdout": out.read_text("utf-8", errors="replace").splitlines(),
            "stderr": err.read_text("utf-8", errors="replace")}


def tree(tmp_path: Path, case: dict) -> Path:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    write_case(case, tmp_path / "content")
    return tmp_path


def assert_bounded(run: dict, what: str) -> None:
    assert "Traceback" not in run["stderr"], f"{what}: {run['stderr'][-2000:]}"
    assert run["code"] in (0, 1), f"{what}: exit {run['code']} (a negative exit is death by a signal)\n{run['stderr'][-2000:]}"
    assert run["cpu"] < CPU_LIMIT, f"{what}: {run['cpu']:.2f} s CPU"
    assert run["wall"] < WALL_LIMIT, f"{what}: {run['wall']:.2f} s"
    assert run["rss"] < RSS_LIMIT, f"{what}: {run['rss'] / 2 ** 20:.0f} MB peak"


def lines_of(run: dict, case: dict) -> tuple[list[str], list[str]]:
    """(the lines about the case's file, the lines about any other file)."""
    own = f"content/{case['to']}:"
    return [x for x in run["stdout"] if x.startswith(own)], [x for x in run["stdout"] if not x.startswith(own)]


# -- the corpus ---------------------------------------------------------------------


def test_corpus_is_complete_and_tidy():
    names = [c["case"] for c in CASES]
    assert len(names) == len(set(names)), "case names must be unique"
    assert len(CASES) >= 40
    used = {c["file"] for c in CASES if "file" in c} | {"offer-base.yaml", "place-base.yaml", "event-base.yaml"}
    assert {p.name for p in FILES.iterdir()} == used
    for c in CASES:
        assert c.get("about"), c["case"]
        assert sum(k in c for k in ("file", "build", "size")) == 1, c["case"]
        assert ("expect" in c) != ("expect_first" in c), c["case"]
        lines = c.get("expect", c.get("expect_first"))
        # a hostile file gets its line(s); one that passes (harmless text) says so in its name
        assert bool(lines) != c["case"].startswith("passes-"), c["case"]
        assert all("\n" not in x and x.startswith(f"content/{c['to']}:") for x in lines + c.get("en", [])), c["case"]
    # what the issue asks for, at least
    recipes = [c["build"]["recipe"] for c in CASES if "build" in c]
    assert recipes.count("laughs") >= 2 and recipes.count("nested") >= 8 and recipes.count("long_value") >= 8
    assert any(c.get("sparse") for c in CASES) and any("size" in c and not c.get("sparse") for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_hostile_file(case, tmp_path):
    """The real command on content/ plus the file: exactly the expected line(s) for
    that file and nothing else wrong, within the bounds, in German and English."""
    cwd = tree(tmp_path, case)
    run = run_check(cwd)
    assert_bounded(run, case["case"])
    own, other = lines_of(run, case)
    if "expect" in case:
        assert own == case["expect"]
    else:  # thousands of lines: the first ones exactly, and how many
        assert own[: len(case["expect_first"])] == case["expect_first"]
        assert len(own) == case["count"]
    assert not [x for x in other if ": Fehler: " in x], other
    assert run["code"] == (1 if any(": Fehler: " in x for x in own) else 0)
    if case.get("en"):
        run = run_check(cwd, "--lang", "en")
        assert_bounded(run, case["case"] + " (en)")
        assert lines_of(run, case)[0] == case["en"]


# -- the pieces, directly ---------------------------------------------------------------


def test_billion_laughs_stop_at_the_first_anchor_in_the_loader():
    # K=4 here (6,561 strings if expanded): bigger ones run above, in a child with a memory limit
    with pytest.raises(loader.LoadError) as info:
        loader.load_bytes(laughs(4, "\ufeff"))
    assert (info.value.code, info.value.line, info.value.col) == ("yaml.anchor", 11, 2)


def test_the_sparse_file_is_never_read(tmp_path, monkeypatch):
    """The size comes from stat: a 300 MB file costs no read (the old loader read it whole)."""
    path = tmp_path / "gross.yaml"
    with open(path, "wb") as f:
        f.truncate(300 * 1024 * 1024)
    reads = []
    real_read = os.read
    monkeypatch.setattr(os, "read", lambda fd, n: reads.append(n) or real_read(fd, n))
    with pytest.raises(loader.LoadError) as info:
        loader.read_content(path)
    assert info.value.code == "file.too_large"
    assert info.value.params == {"size": 300 * 1024, "limit": 256}
    assert reads == []
    small = tmp_path / "klein.yaml"
    small.write_bytes(b"a: 1\n")
    assert loader.read_content(small) == b"a: 1\n" and reads == [5 + 1]  # one read, of its size and one byte more


def test_mailto_never_carries_parameters():
    assert formatting.mailto("info@beispiel.de") == "mailto:info@beispiel.de"
    assert formatting.mailto("a.b+c@x-y.de") == "mailto:a.b+c@x-y.de"
    # should an address with parameters ever get past the schema, they stay part of the address
    href = formatting.mailto("info@beispiel.de?bcc=spy@evil.example&subject=x")
    assert href == "mailto:info@beispiel.de%3Fbcc%3Dspy@evil.example%26subject%3Dx"
    assert "?" not in href and "&" not in href
    assert "%0A" in formatting.mailto("info@beispiel.de\nBcc: x")


def test_the_page_builds_mailto_through_the_filter():
    """The contact list of a page: the e-mail link goes through formatting.mailto."""
    from nahbei.mkdocs.theme import TEMPLATES, ThemeManager

    class Site:
        @staticmethod
        def t(key, **params):
            return key

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)))
    env.filters["url"] = lambda url: url  # mkdocs' own filter, not used by this macro
    ThemeManager({}).on_env(env, Site(), None)
    template = env.get_template("nahbei/macros.html").module
    html = str(template.reach({"phones": [], "email": "info@beispiel.de?bcc=spy@evil.example", "website": None, "links": []}))
    assert re.findall(r'href="([^"]*)"', html) == ["mailto:info@beispiel.de%3Fbcc%3Dspy@evil.example"]


@pytest.mark.parametrize("number", ["02241 900-9765?x=1", "02241 900-9765\nBcc", "+49 2241 9009765&a", "0800 123 <b>"])
def test_tel_links_hold_digits_only(number):
    """tel: links are built from the parsed number (E.164), never from the text as written."""
    href = formatting.phone(number).href
    assert href == "" or (href.startswith("tel:+") and href[5:].isdigit()), href
