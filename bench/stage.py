"""One benchmark stage, run in its own process by ``python -m bench``.

``python -m bench.stage STAGE RESULT.json [ARGS...]`` writes what it measured
as JSON. The parent reads the peak memory of this process from ``wait4``.

Stages:
  check CONTENT              check() as `nahbei check` runs it
  build MKDOCS_YML [SITE]    `mkdocs build` (into SITE if given) with timers around the nahbei plugin
                             hooks, check(), write_feeds() and the wait for
                             Pagefind at the end
  feeds CONTENT SITE_DIR     write_feeds() alone (when the build does not call it)
  pagefind SITE_DIR          the Pagefind binary alone (when the build does not run it)
  baseline MKDOCS_YML        a bare mkdocs-material build
"""
from __future__ import annotations

import functools
import importlib
import json
import resource
import sys
import time
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

TIMES: dict[str, float] = defaultdict(float)
CALLS: dict[str, int] = defaultdict(int)


def timed(name: str, fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            TIMES[name] += time.perf_counter() - t0
            CALLS[name] += 1
    return wrapper


def patch(module_name: str, attr: str, name: str) -> bool:
    """Time every call of module.attr (patched before the plugins import it)."""
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return False
    fn = getattr(module, attr, None)
    if fn is None:
        return False
    setattr(module, attr, timed(name, fn))
    return True


def bench_today():
    from nahbei.model.clock import today
    return today()


# -- stages --------------------------------------------------------------------------

def stage_check(content: str) -> dict:
    patch("nahbei.model.check", "build_directory", "model")
    from nahbei.model import loader
    from nahbei.model.check import check
    from nahbei.parallel import may_fork

    t0 = time.perf_counter()
    result = check(Path(content), today=bench_today(), root=Path(content).parent)
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "model": TIMES["model"], "files": result.files,
            "errors": len(result.errors), "warnings": len(result.warnings),
            "first_problems": [p.format() for p in result.problems[:5]],
            "parallel": may_fork(result.files, loader.PARALLEL_MIN_FILES)}


def _instrument_build() -> dict:
    found = {
        "check": patch("nahbei.model.check", "check", "check"),
        "model": patch("nahbei.model.check", "build_directory", "model"),
        "feeds": patch("nahbei.feeds", "write_feeds", "feeds"),
    }
    try:  # pages the second process rendered (nahbei.mkdocs.prefetch), and whether it wrote the feeds
        from nahbei import parallel

        finish = parallel.ForkedStream.finish

        def counted_finish(self):
            done = finish(self)
            CALLS["pages from second process"] += self.delivered  # what the build used
            CALLS["second process wrote feeds"] += bool(done)
            return done

        parallel.ForkedStream.finish = counted_finish
    except (ImportError, AttributeError):
        pass
    try:  # Pagefind indexes while pages are written; the build waits for it only at the end
        from nahbei.mkdocs.search import indexer

        index_wait = indexer.LiveIndex.wait

        def timed_wait(self):
            result = timed("pagefind", index_wait)(self)
            TIMES["pagefind process CPU"] += result.cpu_seconds or 0.0
            TIMES["pagefind process peak RSS"] = max(TIMES["pagefind process peak RSS"], result.peak_rss or 0)
            return result

        indexer.LiveIndex.wait = timed_wait
        found["pagefind"] = True
    except (ImportError, AttributeError):
        found["pagefind"] = False
    return found


def _mkdocs_build(config_file: str, hooks: dict | None = None, site_dir: str | None = None) -> float:
    """`mkdocs build` as the command line runs it; returns seconds of build()."""
    import logging

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    cfg = load_config(config_file=config_file, **({"site_dir": site_dir} if site_dir else {}))
    if hooks is not None:
        for event, methods in cfg.plugins.events.items():
            for i, method in enumerate(methods):
                owner = getattr(method, "__self__", None)
                module = type(owner).__module__ if owner is not None else getattr(method, "__module__", "")
                group = "nahbei" if module.startswith("nahbei") else "other"
                wrapped = timed(f"hook:{group}", method)
                if hasattr(method, "mkdocs_priority"):
                    wrapped.mkdocs_priority = method.mkdocs_priority
                methods[i] = wrapped
                hooks.setdefault(group, set()).add(event)
    cfg.plugins.on_startup(command="build", dirty=False)
    try:
        t0 = time.perf_counter()
        build(cfg, dirty=False)
        return time.perf_counter() - t0
    finally:
        cfg.plugins.on_shutdown()


def stage_build(config_file: str, site_dir: str | None = None) -> dict:
    found = _instrument_build()
    hooks: dict = {}
    seconds = _mkdocs_build(config_file, hooks, site_dir)
    return {"seconds": seconds, "found": found, "times": dict(TIMES), "calls": dict(CALLS),
            "hooks": {k: sorted(v) for k, v in hooks.items()},
            # this process alone (the mkdocs build); the stage's RSS also counts Pagefind's process
            "self_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}


def stage_feeds(content: str, site_dir: str, site_url: str) -> dict:
    from nahbei.feeds import write_feeds
    from nahbei.model.check import check
    from nahbei.urls import Urls

    result = check(Path(content), today=bench_today(), root=Path(content).parent)
    if result.directory is None:
        raise SystemExit("content has errors: " + "; ".join(p.format() for p in result.errors[:3]))
    t0 = time.perf_counter()
    paths = write_feeds(result.directory, Path(site_dir), site_url, Urls(), versions={}, lang="de",
                        site_name="nahbei bench")
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "feeds": len(paths), "bytes": sum(p.stat().st_size for p in paths)}


def stage_hsds(content: str, out_dir: str, site_url: str) -> dict:
    """The HSDS 3.0 export alone, as a build publishes it (the JSON files and
    the Tabular Data Package, with the content's git history as the build
    reads it): what it adds to a build at most (in a full build it runs in the
    second process, beside page rendering)."""
    from nahbei.exchange.publish import publish
    from nahbei.feeds import content_history
    from nahbei.model.check import check

    root = Path(content).parent
    result = check(Path(content), today=bench_today(), root=root)
    if result.directory is None:
        raise SystemExit("content has errors: " + "; ".join(p.format() for p in result.errors[:3]))
    t0 = time.perf_counter()
    paths = publish(result.directory, Path(out_dir), site_url=site_url,
                    history=content_history(result.directory, root), licence="CC BY 4.0", state="Thüringen")
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "files": len(paths), "bytes": sum(p.stat().st_size for p in paths)}


def stage_pagefind(site_dir: str) -> dict:
    import subprocess

    from pagefind_bin import get_executable

    t0 = time.perf_counter()
    proc = subprocess.run([str(get_executable()), "--site", site_dir], capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if proc.returncode:
        raise SystemExit(proc.stdout + proc.stderr)
    return {"seconds": seconds}


def stage_baseline(config_file: str) -> dict:
    return {"seconds": _mkdocs_build(config_file)}


STAGES = {"check": stage_check, "build": stage_build, "feeds": stage_feeds, "hsds": stage_hsds,
          "pagefind": stage_pagefind, "baseline": stage_baseline}


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    name, out, *args = argv
    started = datetime.now(timezone.utc).isoformat()
    result = STAGES[name](*args)
    result["started"] = started
    Path(out).write_text(json.dumps(result, indent=1, default=str), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
