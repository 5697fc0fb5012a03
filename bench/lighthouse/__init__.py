"""Lighthouse mobile performance of a built site served gzip-compressed, as
GitHub Pages serves it: the home page, one offer page, the search page and
the map page (/karte/; on a phone its map loads by a button, assets/nahbei/map.js).

``python -m bench.lighthouse SITE [--runs 3]`` prints one line per page;
``python -m bench`` shows the same as a row of its table. Needs Node and
``npm ci --prefix bench/lighthouse`` (``make bench`` runs it), and Chromium
(``CHROME_PATH``, default Debian's /usr/bin/chromium).

Lighthouse's default mobile preset: simulated throttling (slow 4G, 4× CPU
slowdown), so its score depends on the CPU it measured (``benchmarkIndex``,
printed with the load average): on a busy shared machine a score is lower
than the same page scores on an idle one. The budget is 97 for each page
(the median of the runs), 90 for the map page (issue 14).
"""
from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from .. import url_segments
from .serve import GzipSiteServer

HERE = Path(__file__).resolve().parent
RUNNER = HERE / "run.mjs"
BUDGET = 97
PAGES = ("home", "offer", "search", "map")
#: pages with a budget of their own (else BUDGET)
BUDGETS = {"map": 90}
#: the seconds one Lighthouse run may take at most (it usually takes 10–20 s)
RUN_TIMEOUT = 180


def chrome_path() -> str:
    return os.environ.get("CHROME_PATH") or os.environ.get("NAHBEI_CHROMIUM") or "/usr/bin/chromium"


def missing() -> str | None:
    """Why Lighthouse cannot run here (None: it can)."""
    if not shutil.which("node"):
        return "no Node"
    if not (HERE / "node_modules" / "lighthouse" / "package.json").is_file():
        return "bench/lighthouse not installed: npm ci --prefix bench/lighthouse (make bench does it)"
    if not Path(chrome_path()).exists():
        return f"no Chromium at {chrome_path()}"
    return None


def budget(name: str) -> int:
    return BUDGETS.get(name, BUDGET)


def page_paths(site: Path, config: Path | None = None) -> dict[str, str]:
    """{"home": "/", "offer": "/<offers>/<first offer>/", "search": "/<search>/", "map": "/<map>/"}
    for pages the site has."""
    seg = url_segments(config)
    paths = {"home": "/"}
    offers = sorted(p.parent.name for p in (site / seg["offer"]).glob("*/index.html"))
    if offers:
        paths["offer"] = f"/{seg['offer']}/{offers[0]}/"
    if (site / seg["search"] / "index.html").is_file():
        paths["search"] = f"/{seg['search']}/"
    if (site / seg["map"] / "index.html").is_file():
        paths["map"] = f"/{seg['map']}/"
    return paths


def median_of(runs: list[dict]) -> dict:
    """The median of each number over the runs, and the scores' lowest and highest."""
    ok = [r for r in runs if r.get("score") is not None]
    if not ok:
        return {"score": None, "error": next((r["error"] for r in runs if r.get("error")), "no score")}
    med = {k: statistics.median(r[k] for r in ok if r.get(k) is not None)
           for k in ("score", "fcp", "lcp", "tbt", "cls", "si", "bytes", "requests", "benchmarkIndex")
           if any(r.get(k) is not None for r in ok)}
    med["score"] = int(round(med["score"]))
    med["low"], med["high"] = min(r["score"] for r in ok), max(r["score"] for r in ok)
    med["runs"] = len(ok)
    lost: dict[str, list[float]] = {}
    for r in ok:
        for k, v in r.get("lost", {}).items():
            lost.setdefault(k, []).append(v)
    med["lost"] = {k: statistics.median(v + [0.0] * (len(ok) - len(v))) for k, v in lost.items()}
    failing: dict[str, str] = {}
    for r in ok:
        for f in r.get("failing", []):
            failing.setdefault(f["id"], f["value"])
    med["failing"] = failing
    med["foreign"] = sorted({u for r in ok for u in r.get("foreign", [])})
    return med


