"""The open data a build publishes under ``api/hsds/``: the HSDS JSON files
and the Tabular Data Package, from one export (no MkDocs import). The build
and the benchmark both call ``publish``, so the bench times what a build does."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from . import hsds, tabular

__all__ = ["publish"]


def publish(directory, folder: str | Path, *, urls=None, site_url: str | None = None, lang: str = "de",
            history=None, state: str | None = None, licence: str | None = None, licence_url: str | None = None,
            title: str | None = None, created: datetime | None = None) -> list[Path]:
    """Write ``directory``'s HSDS export into ``folder``; the paths written."""
    export = hsds.build(directory, urls, site_url, lang=lang, history=history, state=state,
                        licence=licence, licence_url=licence_url)
    folder = Path(folder)
    written = hsds.write(export, folder)
    written.append(tabular.write_zip(export, folder / tabular.ZIP_NAME, title=title, homepage=site_url,
                                     created=created, licence=licence, licence_url=licence_url))
    return written
