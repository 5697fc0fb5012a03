"""The benchmark: generated content is valid and deterministic, `python -m bench`
prints its table, and check() gives the same messages with or without the
second loading process. No timing is asserted: timings are only printed.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from bench.generate import TODAY, Generator, generate

from nahbei.model.check import check

REPO = Path(__file__).resolve().parents[1]
ROWS = ("validation", "model build", "nahbei plugin hooks", "page rendering", "feeds", "Pagefind",
        "total wall time", "one core busy", "NAHBEI_WORKERS=1", "without the HSDS export (hsds: false)",
        "the HSDS export adds to the build", "peak memory", "output size", "HTML bytes per entry page", "baseline",
        "ratio ours/baseline")


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_generated_content_passes_check_without_errors_or_warnings(tmp_path):
    counts = generate(60, tmp_path / "content")
    assert (counts["offers"], counts["events"]) == (33, 27)
    assert counts["contacts"] > 0 and counts["places"] > 0
    result = check(tmp_path / "content", today=TODAY, root=tmp_path)
    assert [p.format() for p in result.problems] == []
    assert result.directory is not None
    assert len(result.directory.offers) == 33
    # a mix of series and single dates, and every entry file starts with its schema line
    events = [p.read_text("utf-8") for p in (tmp_path / "content" / "events").glob("*.yaml")]
    assert any("frequency: weekly" in e for e in events) and any("nth:" in e for e in events)
    assert any("recurrence:" not in e for e in events)
    for p in (tmp_path / "content").rglob("*.yaml"):
        assert p.read_text("utf-8").startswith("# yaml-language-server: $schema=")
    for p in (tmp_path / "content" / "places").glob("*.yaml"):
        assert 'postcode: "' in p.read_text("utf-8")  # quoted: a leading zero stays
    offers = [p.read_text("utf-8") for p in (tmp_path / "content" / "offers").glob("*.yaml")]
    assert any("status: ended" in o for o in offers) and any("funding:" in o for o in offers)


def test_generated_events_keep_out_of_their_offers_closures():
    # at N=10,000 two events fell into a closure of their offer (nahbei check warned)
    from datetime import date, datetime
    christmas = [(date(2026, 12, 22), date(2027, 1, 2))]
    start = datetime(2026, 12, 3, 17)
    rec = {"frequency": "weekly", "weekdays": ["do"], "count": 8,
           "moved": [{"date": date(2026, 12, 10), "to": datetime(2026, 12, 23, 17)}],
           "extra": [datetime(2026, 12, 29, 17), datetime(2027, 2, 2, 17)]}
    assert Generator.avoid_closures(christmas, rec, start, "scheduled") == "scheduled"
    assert rec["except"] == [date(2026, 12, 10), date(2026, 12, 24), date(2026, 12, 31)]
    assert rec["moved"] == [] and rec["extra"] == [datetime(2027, 2, 2, 17)]
    assert Generator.avoid_closures(christmas, None, datetime(2026, 12, 30, 10), "scheduled") == "cancelled"
    assert Generator.avoid_closures(christmas, None, date(2027, 1, 3), "scheduled") == "scheduled"


def test_generation_is_deterministic(tmp_path):
    generate(60, tmp_path / "a" / "content")
    generate(60, tmp_path / "b" / "content")
    a, b = files_of(tmp_path / "a" / "content"), files_of(tmp_path / "b" / "content")
    assert len(a) > 60
    assert a == b


def test_generation_does_not_replace_a_folder_it_did_not_write(tmp_path):
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "mine.txt").write_text("keep")
    with pytest.raises(SystemExit):
        generate(10, tmp_path / "content")
    assert (tmp_path / "content" / "mine.txt").read_text() == "keep"


def test_the_second_loading_process_changes_no_message(tmp_path):
    """check() with the forked loader (forced on for 80 files) and without it:
    same messages for content with YAML, schema and cross-entry errors. In a
    fresh interpreter: the test runner's own threads would turn the fork off."""
    script = textwrap.dedent("""
        import os, re, sys
        from pathlib import Path
        from bench.generate import TODAY, Generator, generate
        from nahbei.model import loader
        from nahbei.model.check import check
        root = Path(sys.argv[1])
        content = root / "content"
        generate(60, content)
        offers = sorted((content / "offers").glob("*.yaml"))
        events = sorted((content / "events").glob("*.yaml"))
        offers[0].write_text(re.sub(r"status: \\w+", "status: aktiv", offers[0].read_text("utf-8"), 1), "utf-8")
        offers[1].write_bytes(b"id: x\\nname: \\xff\\n")
        offers[2].write_text(offers[2].read_text("utf-8").replace("provider: ", "provider: fehlt-"), "utf-8")
        offers[3].write_text("", "utf-8")
        events[0].write_text(events[0].read_text("utf-8") + "extra_feld: 1\\n", "utf-8")
        events[1].write_text(events[1].read_text("utf-8").replace("title: ", "title: &a "), "utf-8")
        def messages():
            return [p.format() for p in check(content, today=TODAY, root=root).problems]
        os.environ["NAHBEI_WORKERS"] = "1"
        one = messages()
        del os.environ["NAHBEI_WORKERS"]
        loader.PARALLEL_MIN_FILES = 1
        from nahbei.parallel import may_fork
        assert may_fork(80, loader.PARALLEL_MIN_FILES), "the fork path is not taken"
        two = messages()
        assert one == two, (one, two)
        assert len(one) >= 6, one
        print(len(one))
    """)
    proc = subprocess.run([sys.executable, "-c", script, str(tmp_path)], cwd=REPO, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_bench_runs_end_to_end_and_prints_the_table(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "bench", "--n", "30", "--out", str(tmp_path),
                           "--compare-n", "12", "--preview", "--feeds-n", "200", "--no-lighthouse",
                           "--one-language"], cwd=REPO,
                          capture_output=True, text=True, timeout=900,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    for name in ROWS:
        assert name in out, f"row {name!r} missing:\n{out}"
    assert "N=30: 16 offers, 14 events" in out
    # the same run compares entry page sizes with a smaller N and times the preview
    assert re.search(r"HTML bytes per entry page \(median offer page\): N=12: [\d,]+, N=30: [\d,]+", out), out
    assert re.search(r"feeds alone \(python -m nahbei.feeds.bench --n 200\): 200 events: .* write_feeds [\d.]+ s wall", out), out
    # the HSDS export alone: 16 services, 1 index, lists and the taxonomies: more files than services
    m = re.search(r"HSDS 3\.0 export alone [^\n]*?\)\s+([\d.]+) s, ([\d.]+) MB in ([\d,]+) files", out)
    assert m and float(m.group(2)) > 0 and int(m.group(3).replace(",", "")) > 16, out
    assert len(list((tmp_path / "n30" / "hsds" / "services").glob("*-*-*-*-*.json"))) == 16
    assert (tmp_path / "n30" / "hsds" / "hsds-datapackage.zip").stat().st_size > 0  # the package too, as a build
    # the variant without it really left it out: its config says so, and the difference is a number
    assert "hsds: false" in (tmp_path / "n30" / "mkdocs-nohsds.yml").read_text("utf-8")
    assert re.search(r"the HSDS export adds to the build [^\n]*\s[+-][\d.]+ s", out), out
    # what one search downloads, in real Chromium, for both words, from the site's own and every edition's pages
    sizes = re.findall(r"search download \(bench/search_size.py, budget 300 KB\): first search for '(\w+)' "
                       r"from an entry page of (\S+) \(([^)]*)\): (\d+) KB in (\d+) files", out)
    assert [(w, e) for w, e, *_ in sizes if e == "site"] == [("Beratung", "site"), ("Schulden", "site")], out
    assert all("Ergebnis" in summary for _, e, summary, *_ in sizes if e == "site"), out
    editions = sorted({e for _, e, *_ in sizes} - {"site"})
    assert editions == sorted(d.name for d in (tmp_path / "n30" / "site").iterdir()
                              if list(d.glob("angebote/*/index.html"))), out
    assert all(int(kb) > 0 for *_, kb, _ in sizes), out
    # "In meiner Nähe": the distance file's size, the ordering in Chromium (4x CPU throttling), the build steps
    m = re.search(r"distance search \(bench/nearby\.py, budgets 150 KB, 100 ms, 5 s\): data file ([\d.]+) KB gzip "
                  r"\([\d,]+ KB; ([\d,]+) entries, [\d,]+ positions, ([\d,]+) postcodes, [\d,]+ names\); "
                  r"ordering ([\d,]+) results ([\d.]+) ms \(median of \d+ postcodes, max [\d.]+ ms\) at 4x CPU "
                  r"throttling, from the Enter to the first result shown \d+ ms \(max \d+ ms\); "
                  r"adds ([\d.]+) s to the build", out)
    assert m and float(m.group(1)) > 0 and int(m.group(2).replace(",", "")) > 30, out
    assert int(m.group(3)) > 0 and int(m.group(4).replace(",", "")) > 0 and float(m.group(5)) > 0, out
    assert (tmp_path / "n30" / "content" / "postcodes.csv").read_text("utf-8").startswith("postcode,town,lat,lon\n")
    m = re.search(r"preview \(mkdocs serve --dirty\): first build [\d.]+ s; one offer renamed, "
                  r"its page served after ([\d.]+) s \(Vorschau: \d+ geänderte Einträge, (\d+) Seiten", out)
    assert m and int(m.group(2)) > 0, out
    # --one-language: issue 12's rows in its one language (busy, one process, preview) beside the site's own
    for variant in ("one core busy", "NAHBEI_WORKERS=1"):
        assert re.search(rf"full build in one language \(languages: \[de\]\), {variant}\s+[\d.]+ s \(load", out), out
    for variant in ("de", "de-busy", "de-one"):
        options = yaml.safe_load((tmp_path / "n30" / f"mkdocs-{variant}.yml").read_text("utf-8"))["plugins"]
        assert {"languages": ["de"]}.items() <= options[0]["nahbei/directory"].items(), options
    assert re.search(r"preview in one language \(languages: \[de\]\) \(mkdocs serve --dirty\): first build "
                     r"[\d.]+ s; one offer renamed, its page served after [\d.]+ s", out), out
    assert (tmp_path / "n30" / "content" / "taxonomy.yaml").exists()
    # the generated mkdocs.yml inherits the repository's (when there is one)
    if (REPO / "mkdocs.yml").exists():
        config = (tmp_path / "n30" / "mkdocs.yml").read_text("utf-8")
        assert "INHERIT:" in config and "content_dir: content" in config
