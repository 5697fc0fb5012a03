"""How large a built site is (no MkDocs import): GitHub Pages publishes sites
of at most 1 GB, and a larger artifact fails only at the deploy, after the
build looked fine."""
from __future__ import annotations

import os

__all__ = ["GITHUB_PAGES_MB", "site_size"]

GITHUB_PAGES_MB = 1000  # "Published GitHub Pages sites may be no larger than 1 GB"


def site_size(folder: str | os.PathLike) -> tuple[int, int]:
    """(bytes, files) of every file under ``folder`` (links not followed)."""
    total = files = 0
    stack = [os.fspath(folder)]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                elif entry.is_file(follow_symlinks=False):
                    total += entry.stat(follow_symlinks=False).st_size
                    files += 1
    return total, files
