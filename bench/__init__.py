"""Benchmark for nahbei: a content generator and `python -m bench --n N`."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def url_segments(config: Path | None = None) -> dict[str, str]:
    """The URL segments (offers, search page …) of the site built from ``config``
    (default: the repository's mkdocs.yml): the nahbei/directory plugin's ``urls``
    over nahbei's defaults."""
    from nahbei.urls import DEFAULT_SEGMENTS

    found = dict(DEFAULT_SEGMENTS)
    try:
        from mkdocs.utils import yaml_load

        with open(config or ROOT / "mkdocs.yml", encoding="utf-8") as f:
            raw = yaml_load(f) or {}
        for p in raw.get("plugins") or []:
            if isinstance(p, dict) and "nahbei/directory" in p:
                urls = (p["nahbei/directory"] or {}).get("urls") or {}
                found.update({k: v for k, v in urls.items() if v})
    except Exception:
        pass
    return found
