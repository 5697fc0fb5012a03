"""``python -m bench --n N``: generate N entries, build them, print one table.

Each stage runs in its own process (``bench/stage.py``), so its peak memory
is that process's (``wait4``). The site is built with the repository's
mkdocs.yml through a generated ``bench/out/n<N>/mkdocs.yml`` that INHERITs it
and points the ``nahbei/directory`` plugin at the generated content; the
baseline is a bare mkdocs-material build of the same entries as plain
Markdown. Stages whose code is not there yet show "n/a". Timings are wall
clock on a shared machine: the load average is printed with them.
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from nahbei.sitesize import site_size  # the build's own count (max_site_mb)

from . import baseline, url_segments
from . import lighthouse as lh
from .generate import SEED, TODAY, generate

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
EPOCH = int(datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=timezone.utc).timestamp())
SITE_URL = "https://nahbei.example.org/"
DIRECTORY_PLUGIN = "nahbei/directory"


@dataclass
class Stage:
    ok: bool = False
    wall: float = 0.0  # seconds, the whole process
    rss: int = 0  # peak resident set, bytes
    data: dict = field(default_factory=dict)
    note: str = ""
    error: str = ""  # last line of the log when the stage failed


def env() -> dict:
    return {**os.environ, "SOURCE_DATE_EPOCH": str(EPOCH), "NO_MKDOCS_2_WARNING": "1", "PYTHONHASHSEED": "0"}


def run_stage(name: str, args: list[str], log: Path, extra_env: dict | None = None) -> Stage:
    result = log.with_suffix(".json")
    result.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "bench.stage", name, str(result), *map(str, args)]
    t0 = time.perf_counter()
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env={**env(), **(extra_env or {})}, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    stage = Stage(wall=time.perf_counter() - t0, rss=usage.ru_maxrss * 1024)
    if proc.returncode == 0 and result.exists():
        stage.ok, stage.data = True, json.loads(result.read_text("utf-8"))
    else:
        tail = log.read_text("utf-8", errors="replace").strip().splitlines()
        stage.note = f"failed (exit {proc.returncode}, see {shown(log)})"
        stage.error = tail[-1][:200] if tail else ""
    return stage


# -- content and configuration ---------------------------------------------------------

def shown(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def content_for(n: int, out: Path = OUT, regenerate: bool = False) -> tuple[Path, float | None]:
    """out/n<N>/content (bench/out/n<N>/content), generated unless an identical one is cached."""
    folder = out / f"n{n}"
    content = folder / "content"
    stamp = folder / "content.stamp"
    key = hashlib.sha256()
    for p in (ROOT / "bench" / "generate.py", ROOT / "content" / "taxonomy.yaml"):
        key.update(p.read_bytes())
    key.update(f"{n}/{SEED}".encode())
    if not regenerate and stamp.exists() and stamp.read_text() == key.hexdigest() and content.is_dir():
        return content, None
    t0 = time.perf_counter()
    generate(n, content)
    stamp.write_text(key.hexdigest())
    return content, time.perf_counter() - t0


def site_config(folder: Path, file_name: str = "mkdocs.yml",
                directory_options: dict | None = None) -> tuple[Path | None, str]:
    """Write folder/<file_name> (INHERIT the repository's mkdocs.yml, content_dir =
    folder/content, and ``directory_options`` for the nahbei/directory plugin)."""
    parent = ROOT / "mkdocs.yml"
    if not parent.exists():
        return None, "n/a (no mkdocs.yml yet)"
    try:
        from mkdocs.utils import yaml_load

        with open(parent, encoding="utf-8") as f:
            raw = yaml_load(f) or {}
    except Exception as exc:  # a config being written right now
        return None, f"n/a (mkdocs.yml unreadable: {exc})"
    plugins = raw.get("plugins") or []
    if isinstance(plugins, dict):
        plugins = [{k: v} for k, v in plugins.items()]
    names = [next(iter(p)) if isinstance(p, dict) else p for p in plugins]
    if DIRECTORY_PLUGIN not in names:
        return None, f"n/a (no {DIRECTORY_PLUGIN} plugin in mkdocs.yml)"
    if not importlib.util.find_spec("nahbei.mkdocs.plugin"):
        return None, "n/a (not available)"

    def rel(p) -> str:
        return os.path.relpath(ROOT / p, folder)

    new_plugins = []
    for entry, name in zip(plugins, names, strict=True):
        opts = dict(entry[name] or {}) if isinstance(entry, dict) else {}
        if name == DIRECTORY_PLUGIN:
            opts["content_dir"] = "content"
            opts["max_site_mb"] = 0  # the bench measures the size (N=30,000 is over GitHub Pages' 1 GB)
            opts.update(directory_options or {})
            if opts.get("schemas_dir") and not os.path.isabs(opts["schemas_dir"]):
                opts["schemas_dir"] = rel(opts["schemas_dir"])
        new_plugins.append({name: opts} if opts else name)
    child = {"INHERIT": os.path.relpath(parent, folder), "docs_dir": rel(raw.get("docs_dir", "docs")),
             "site_dir": "site", "site_url": SITE_URL, "plugins": new_plugins}
    custom_dir = (raw.get("theme") or {}).get("custom_dir") if isinstance(raw.get("theme"), dict) else None
    if custom_dir:
        child["theme"] = {"custom_dir": rel(custom_dir)}
    import yaml

    path = folder / file_name
    path.write_text("# Written by python -m bench: the repository's mkdocs.yml on generated content.\n"
                    + yaml.safe_dump(child, allow_unicode=True, sort_keys=False), "utf-8")
    return path, ""


def offer_segment() -> str:
    return url_segments()["offer"]


def entry_page_bytes(site: Path, segment: str) -> int | None:
    sizes = [p.stat().st_size for p in (site / segment).glob("*/index.html")]
    return int(statistics.median(sizes)) if sizes else None


# -- formatting -----------------------------------------------------------------------

def secs(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.2f} s"


def mb(x: int | None) -> str:
    return "" if not x else f"{x / 2**20:.0f} MiB"


def build_site(n: int, content: Path, with_pagefind_fallback: bool = True) -> dict:
    """The site stages for one N: build, then feeds/Pagefind outside it if the build did not run them."""
    folder = content.parent
    res: dict = {"build": None, "feeds": None, "pagefind": None, "notes": {}}
    config, why = site_config(folder)
    if config is None:
        res["notes"]["site"] = why
        return res
    site = folder / "site"
    if site.exists():
        shutil.rmtree(site)
    res["build"] = build = run_stage("build", [config], folder / "build.log")
    if not build.ok:
        res["notes"]["site"] = "n/a (the build failed)"
        return res
    times = build.data["times"]
    res["site"] = site
    # Feeds: inside the build when the plugin calls write_feeds, else on their own.
    if build.data["calls"].get("feeds"):
        res["feeds_in_build"] = times["feeds"]
    elif build.data["calls"].get("second process wrote feeds"):
        res["feeds_in_child"] = True  # written while pages rendered: no time of its own on the clock
    elif importlib.util.find_spec("nahbei.feeds") and _has_write_feeds():
        res["feeds"] = run_stage("feeds", [content, site, SITE_URL], folder / "feeds.log")
    else:
        res["notes"]["feeds"] = "n/a (not available)"
    if build.data["calls"].get("pagefind"):
        res["pagefind_in_build"] = times["pagefind"]
        res["pagefind_cpu"] = times.get("pagefind process CPU")
        res["pagefind_rss"] = times.get("pagefind process peak RSS")
    elif with_pagefind_fallback and importlib.util.find_spec("pagefind_bin"):
        res["pagefind"] = run_stage("pagefind", [site], folder / "pagefind.log")
    else:
        res["notes"]["pagefind"] = "n/a (not available)"
    return res


#: The bench's own CPU load ends after this many seconds even if the bench is killed.
BUSY_LIMIT = 1800


@contextmanager
def cpu_busy(on: bool):
    """One CPU-bound process beside what runs inside (another program busy on one
    core), killed afterwards and bounded in time itself."""
    if not on:
        yield
        return
    burner = subprocess.Popen([sys.executable, "-c", "import time\nend = time.monotonic() + "
                               f"{BUSY_LIMIT}\nwhile time.monotonic() < end:\n    pass\n"])
    try:
        yield
    finally:
        burner.kill()
        burner.wait()


def build_variant(content: Path, name: str, extra_env: dict | None = None, busy: bool = False,
                  directory_options: dict | None = None) -> dict:
    """The full build once more into site-<name>/ (removed afterwards): its wall
    time with Pagefind when the build does not run it, and the load before it.
    ``directory_options``: options of nahbei/directory that differ (mkdocs-<name>.yml)."""
    folder = content.parent
    config, why = (site_config(folder, f"mkdocs-{name}.yml", directory_options) if directory_options
                   else site_config(folder))
    if config is None:
        return {"note": why}
    site = folder / f"site-{name}"
    shutil.rmtree(site, ignore_errors=True)
    load = os.getloadavg()[0]
    with cpu_busy(busy):
        stages = [run_stage("build", [config, site], folder / f"build-{name}.log", extra_env)]
        build = stages[0]
        if build.ok and not build.data["calls"].get("pagefind") and importlib.util.find_spec("pagefind_bin"):
            stages.append(run_stage("pagefind", [site], folder / f"pagefind-{name}.log", extra_env))
    size = site_size(site) if site.is_dir() else (0, 0)
    shutil.rmtree(site, ignore_errors=True)
    if not all(s.ok for s in stages):
        return {"note": next(s.note for s in stages if not s.ok), "load": load}
    return {"wall": sum(s.wall for s in stages), "load": load, "rss": max(s.rss or 0 for s in stages),
            "second": build.data["calls"].get("pages from second process", 0), "size": size}


def run_preview(folder: Path, config_name: str = "mkdocs.yml") -> dict:
    """Time the volunteer's preview on a copy of the generated content (the cached
    content stays as generated), with folder/``config_name``'s options."""
    from . import preview

    work = folder / "preview"
    if work.exists():
        shutil.rmtree(work)
    shutil.copytree(folder / "content", work / "content")
    text = (folder / config_name).read_text("utf-8")
    (work / "mkdocs.yml").write_text(text.replace(": ../", ": ../../"), "utf-8")
    offer = sorted((work / "content" / "offers").glob("*.yaml"))[len(list((work / "content" / "offers").glob("*.yaml"))) // 2]
    try:
        return preview.measure(work / "mkdocs.yml", offer, f"{offer_segment()}/{offer.stem}/", env=env())
    except Exception as exc:  # reported in the table, the rest of the bench stands
        return {"error": str(exc).splitlines()[0][:200]}


def run_search_size(site: Path) -> list[str]:
    """Lines of ``python -m bench.search_size`` on the built site (real Chromium)."""
    if not Path(os.environ.get("NAHBEI_CHROMIUM", "/usr/bin/chromium")).exists():
        return ["n/a (no Chromium; `make test` installs Debian's chromium)"]
    proc = subprocess.run([sys.executable, "-m", "bench.search_size", str(site)], cwd=ROOT, env=env(),
                          capture_output=True, text=True, timeout=600)
    if proc.returncode:
        return [f"failed (exit {proc.returncode}): {(proc.stderr.strip().splitlines() or [''])[-1][:200]}"]
    return [line for line in proc.stdout.splitlines() if line.startswith("first search")]


def run_nearby(site: Path, content: Path) -> list[str]:
    """Lines of ``python -m bench.nearby`` on the built site ("In meiner Nähe": the
    distance file, the ordering in Chromium at 4x CPU throttling, the build steps)."""
    if not Path(os.environ.get("NAHBEI_CHROMIUM", "/usr/bin/chromium")).exists():
        return ["n/a (no Chromium; `make test` installs Debian's chromium)"]
    if not (site / "assets" / "nahbei-search" / "nearby.json").exists():
        return ["n/a (the build wrote no distance file)"]
    proc = subprocess.run([sys.executable, "-m", "bench.nearby", str(site), str(content),
                           "--search-segment", url_segments()["search"]], cwd=ROOT, env=env(),
                          capture_output=True, text=True, timeout=900)
    if proc.returncode:
        return [f"failed (exit {proc.returncode}): {(proc.stderr.strip().splitlines() or [''])[-1][:200]}"]
    return [line for line in proc.stdout.splitlines() if line.startswith("distance search")]


def _has_write_feeds() -> bool:
    try:
        import nahbei.feeds as feeds
    except Exception:
        return False
    return hasattr(feeds, "write_feeds")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1000, help="offers + events (default 1000)")
    ap.add_argument("--compare-n", type=int, help="also build this N and compare HTML bytes per entry page")
    ap.add_argument("--no-baseline", action="store_true", help="skip the mkdocs-material baseline")
    ap.add_argument("--regenerate", action="store_true", help="generate content even if cached")
    ap.add_argument("--out", type=Path, default=OUT, help="where content, sites and logs go (default bench/out)")
    ap.add_argument("--feeds-n", type=int, default=10000,
                    help="also time write_feeds for this many synthetic events (python -m nahbei.feeds.bench; 0: skip)")
    ap.add_argument("--no-hsds", action="store_true",
                    help="skip timing the HSDS 3.0 export alone (bench.stage hsds)")
    ap.add_argument("--no-search-size", action="store_true",
                    help="skip measuring what one search downloads (Chromium, bench/search_size.py)")
    ap.add_argument("--no-nearby", action="store_true",
                    help="skip measuring \"In meiner Nähe\" (bench/nearby.py: distance file, ordering in Chromium)")
    ap.add_argument("--no-variants", action="store_true",
                    help="skip the builds with one core busy (the bench's own CPU load) and with NAHBEI_WORKERS=1")
    ap.add_argument("--no-lighthouse", action="store_true",
                    help="skip Lighthouse mobile performance of the home, an offer and the search page, served gzip "
                         "(bench/lighthouse: Node, npm ci --prefix bench/lighthouse, Chromium)")
    ap.add_argument("--lighthouse-runs", type=int, default=3,
                    help="Lighthouse runs per page, the median counts (default 3)")
    ap.add_argument("--one-language", action="store_true",
                    help="also build with languages: [de] (issue 12's budgets; part of the variants anyway); "
                         "with the variants, also one core busy and NAHBEI_WORKERS=1 in one language, "
                         "and the preview in one language")
    ap.add_argument("--preview", action="store_true",
                    help="also time the preview: mkdocs serve --dirty, change one offer, until its page is served")
    args = ap.parse_args(argv)
    started = time.perf_counter()
    load_before = os.getloadavg()
    n = args.n
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    content, gen_seconds = content_for(n, out, args.regenerate)
    folder = content.parent
    counts = {k: len(list((content / k).glob("*.yaml"))) for k in ("offers", "events", "contacts", "places")}
    yaml_bytes = sum(p.stat().st_size for p in content.rglob("*.yaml"))

    check_par = run_stage("check", [content], folder / "check.log")
    check_one = run_stage("check", [content], folder / "check-1.log", {"NAHBEI_WORKERS": "1"})
    load_at_build = os.getloadavg()[0]
    site = build_site(n, content)
    variants = {}
    if not args.no_variants and site.get("site"):
        variants["busy"] = build_variant(content, "busy", busy=True)
        variants["one"] = build_variant(content, "one", {"NAHBEI_WORKERS": "1"})
        # what the open data (HSDS JSON and tables) add to a build: the same build without them
        variants["nohsds"] = build_variant(content, "nohsds", directory_options={"hsds": False})
    if (not args.no_variants or args.one_language) and site.get("site"):
        # issue 12's budgets are for the site in one language: the same build with languages: [de]
        variants["de"] = build_variant(content, "de", directory_options={"languages": ["de"]})
        if args.one_language and not args.no_variants:
            # issue 12's rows for one core busy and one process, in its one language too
            one_language = {"languages": ["de"]}
            variants["de-busy"] = build_variant(content, "de-busy", busy=True, directory_options=one_language)
            variants["de-one"] = build_variant(content, "de-one", {"NAHBEI_WORKERS": "1"},
                                               directory_options=one_language)
    base = None
    if not args.no_baseline:
        base_root = folder / "baseline"
        base_cfg = baseline.write(content, base_root)
        if (base_root / "site").exists():
            shutil.rmtree(base_root / "site")
        base = run_stage("baseline", [base_cfg], folder / "baseline.log")
    feeds_line = None
    if args.feeds_n:
        proc = subprocess.run([sys.executable, "-m", "nahbei.feeds.bench", "--n", str(args.feeds_n)], cwd=ROOT,
                              env=env(), capture_output=True, text=True, timeout=600)
        feeds_line = (proc.stdout.strip().splitlines() or ["no output"])[-1] if proc.returncode == 0 else \
            f"failed (exit {proc.returncode}): {(proc.stderr.strip().splitlines() or [''])[-1][:200]}"
    hsds_stage = None
    if not args.no_hsds:
        hsds_out = folder / "hsds"
        if hsds_out.exists():
            shutil.rmtree(hsds_out)
        hsds_load = os.getloadavg()[0]
        hsds_stage = run_stage("hsds", [content, hsds_out, SITE_URL], folder / "hsds.log")
    search_lines = None
    if not args.no_search_size and site.get("site") and (site["site"] / "pagefind").is_dir():
        search_lines = run_search_size(site["site"])
    nearby_lines = None
    if not args.no_nearby and site.get("site"):
        nearby_load = os.getloadavg()[0]
        nearby_lines = [f"{x} (load {nearby_load:.1f} before)" if not x.startswith("distance search:") else x
                        for x in run_nearby(site["site"], content)]
    lighthouse = None
    if not args.no_lighthouse and site.get("site"):
        try:
            lighthouse = lh.measure(site["site"], args.lighthouse_runs, keep=folder / "lighthouse")
        except Exception as exc:  # reported in the table, the rest of the bench stands
            lighthouse = {"error": f"failed: {str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__}"}
    previews = {}
    if args.preview and site.get("site"):
        previews[""] = run_preview(folder)
        if args.one_language and (folder / "mkdocs-de.yml").exists():
            previews[" in one language (languages: [de])"] = run_preview(folder, "mkdocs-de.yml")
    compare = None
    if args.compare_n and args.compare_n != n:
        c_content, _ = content_for(args.compare_n, out, args.regenerate)
        compare = (args.compare_n, build_site(args.compare_n, c_content, with_pagefind_fallback=False))

    # -- the table ------------------------------------------------------------------------
    rows: list[tuple[str, str, str]] = []

    def row(name, value, rss=""):
        rows.append((name, value, rss))

    notes = site["notes"]
    if check_par.ok:
        d = check_par.data
        how = "2 processes" if d.get("parallel") else "1 process"
        row(f"validation (whole check(), {d['files']} files, {how})", secs(d["seconds"]), mb(check_par.rss))
        if check_one.ok and d.get("parallel"):
            row("  validation in 1 process (NAHBEI_WORKERS=1)", secs(check_one.data["seconds"]), mb(check_one.rss))
        row("model build (Directory, part of validation)", secs(d["model"]))
        if d["errors"] or d["warnings"]:
            row(f"  ! content: {d['errors']} errors, {d['warnings']} warnings", "; ".join(d["first_problems"][:2]))
    else:
        row("validation", check_par.note)
        row("model build", "n/a")
    build = site["build"]
    ours = None
    if build is not None and build.ok:
        t = build.data["times"]
        inside = t.get("hook:nahbei", 0.0)
        pf_in = site.get("pagefind_in_build") or 0.0
        feeds_in = site.get("feeds_in_build") or 0.0
        row("nahbei plugin hooks (plan, views, search records; excl. check/feeds/Pagefind)",
            secs(inside - t.get("check", 0.0) - feeds_in - pf_in), mb(build.rss))
        row("  check() inside the build", secs(t.get("check")))
        row("page rendering (MkDocs' page loop with nahbei's templates, and the rest)",
            secs(build.data["seconds"] - inside))
        second = build.data["calls"].get("pages from second process")
        if second:
            row("  pages rendered by the second process", f"{second:,}")
        ours = build.data["seconds"] - pf_in
    elif build is not None:
        row("nahbei plugin hooks", build.note, mb(build.rss))
        row("page rendering", notes["site"])
    else:
        row("nahbei plugin hooks", notes.get("site", "n/a (not available)"))
        row("page rendering", notes.get("site", "n/a (not available)"))
    if site.get("feeds_in_build") is not None:
        row("feeds (write_feeds, inside the build)", secs(site["feeds_in_build"]))
    elif site.get("feeds_in_child"):
        row("feeds + open data (inside the build: the second process, before its pages)", "included above")
    elif site["feeds"] is not None:
        f = site["feeds"]
        row("feeds (write_feeds, run after the build)" + (f": {f.data['feeds']} feeds" if f.ok else ""),
            secs(f.data["seconds"]) if f.ok else f.note, mb(f.rss))
    else:
        row("feeds", notes.get("feeds") or notes.get("site") or "n/a (not available)")
    if site.get("pagefind_in_build") is not None:
        cpu = site.get("pagefind_cpu")
        row("Pagefind (inside the build: the wait at its end" + (f"; its process {cpu:.1f} s CPU, "
            "mostly while pages were written" if cpu else "") + ")", secs(site["pagefind_in_build"]),
            mb(site.get("pagefind_rss")) if site.get("pagefind_rss") else "")
    elif site["pagefind"] is not None:
        p = site["pagefind"]
        row("Pagefind (run after the build)", secs(p.data["seconds"]) if p.ok else p.note, mb(p.rss))
    else:
        row("Pagefind", notes.get("pagefind") or notes.get("site") or "n/a (not available)")
    if hsds_stage is not None:
        h = hsds_stage
        row("open data, HSDS 3.0 export alone (JSON and Tabular Data Package in api/hsds; in a build, beside the pages)",
            f"{secs(h.data['seconds'])}, {h.data['bytes'] / 1e6:.1f} MB "
            f"in {h.data['files']:,} files (load {hsds_load:.1f} before)" if h.ok else h.note, mb(h.rss))
    procs = [s for s in (build, site["feeds"], site["pagefind"]) if s is not None and s.ok]
    if build is not None and build.ok:
        row("total wall time (mkdocs build process + stages after it)",
            f"{secs(sum(s.wall for s in procs))} (load {load_at_build:.1f} before)")
        for key, label in (("busy", "full build, one core busy (the bench's own CPU load beside it)"),
                           ("one", "full build, NAHBEI_WORKERS=1 (one process)"),
                           ("nohsds", "full build without the HSDS export (hsds: false)"),
                           ("de", "full build in the site's own language only (languages: [de])"),
                           ("de-busy", "full build in one language (languages: [de]), one core busy"),
                           ("de-one", "full build in one language (languages: [de]), NAHBEI_WORKERS=1")):
            v = variants.get(key)
            if v is not None:
                second = f", {v['second']:,} pages from the second process" if v.get("second") else ""
                size = (f", {v['size'][0] / 1e6:.1f} MB in {v['size'][1]:,} files"
                        if key.startswith("de") and v.get("size") else "")
                row(f"  {label}", f"{secs(v['wall'])} (load {v['load']:.1f} before{second}{size})" if "wall" in v
                    else v["note"], mb(v.get("rss")))
        without = variants.get("nohsds", {}).get("wall")
        if without is not None:
            # one pair of builds: the difference is within a few seconds of noise either way
            row("  the HSDS export adds to the build (full build − build without it, one pair)",
                f"{sum(s.wall for s in procs) - without:+.2f} s")
    else:
        row("total wall time (validation process only: no site build)", secs(check_par.wall))
    peak = max([s.rss for s in procs + [check_par] if s.ok] or [0])
    row("peak memory (max RSS of one stage process)", mb(peak))
    if build is not None and build.ok and build.data.get("self_rss"):
        pf = f" / {mb(site['pagefind_rss'])}" if site.get("pagefind_rss") else ""
        row("  of which: the mkdocs build process" + (" / its largest Pagefind process (one per language)" if pf else ""),
            f"{mb(build.data['self_rss'])}{pf}")
    html = None
    if site.get("site"):
        size, files = site_size(site["site"])
        row("output size", f"{size / 1e6:.1f} MB in {files} files")
        html = entry_page_bytes(site["site"], offer_segment())
        row("HTML bytes per entry page (median offer page)", f"{html:,}" if html else "n/a")
    else:
        row("output size", "n/a")
        row("HTML bytes per entry page", "n/a")
    if lighthouse is not None:
        row(f"Lighthouse mobile (gzip served, median of {args.lighthouse_runs})", lh.row(lighthouse))
    else:
        row("Lighthouse mobile (gzip served)", "skipped" if args.no_lighthouse else "n/a (no site build)")
    if base is not None and base.ok:
        bsize, bfiles = site_size(folder / "baseline" / "site")
        bhtml = entry_page_bytes(folder / "baseline" / "site", baseline.FOLDERS["offers"])
        row("baseline: bare mkdocs-material build, plain Markdown",
            f"{secs(base.data['seconds'])}, {bsize / 1e6:.1f} MB in {bfiles} files, {bhtml:,} bytes per offer page",
            mb(base.rss))
    else:
        row("baseline", "skipped" if base is None else base.note)

    width = max(len(r[0]) for r in rows)
    vwidth = max(len(r[1]) for r in rows if len(r[1]) < 60)
    print(f"nahbei bench  N={n}: {counts['offers']} offers, {counts['events']} events, {counts['contacts']} contacts, "
          f"{counts['places']} places ({sum(counts.values()) + 1} files, {yaml_bytes / 1e6:.1f} MB YAML"
          + (f", generated in {gen_seconds:.1f} s)" if gen_seconds is not None else ", cached)"))
    print(f"{'stage':<{width}}  {'time / value':<{vwidth}}  peak RSS")
    for name, value, rss in rows:
        print(f"{name:<{width}}  {value:<{vwidth}}  {rss}".rstrip())
    if ours is not None and base is not None and base.ok:
        print(f"ratio ours/baseline: {ours / base.data['seconds']:.2f}  "
              f"(our mkdocs build without Pagefind {ours:.2f} s ÷ baseline build {base.data['seconds']:.2f} s)")
    else:
        print("ratio ours/baseline: n/a (" + ("no baseline" if base is None or not base.ok else "no site build") + ")")
    if compare is not None:
        cn, cres = compare
        chtml = entry_page_bytes(cres["site"], offer_segment()) if cres.get("site") else None
        if chtml and html:
            print(f"HTML bytes per entry page (median offer page): N={cn}: {chtml:,}, N={n}: {html:,} "
                  f"({(html - chtml) / chtml:+.1%})")
        else:
            print(f"HTML bytes per entry page at N={cn}: n/a ({cres['notes'].get('site', 'no site')})")
    if feeds_line is not None:
        print(f"feeds alone (python -m nahbei.feeds.bench --n {args.feeds_n}): {feeds_line}")
    if search_lines is not None:
        for line in search_lines or ["no result"]:
            print(f"search download (bench/search_size.py, budget 300 KB): {line}")
    if nearby_lines is not None:
        for line in nearby_lines or ["no result"]:
            print(line if line.startswith("distance search") else f"distance search (bench/nearby.py): {line}")
    if lighthouse is not None and "error" not in lighthouse:
        for line in lh.details(lighthouse):
            print(f"lighthouse (bench/lighthouse): {line}")
    for which, preview in previews.items():
        if "error" in preview:
            print(f"preview{which}: failed ({preview['error']})")
        else:
            print(f"preview{which} (mkdocs serve --dirty): first build {preview['first_build']:.1f} s; one offer "
                  f"renamed, its page served after {preview['change_served']:.2f} s "
                  f"({preview['log'].split('nahbei: ')[-1]})")
    for label, stage in (("validation", check_par), ("site build", build), ("feeds", site["feeds"]),
                         ("Pagefind", site["pagefind"]), ("baseline", base)):
        if stage is not None and not stage.ok:
            print(f"{label} failed: {stage.error}")
    load_after = os.getloadavg()
    print(f"machine: {os.cpu_count()} CPUs, load average {load_before[0]:.1f} before, {load_after[0]:.1f} after; "
          f"bench ran {time.perf_counter() - started:.0f} s; logs and sites in {shown(folder)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
