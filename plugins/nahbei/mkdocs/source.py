"""What the directory plugin tells other plugins (nahbei/search) about this build.

One small, read-only object instead of attributes read off the plugin: the
directory, its language and URL segments, which page shows which entry, and
where changes are reported.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class DirectorySource:
    #: nahbei.model.directory.Directory of this build
    directory: object
    lang: str
    #: URL segment of each kind of page ("search": "suche", …): nahbei.urls
    segments: Mapping[str, str]
    #: (kind, id) of the entry a page shows, by the page's source path; None for other pages
    entry_of: Callable[[str], tuple[str, str] | None]
    repo_url: str | None = None
    issue_template: str | None = None