def measure(site: Path, runs: int = 3, config: Path | None = None, keep: Path | None = None) -> dict:
    """Serve ``site`` gzip-compressed and run Lighthouse ``runs`` times on each page.

    Returns {"pages": {name: {"path", "runs": [...], "median": {...}}}, "lighthouse", "chrome",
    "load": (before, after)} or {"error": ...}. ``keep``: a folder for the JSON (summary and
    each page's last full report); a temporary one otherwise.
    """
    why = missing()
    if why:
        return {"error": why}
    site = Path(site).resolve()
    paths = page_paths(site, config)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="nahbei-lighthouse-") as tmp:
        folder = Path(keep) if keep else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        out = folder / "lighthouse.json"
        out.unlink(missing_ok=True)
        t0 = time.perf_counter()
        with GzipSiteServer(site) as server:
            base = server.base_url
            urls = [base + paths[name] for name in PAGES if name in paths]
            proc = subprocess.run(["node", str(RUNNER), str(out), str(runs), *urls], cwd=HERE,
                                  env={**os.environ, "CHROME_PATH": chrome_path()}, capture_output=True, text=True,
                                  timeout=RUN_TIMEOUT * runs * len(urls) + 60)
        seconds = time.perf_counter() - t0
        if proc.returncode or not out.exists():
            tail = (proc.stderr.strip() or proc.stdout.strip()).splitlines()
            return {"error": f"failed (exit {proc.returncode}): {tail[-1][:200] if tail else ''}",
                    "load": (load_before, os.getloadavg()[0])}
        raw = json.loads(out.read_text("utf-8"))
    pages = {}
    for name in PAGES:
        if name not in paths:
            continue
        url = base + paths[name]
        page_runs = [r for r in raw["runs"] if r["url"] == url]
        pages[name] = {"path": paths[name], "runs": page_runs, "median": median_of(page_runs)}
    return {"pages": pages, "lighthouse": raw["lighthouse"], "chrome": raw["chrome"], "runs": runs,
            "seconds": seconds, "load": (load_before, os.getloadavg()[0])}


# -- lines for people ------------------------------------------------------------------

def kb(n: float) -> str:
    return f"{n / 1024:.0f} KB"


def row(result: dict) -> str:
    """The bench row: each page's median score, the budget, and what the home page transfers."""
    if "error" in result:
        return f"n/a ({result['error']})"
    meds = {name: p["median"] for name, p in result["pages"].items()}
    scores = ", ".join(f"{name} {m['score'] if m['score'] is not None else 'n/a'}" for name, m in meds.items())
    below = [name for name, m in meds.items() if m["score"] is None or m["score"] < budget(name)]
    missing_pages = [name for name in PAGES if name not in meds]
    own = "".join(f", {name} ≥ {b}" for name, b in BUDGETS.items() if name in meds)
    budget_text = f"budget ≥ {BUDGET}{own}" + (f": {', '.join(below)} below" if below else "") \
        + (f"; no {', '.join(missing_pages)} page" if missing_pages else "")
    home = meds.get("home", {})
    size = f"; home {kb(home['bytes'])} in {home['requests']:.0f} requests" if home.get("bytes") else ""
    return f"{scores} ({budget_text}){size}"


def details(result: dict) -> list[str]:
    """One line per page (median, the scores' range, metrics, bytes, what lost points) and one on the machine."""
    if "error" in result:
        return [f"n/a ({result['error']})"]
    lines = []
    for name, page in result["pages"].items():
        m = page["median"]
        if m["score"] is None:
            lines.append(f"{name} {page['path']}: no score ({m.get('error')})")
            continue
        spread = f"{m['low']}–{m['high']}" if m["low"] != m["high"] else f"all {m['low']}"
        lost = ", ".join(f"{k} −{v:g}" for k, v in sorted(m["lost"].items(), key=lambda kv: -kv[1]) if v)
        line = f"{name} {page['path']}: {m['score']} (median of {m['runs']}, {spread}"
        line += (f"), FCP {m['fcp'] / 1000:.1f} s, LCP {m['lcp'] / 1000:.1f} s, TBT {m['tbt']:.0f} ms, "
                 f"CLS {m['cls']:.3f}; {kb(m['bytes'])} in {m['requests']:.0f} requests (gzip)")
        if lost:
            line += f"; points lost: {lost}"
        if m["foreign"]:
            line += f"; ! requests to other hosts: {', '.join(m['foreign'][:3])}"
        lines.append(line)
    bench_index = [p["median"].get("benchmarkIndex") for p in result["pages"].values()
                   if p["median"].get("benchmarkIndex")]
    before, after = result["load"]
    chrome = next((w for w in (result.get("chrome") or "").split() if w.startswith("HeadlessChrome/")), "Chromium")
    cpu = f"CPU benchmarkIndex {statistics.median(bench_index):.0f}" if bench_index else "CPU benchmarkIndex n/a"
    lines.append(f"Lighthouse {result['lighthouse']}, mobile preset (simulated throttling), {chrome}; {cpu}; "
                 f"load average {before:.1f} before, {after:.1f} after; {result['seconds']:.0f} s")
    return lines


def audits_seen(result: dict) -> list[str]:
    """Diagnostics that did not pass on some page (they carry no weight in the score)."""
    seen: dict[str, str] = {}
    for page in result.get("pages", {}).values():
        for k, v in page["median"].get("failing", {}).items():
            seen.setdefault(k, v)
    return [f"{k}" + (f" ({v})" if v else "") for k, v in seen.items()]
