"""Pagefind's index one language after another (no MkDocs import).

Pagefind holds every page it was given in memory until it has written the
bundle: with four languages at N=10,000 its one process grew to 2.5 GB, the
build's peak. The directory plugin plans its pages edition by edition (the
site's own language first), so a language's entry pages come together.
:class:`LanguageIndexes` gives each language a Pagefind process of its own
(indexer.LiveIndex); when a page of a later language comes, it orders the
earlier languages' bundles written, and each process stops once its part is
written – while MkDocs renders on. At the end :func:`merge_bundles` joins the
parts into the bundle Pagefind writes for several languages at once.
"""
from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .indexer import IndexError_, IndexResult, LiveIndex

#: Pagefind's list of the bundle's indexes, one per language (``pagefind.js`` reads it first).
ENTRY = "pagefind-entry.json"


def merge_bundles(parts: list[Path], output: Path) -> int:
    """Join Pagefind bundles of one language each (written by the same Pagefind
    release with the same options) into ``output``; the parts are moved, not
    copied. A language's files carry its code in their names
    (``de_1d28751957.pf_meta``, ``fragment/de_…``, ``wasm.de.pagefind``); the
    rest (``pagefind.js``, the UI files, ``wasm.unknown.pagefind``) is the same
    in each part; ``pagefind-entry.json`` lists each part's language. Returns
    the number of languages."""
    if output.exists():
        shutil.rmtree(output)
    output.mkdir(parents=True)
    entry: dict | None = None
    for part in parts:
        this = json.loads((part / ENTRY).read_text("utf-8"))
        if entry is None:
            entry = this
        else:
            if this.get("version") != entry.get("version"):
                raise IndexError_(f"Pagefind bundles of different releases: {this.get('version')}, {entry.get('version')}")
            clash = entry["languages"].keys() & this["languages"].keys()
            if clash:
                raise IndexError_(f"two Pagefind bundles for the language {', '.join(sorted(clash))}")
            entry["languages"].update(this["languages"])
        for file in sorted(part.rglob("*")):
            if file.is_file() and file.name != ENTRY:
                target = output / file.relative_to(part)
                if not target.exists():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(file, target)
        shutil.rmtree(part)
    if entry is None:
        raise IndexError_("no Pagefind bundle to join")
    # as Pagefind writes it: compact, keys in its order
    (output / ENTRY).write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), "utf-8")
    return len(entry["languages"])


@dataclass
class LanguageIndexes:
    """One Pagefind index per language, in ``order`` (the site's languages, its
    own first; a language not in it comes last). ``make()`` starts an index;
    ``opened(lang, index)`` is called with each new one (the caller adds what
    goes into it besides pages: records of German pages). Parts are written
    below ``parts``, joined by :meth:`wait`."""

    order: tuple[str, ...]
    parts: Path
    make: Callable[[], LiveIndex]
    opened: Callable[[str, LiveIndex], None] | None = None
    open: dict[str, LiveIndex] = field(default_factory=dict)
    writing: list[tuple[str, LiveIndex]] = field(default_factory=list)
    done: dict[str, IndexResult] = field(default_factory=dict)
    retired: list[str] = field(default_factory=list)  # languages whose bundle is ordered, in that order
    service_pids: dict[str, int] = field(default_factory=dict)

    def _rank(self, lang: str) -> int:
        return self.order.index(lang) if lang in self.order else len(self.order)

    def index(self, lang: str) -> LiveIndex:
        """The index of ``lang``; the indexes of earlier languages are ordered
        written (their pages are all in)."""
        if lang in self.retired:
            raise IndexError_(f"a page in '{lang}' came after that language's index was written: "
                              "the pages of one language must come one after another")
        rank = self._rank(lang)
        for other in [x for x in self.open if self._rank(x) < rank]:
            self._retire(other)
        live = self.open.get(lang)
        if live is None:
            live = self.open[lang] = self.make()
            if self.opened is not None:
                self.opened(lang, live)
        return live

    def __contains__(self, lang: str) -> bool:
        """Whether ``lang`` has an index (open, or written)."""
        return lang in self.open or lang in self.retired

    @property
    def sent(self) -> int:
        """Pages and records sent to Pagefind so far, all languages."""
        return (sum(x.sent for x in self.open.values()) + sum(x.sent for _, x in self.writing)
                + sum(r.pages for r in self.done.values()))

    def _retire(self, lang: str) -> None:
        live = self.open.pop(lang)
        self.retired.append(lang)
        live.write(self.parts / lang)
        # (after write: Pagefind has read every page, so its process has started, even
        # where the client's loop runs in a thread of its own and starts it later)
        self.service_pids[lang] = live.service_pid
        self.writing.append((lang, live))

    def pump(self) -> None:
        """Between pages: requests still waiting go out; a part written ends its process."""
        for live in self.open.values():
            live.pump()
        self.poll()

    def poll(self) -> None:
        """A part written ends its process (and frees its memory)."""
        if self.writing:
            still = []
            for lang, live in self.writing:
                if live.poll():
                    self.done[lang] = live.wait()
                else:
                    still.append((lang, live))
            self.writing = still

    def write(self) -> int:
        """Order the bundles of the languages still open written; returns the
        pages Pagefind had not answered yet."""
        behind = sum(x.sent - x.answered for x in self.open.values())
        for lang in sorted(self.open, key=self._rank):
            self._retire(lang)
        return behind

    def wait(self, output: Path) -> IndexResult:
        """Wait for every part, join them into ``output``, stop."""
        started = time.monotonic()
        for lang, live in self.writing:
            self.done[lang] = live.wait()
        self.writing = []
        if self.open:
            raise IndexError_(f"Pagefind's index of {', '.join(self.open)} was never written")
        languages = merge_bundles([self.parts / lang for lang in self.retired], output)
        shutil.rmtree(self.parts, ignore_errors=True)
        results = list(self.done.values())
        cpu = [r.cpu_seconds for r in results if r.cpu_seconds is not None]
        rss = [r.peak_rss for r in results if r.peak_rss is not None]
        return IndexResult(pages=sum(r.pages for r in results), words=sum(r.words for r in results),
                           languages=languages, seconds=time.monotonic() - started,
                           cpu_seconds=sum(cpu) if cpu else None, peak_rss=max(rss) if rss else None,
                           output="\n".join(r.output for r in results if r.output))

    def close(self) -> None:
        """Stop every Pagefind process without writing (after an error)."""
        for live in [*self.open.values(), *(x for _, x in self.writing)]:
            live.close()
        self.open, self.writing = {}, []
        shutil.rmtree(self.parts, ignore_errors=True)
