"""Entry pages without rendering the theme's frame for every one of them
(Jinja only, no MkDocs import).

Thousands of entry pages share one frame: mkdocs-material's head, navigation,
footer and scripts are the same on every offer page that is not in the nav.
Rendering that frame costs about as much as the page itself, 14,000 times on a
large directory. A :class:`FrameRenderer` renders it once per *frame key* and
afterwards only the blocks that differ from page to page (:data:`PAGE_BLOCKS`:
title, meta tags, header with the page title, JSON-LD, the content).

It works with the templates a site may override, because it uses the real
templates and only decides which of their blocks run:

1. The first page of a key is rendered in full, as Jinja would. A second
   render replaces the page blocks with slot marks and records every other
   block that runs: those are the frame's blocks (the "chrome").
2. Every later page runs the same template with the chrome blocks switched
   off and keeps the output of its page blocks; they go into the slots.
3. Before a frame is used, it must give each of the first two pages of its
   key exactly as the full render does, and both pages must give the same
   frame. If not (an override prints something of the page – its title, URL –
   outside the page blocks), that key falls back to full rendering: the
   output is the same, only slower. An override whose frame shows a fact that
   the first two pages share but later ones do not is not caught: switch
   ``reuse_frames`` off for such templates.

The caller chooses the key: everything the chrome depends on besides the
page blocks (template, relative base URL, hidden parts, neighbours in the nav).
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass

import jinja2

#: Blocks of mkdocs-material's base.html (and nahbei/base.html) that show
#: something of the page itself. Everything inside them is rendered per page.
PAGE_BLOCKS = ("site_meta", "htmltitle", "extrahead", "header", "container")


@dataclass(frozen=True)
class Frame:
    pieces: tuple[str, ...]  # text between the slots, len(slots) + 1
    slots: tuple[str, ...]  # page block names, in output order
    chrome: frozenset[str]  # blocks switched off when rendering a page's blocks

    def same_as(self, other: "Frame | None") -> bool:
        return other is not None and (self.pieces, self.slots, self.chrome) == (other.pieces, other.slots, other.chrome)

    def assemble(self, parts: dict[str, str]) -> str:
        out = [self.pieces[0]]
        for name, piece in zip(self.slots, self.pieces[1:]):
            out.append(parts[name])
            out.append(piece)
        return "".join(out)


@dataclass(frozen=True)
class _Candidate:
    frame: Frame  # made from the first page of a key, not yet confirmed by a second


_NEW = object()


class FrameRenderer:
    def __init__(self, env: jinja2.Environment, page_blocks=PAGE_BLOCKS):
        self.env = env
        self.page_blocks = tuple(page_blocks)
        self.frames: dict[tuple, Frame | _Candidate | None] = {}  # None: this key renders in full
        self.reasons: dict[tuple, str] = {}  # why a key renders in full: "repeated" | "differs"
        self.fast = self.full = 0  # pages rendered each way

    def render(self, template_name: str, variables: dict, key: tuple) -> str:
        template = self.env.get_template(template_name)
        fkey = (template_name, *key)
        frame = self.frames.get(fkey, _NEW)
        if frame is _NEW or isinstance(frame, _Candidate):
            # The first two pages of a key are rendered in full, and a frame is made
            # from each: only if both give the same frame is it used for the rest.
            full = template.render(variables)
            self.full += 1
            made = self._make_frame(template, variables, fkey, full)
            if frame is _NEW:
                self.frames[fkey] = _Candidate(made) if made is not None else None
            elif made is not None and made.same_as(frame.frame):
                self.frames[fkey] = frame.frame
            else:
                self.frames[fkey] = self._refuse(fkey, "differs")
            return full
        if frame is None:
            self.full += 1
            return template.render(variables)
        self.fast += 1
        return frame.assemble(self._page_parts(template, variables, frame.chrome))

    # -- the frame, once per key ----------------------------------------------------

    def _make_frame(self, template, variables, fkey, full: str) -> Frame | None:
        marks = {name: f"nahbei-slot-{secrets.token_hex(8)}-{name}" for name in self.page_blocks}
        chrome: set[str] = set()

        def slot(name):
            def block(context):
                yield marks[name]
            return block

        def traced(name):
            def block(context):
                chrome.add(name)
                # the real block follows this one in the list (its super() needs it there)
                fns = context.blocks[name]
                yield from fns[fns.index(block) + 1](context)
            return block

        # First pass: which blocks the template chain has (extends fills ctx.blocks).
        ctx = template.new_context(variables)
        for name in self.page_blocks:
            ctx.blocks.setdefault(name, []).insert(0, slot(name))
        _consume(template.root_render_func(ctx))
        names = set(ctx.blocks) - set(self.page_blocks)
        # Second pass: the frame, recording the blocks that run outside the slots.
        ctx = template.new_context(variables)
        for name in self.page_blocks:
            ctx.blocks.setdefault(name, []).insert(0, slot(name))
        for name in names:
            ctx.blocks.setdefault(name, []).insert(0, traced(name))
        text = self.env.concat(template.root_render_func(ctx))

        order = sorted((text.find(mark), name) for name, mark in marks.items() if mark in text)
        if any(text.count(marks[name]) != 1 for _, name in order):
            return self._refuse(fkey, "repeated")
        pieces, rest = [], text
        for _, name in order:
            before, rest = rest.split(marks[name], 1)
            pieces.append(before)
        pieces.append(rest)
        frame = Frame(tuple(pieces), tuple(name for _, name in order), frozenset(chrome))
        # The frame must give exactly the full page.
        if frame.assemble(self._page_parts(template, variables, frame.chrome)) != full:
            return self._refuse(fkey, "differs")
        return frame

    def _refuse(self, fkey, reason: str) -> None:
        self.reasons[fkey] = reason
        return None

    # -- per page ---------------------------------------------------------------------

    def _page_parts(self, template, variables, chrome) -> dict[str, str]:
        parts: dict[str, str] = {name: "" for name in self.page_blocks}
        concat = self.env.concat

        def off(context):
            return iter(())

        def keep(name):
            def block(context):
                fns = context.blocks[name]
                parts[name] = out = concat(fns[fns.index(block) + 1](context))
                yield out
            return block

        ctx = template.new_context(variables)
        for name in chrome:
            ctx.blocks.setdefault(name, []).insert(0, off)
        for name in self.page_blocks:
            ctx.blocks.setdefault(name, []).insert(0, keep(name))
        # The top-level code still runs: imports and variables the blocks use.
        _consume(template.root_render_func(ctx))
        return parts


def _consume(gen) -> None:
    for _ in gen:
        pass
