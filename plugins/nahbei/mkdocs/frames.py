"""Entry pages without rendering the theme's frame for every one of them
(Jinja only, no MkDocs import).

Thousands of entry pages share one frame: mkdocs-material's head, navigation,
footer and scripts are the same on every offer page that is not in the nav.
Rendering that frame costs about as much as the page itself, 14,000 times on a
large directory. A :class:`FrameRenderer` renders it once per *frame key* and
afterwards only what differs from page to page.

Which blocks belong to the frame is declared in the templates, not inferred:
``nahbei/base.html`` overrides each block of mkdocs-material's frame (styles,
navigation, footer, scripts …; not the page's title, meta tags, header and
content) as a *cached block*::

    {% block footer %}{{ nahbei_frame.block("footer", super) if nahbei_frame else super() }}{% endblock %}

``nahbei_frame`` is a per-render object that the renderer puts into the
template variables (no other page has it: there the block is just
``super()``). Every page runs its real template with ``Template.render``; a
cached block either runs (its output is recorded) or gives the recorded
output of an earlier page of the same key. Everything else – the page's own
blocks, blocks an override adds, the template's top-level code – runs for
every page, so site overrides keep working (a block that is not declared
cached is correct, only not faster).

1. The first page of a key is rendered in full and its cached blocks'
   output recorded.
2. The second page is rendered in full (recording) and again from the first
   page's blocks. Only if its blocks give the same output as the first
   page's, and the page from the recorded blocks equals its full render, is
   the key's frame used for later pages. Otherwise (an override prints
   something of the page – its title, URL – in a cached block; or a cached
   block has an effect on the rest of the page) the key renders in full:
   same output, slower. :attr:`FrameRenderer.reasons` says why.
3. Spot check: every 64th page of a key (the 64th, 128th …) is checked the
   same way. A difference there shows that an override prints a fact that
   the first two pages shared but later ones do not, so earlier pages may be
   wrong: :class:`FrameMismatch` stops the build (switch ``reuse_frames`` off
   for such templates). A fact that differs only on pages between the
   samples (or in a key of fewer than 64 pages) is not caught.

The caller chooses the key: everything the frame depends on besides the page
(template, relative base URL, hidden parts, neighbours in the nav).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import jinja2

#: The template variable that holds the per-render object of a cached block.
VARIABLE = "nahbei_frame"
#: Every this many pages of a key, one is also rendered in full and compared (the spot check).
CHECK_EVERY = 64


class FrameMismatch(Exception):
    """A spot check found a page whose frame differs from the one its key reused."""

    def __init__(self, template: str, blocks: list[str], page: str | None = None):
        super().__init__(f"{template}: the reused frame differs from the full render in {', '.join(blocks)}")
        self.template, self.blocks = template, blocks
        self.page = page  # the page's URL, where the renderer's caller knows it

    def __reduce__(self):  # pickled from the second process (nahbei.parallel) with all its fields
        return type(self), (self.template, self.blocks, self.page)


class _Record:
    """``nahbei_frame`` of a full render: every cached block runs, its output is kept."""

    __slots__ = ("output",)

    def __init__(self):
        self.output: dict[str, str | None] = {}  # block name: its output

    def block(self, name: str, parent) -> str:
        out = parent()
        # a block called twice with different output (``self.announce()`` and the
        # block itself) is not reused: None renders it on every page
        if self.output.setdefault(name, out) != out:
            self.output[name] = None
        return out


class _Replay:
    """``nahbei_frame`` of a page from the frame: a cached block gives the recorded output."""

    __slots__ = ("output",)

    def __init__(self, output: dict[str, str | None]):
        self.output = output

    def block(self, name: str, parent) -> str:
        out = self.output.get(name)
        # a block the first pages did not run (or that varied) renders here
        return parent() if out is None else out


_NEW = object()  # a key not seen yet


@dataclass
class _Key:
    blocks: dict[str, str | None] | None = None  # the first page's cached blocks; the frame once confirmed
    pages: int = 0  # pages of this key so far


@dataclass
class FrameRenderer:
    env: jinja2.Environment
    check_every: int = CHECK_EVERY
    keys: dict[tuple, _Key | None] = field(default_factory=dict)  # None: this key renders in full
    reasons: dict[tuple, str] = field(default_factory=dict)  # why a key renders in full: "differs" | "effects"
    fast: int = 0  # pages rendered from a frame
    full: int = 0  # pages rendered in full (checks included)

    def render(self, template_name: str, variables: dict, key: tuple, ordinal: int | None = None) -> str:
        """The page from ``template_name``; ``key``: what its frame depends on.
        ``ordinal``: the page's place among the pages of its kind in the
        build's order, where the caller knows it: the spot check then falls
        on the same pages however they are shared between processes (else:
        every ``check_every``-th page this renderer sees of the key)."""
        template = self.env.get_template(template_name)
        fkey = (template_name, *key)
        state = self.keys.get(fkey, _NEW)
        if state is None:
            self.full += 1
            return template.render(variables)
        if state is _NEW:
            state = self.keys[fkey] = _Key()
        n, state.pages = state.pages, state.pages + 1
        if n == 0:
            full, state.blocks = self._record(template, variables)
            return full
        if n == 1:
            full, problem = self._check(template, variables, state.blocks)
            if problem is not None:
                self.keys[fkey] = None
                self.reasons[fkey] = problem[0]
            return full
        if ((n if ordinal is None else ordinal) + 1) % self.check_every == 0:
            full, problem = self._check(template, variables, state.blocks)
            if problem is not None:
                raise FrameMismatch(template_name, problem[1])
            return full
        self.fast += 1
        return template.render({**variables, VARIABLE: _Replay(state.blocks)})

    def _record(self, template, variables) -> tuple[str, dict[str, str | None]]:
        self.full += 1
        record = _Record()
        return template.render({**variables, VARIABLE: record}), record.output

    def _check(self, template, variables, blocks) -> tuple[str, tuple[str, list[str]] | None]:
        """The page in full, and what is wrong with rendering it from ``blocks``:
        None, or (reason, names of the blocks that differ)."""
        # The page from the frame first, as a later page is rendered: alone. Rendered
        # after the full page, it would see what the cached blocks changed in the
        # page's objects (a list, the view) and hide that it needs them to run.
        framed = template.render({**variables, VARIABLE: _Replay(blocks)})
        full, own = self._record(template, variables)
        differ = sorted(name for name in own.keys() | blocks.keys() if own.get(name) != blocks.get(name))
        if differ:
            return full, ("differs", differ)
        # the same blocks, yet the page without running them comes out otherwise
        if framed != full:
            return full, ("effects", sorted(blocks))
        return full, None

