"""Safe YAML loading with positions for every node.

Uses PyYAML's C parser (fast) with a resolver restricted to the YAML 1.2
core schema, so the YAML 1.1 traps keep the text the volunteer wrote:
``no``/``yes``/``on``/``off`` stay strings, ``12:30`` is not sexagesimal,
``01234`` (postcodes, phone numbers) keeps its leading zero, dates stay
strings (the schemas check their form). Values are built without positions
(fast path); :func:`locate` re-composes a file only when a problem needs
a line and column.

Hostile files are stopped before they cost anything: the size is known from
``stat`` before a byte is read, characters that YAML or the pages cannot
take are found in the text with their position, and the values are built in
one pass over the parser's events, which refuses anchors and aliases (no
"billion laughs") and nesting deeper than MAX_DEPTH before anything is built
(the C composer and every rule after it recurse per level).
"""
from __future__ import annotations

import bisect
import os
import re
from dataclasses import dataclass

import yaml

from ..parallel import fork_map, may_fork

try:  # the C composer is 5x faster; fall back so a missing libyaml still works
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _BaseLoader = yaml.SafeLoader

MAX_FILE_BYTES = 256 * 1024
# Collections inside collections, the file's own fields counting as the first
# level. Real entries need seven (places > hours > regular > days); the bound
# keeps the C composer and every recursive rule far from the stack's end.
MAX_DEPTH = 30

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"


class _CoreLoader(_BaseLoader):
    """YAML 1.2 core schema resolution instead of PyYAML's YAML 1.1."""


_CoreLoader.yaml_implicit_resolvers = {}
_CoreLoader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_CoreLoader.add_implicit_resolver(_NULL, re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
# No leading zeros: "01234" stays text (postcode), as the volunteer meant.
_CoreLoader.add_implicit_resolver(_INT, re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789"))
_CoreLoader.add_implicit_resolver(
    _FLOAT, re.compile(r"^[-+]?(?:0|[1-9][0-9]*)(?:\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"), list("-+0123456789")
)

_PLAIN_TAGS = {_STR, _MAP, _SEQ, _BOOL, _NULL, _INT, _FLOAT}
_IMPLICIT = _CoreLoader.yaml_implicit_resolvers


def _plain_tag(value: str) -> str | None:
    """The YAML 1.2 core tag of a plain scalar; None for text."""
    for resolved, regexp in _IMPLICIT.get(value[:1], ()):
        if regexp.match(value):
            return None if resolved == _STR else resolved
    return None


def _resolve(self, kind, value, implicit):
    # BaseResolver.resolve for this loader (no path or wildcard resolvers), in
    # fewer steps: the C composer (locate) calls it for every node.
    if kind is yaml.ScalarNode:
        return (implicit[0] and _plain_tag(value)) or _STR
    return _SEQ if kind is yaml.SequenceNode else _MAP


_CoreLoader.resolve = _resolve


@dataclass(frozen=True)
class LoadError(Exception):
    """A file that cannot become data. ``code`` is a message key."""

    code: str
    line: int
    col: int
    args_: tuple = ()

    @property
    def params(self) -> dict:
        return dict(self.args_)


def _too_large(size: int) -> LoadError:
    # rounded up: one byte over the limit is "257 KB", not "256 KB, at most 256 KB"
    return LoadError("file.too_large", 1, 1, (("size", -(-size // 1024)), ("limit", MAX_FILE_BYTES // 1024)))


def decode(raw: bytes) -> str:
    """UTF-8 text of a file, or LoadError pointing at the first bad byte."""
    if len(raw) > MAX_FILE_BYTES:
        raise _too_large(len(raw))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        raise LoadError("file.not_utf8", line, col, (("byte", f"0x{raw[exc.start]:02X}"),)) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text


# What YAML itself refuses (C0 controls but tab, line feed and carriage return;
# DEL; C1; U+FFFE/U+FFFF), plus the characters YAML counts as line breaks
# where an editor shows none (NEL, LS, PS, a lone CR): they would shift every
# line number after them. Found here, the volunteer gets the character's own
# line and column instead of the parser's "1:1" and its English text.
_NOT_IN_TEXT = re.compile("[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_LONE_CR = re.compile("\r(?!\n)")


def _check_characters(text: str) -> None:
    m = _NOT_IN_TEXT.search(text) or ("\r" in text and _LONE_CR.search(text))
    if m:
        at = m.start()
        line = text.count("\n", 0, at) + 1
        col = at - (text.rfind("\n", 0, at) + 1) + 1
        raise LoadError("file.control_char", line, col, (("char", f"U+{ord(text[at]):04X}"),))


def read_content(path) -> bytes:
    """The bytes of a content file; too large files are refused from their size
    alone (``stat``), before a byte is read, and never more than the limit is read."""
    fd = os.open(path, os.O_RDONLY)  # plain os calls: a third faster than Path.read_bytes over 10,000 files
    try:
        size = os.fstat(fd).st_size
        if size > MAX_FILE_BYTES:
            raise _too_large(size)
        raw = os.read(fd, size + 1)
        # A short read, a file grown since the stat, or one whose size the system
        # does not tell (/proc): read on to the end, never past the limit.
        while len(raw) != size and len(raw) <= MAX_FILE_BYTES:
            more = os.read(fd, MAX_FILE_BYTES + 1 - len(raw))
            if not more:
                break
            raw += more
    finally:
        os.close(fd)
    if len(raw) > MAX_FILE_BYTES:
        raise _too_large(len(raw))
    return raw


def _syntax_error(exc: yaml.MarkedYAMLError, text: str) -> LoadError:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = exc.problem or ""
    context = exc.context or ""
    lines = text.split("\n")
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    tab = _tab_in_indent(here, col)
    if "'\\t'" in problem or "tab character" in problem or tab:
        return LoadError("yaml.tab", line, tab or col)
    if "end of stream" in problem and "quoted scalar" in context:
        start = exc.context_mark
        return LoadError("yaml.unclosed_quote", start.line + 1, start.column + 1)
    # A quote opened earlier and closed by the next quote character of the file:
    # the parser only stumbles there, so point at the quote that was left open.
    opened = _unclosed_quote_before(lines, line)
    if opened:
        return LoadError("yaml.unclosed_quote", *opened)
    if "mapping values are not allowed" in problem:
        if _looks_like_field(here, col):
            return LoadError("yaml.indentation", line, len(here) - len(here.lstrip(" ")) + 1)
        return LoadError("yaml.colon_in_text", line, col)
    if "could not find expected ':'" in problem:
        start = exc.context_mark or mark
        return LoadError("yaml.expected_colon", start.line + 1, start.column + 1)
    if "did not find expected ',' or ']'" in problem or "did not find expected ',' or '}'" in problem:
        start = exc.context_mark or mark
        bracket = "[" if "]" in problem else "{"
        return LoadError("yaml.unclosed_bracket", start.line + 1, start.column + 1,
                         (("open", bracket), ("close", "]" if bracket == "[" else "}")))
    if "did not find expected key" in problem:
        if here[: col - 1].rstrip(" ").endswith(('"', "'")) and _QUOTE_OPEN.match(here):
            # name: "Offener Treff" am Montag  -> text goes on after the closing quote
            return LoadError("yaml.text_after_quote", line, col)
    if "did not find expected '-' indicator" in problem:
        start = exc.context_mark or mark
        return LoadError("yaml.list_item", line, col, (("list_line", start.line + 1),))
    if "expected <block end>" in problem or "expected <block mapping end>" in problem or "did not find expected key" in problem:
        return LoadError("yaml.indentation", line, col)
    if "found undefined alias" in problem or "found duplicate anchor" in problem:
        return LoadError("yaml.anchor", line, col)
    if "but found another document" in problem:
        return LoadError("yaml.several_documents", line, col)
    return LoadError("yaml.syntax", line, col, (("problem", problem or str(exc)),))


def _tab_in_indent(line: str, col: int) -> int:
    """Column of a tab in the indentation of ``line`` at or before ``col`` (0 if none)."""
    indent = line[: len(line) - len(line.lstrip(" \t"))]
    if "\t" in indent and col <= len(indent) + 1:
        return indent.index("\t") + 1
    return 0


_FIELD_LINE = re.compile(r"^( *)(?:- +)?[A-Za-z_][A-Za-z0-9_]*:(?: |$)")


def _looks_like_field(line: str, col: int) -> bool:
    """Is the colon at ``col`` the one after a field name at the start of the line?"""
    m = _FIELD_LINE.match(line)
    return bool(m) and m.end() in (col, col + 1)


_QUOTE_OPEN = re.compile(r"""^ *(?:- +)?(?:[^\s#'"][^#'"]*?: +)?(["'])""")


def _unclosed_quote_before(lines: list[str], error_line: int):
    """(line, col) of a quoted value left open before ``error_line`` and closed there by accident."""
    n = 0
    while n < error_line - 1:
        m = _QUOTE_OPEN.match(lines[n])
        if not m or _closing_quote(lines[n], m.end(), m.group(1)) is not None:
            n += 1
            continue
        # The next quote character after this line closes the scalar; if the
        # parser failed on that line, the volunteer forgot the closing quote.
        k = next((k for k in range(n + 1, len(lines)) if _closing_quote(lines[k], 0, m.group(1)) is not None), None)
        if k is None:
            return None
        if k + 1 == error_line:
            return n + 1, m.start(1) + 1
        n = k + 1  # a quoted text over several lines, closed properly
    return None


def _closing_quote(line: str, start: int, q: str):
    i = start
    while i < len(line):
        c = line[i]
        if q == '"' and c == "\\":
            i += 2
            continue
        if c == q:
            if q == "'" and line[i + 1: i + 2] == "'":
                i += 2
                continue
            return i
        i += 1
    return None


def _tag_as_written(tag: str) -> str:
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix):] if tag.startswith(prefix) else tag


def _pos(node) -> tuple[int, int]:
    m = node.start_mark
    return m.line + 1, m.column + 1


_ScalarEvent = yaml.ScalarEvent
_MappingStart = yaml.MappingStartEvent
_SequenceStart = yaml.SequenceStartEvent
_MappingEnd = yaml.MappingEndEvent
_SequenceEnd = yaml.SequenceEndEvent
_AliasEvent = yaml.AliasEvent
_DocumentEnd = yaml.DocumentEndEvent
_StreamEnd = yaml.StreamEndEvent
_NO_KEY = object()  # a mapping waiting for its next key


def _scalar_value(event, tag: str):
    """The value of a scalar that is not plain text, or LoadError for a tag that is not plain data."""
    value = event.value
    explicit = event.tag is not None and event.tag != "!"
    if tag not in _PLAIN_TAGS or (explicit and tag != _STR and tag != _plain_tag(value)):
        # !!python/…, !eigen; or !!int abc: an explicit tag that says what the value is not
        return LoadError("yaml.tag", *_pos(event), (("tag", _tag_as_written(tag)),))
    if tag == _STR:
        return value
    if tag == _INT:
        return int(value)
    if tag == _BOOL:
        return value in ("true", "True", "TRUE")
    if tag == _NULL:
        return None
    return float(value)


def _build(text: str):
    """Data of the one document in ``text``, built from the parser's events.

    One pass: every anchor (&name) and alias (*name) is refused where the parser
    finds it, whatever invisible character stands before it in the text, and
    nesting deeper than MAX_DEPTH is refused at the bracket or line that opens
    the level too many, before it is built. Other faults (tags, keys) are
    kept until the parser has read the whole file, so that a syntax error
    anywhere is reported first, as the composer did.
    """
    parser = _CoreLoader(text)
    try:
        return _build_events(parser.get_event, text)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, text) from None
    except yaml.YAMLError as exc:  # pragma: no cover - reader errors: _check_characters found them before
        raise LoadError("yaml.syntax", 1, 1, (("problem", " ".join(str(exc).split())),)) from None
    finally:
        parser.dispose()


def _build_events(get, text):
    get()  # stream start
    if get().__class__ is _StreamEnd:  # else: document start
        raise LoadError("file.empty", 1, 1)
    fault = None  # the first LoadError in the data, raised once the whole file has parsed
    duplicate_path = None
    root = None
    # The collection being built, whether it is a mapping, its pending key; the
    # enclosing ones on the stack. Once ``fault`` is set, only the depth is kept.
    cur, is_map, key = None, False, _NO_KEY
    stack = []
    depth = 0
    while True:
        event = get()
        cls = event.__class__
        if cls is _ScalarEvent:
            if event.anchor is not None:
                raise LoadError("yaml.anchor", *_pos(event))
            if fault is not None:
                continue
            value = event.value
            tag = event.tag
            if tag is None or tag == "!":  # resolved as the composer does: YAML 1.2 core schema
                tag = _plain_tag(value) if event.implicit[0] else None
            if is_map and key is _NO_KEY:
                if tag is not None and tag != _INT and tag != _STR:
                    fault = LoadError("yaml.key_not_text", *_pos(event))
                elif value in cur:
                    # where the first one is: located when the whole file has parsed
                    duplicate_path = [k if m else len(c) for c, m, k in stack[1:]] + [value]
                    fault = LoadError("yaml.duplicate_key", *_pos(event), (("key", value),))
                else:
                    key = value
                continue
            if cur is None:  # the whole file is one value
                fault = LoadError("yaml.not_mapping", *_pos(event), (("found", "scalar"),))
                continue
            if tag is not None:
                value = _scalar_value(event, tag)
                if value.__class__ is LoadError:
                    fault = value
                    continue
            if is_map:
                cur[key] = value
                key = _NO_KEY
            else:
                cur.append(value)
        elif cls is _MappingStart or cls is _SequenceStart:
            if event.anchor is not None:
                raise LoadError("yaml.anchor", *_pos(event))
            depth += 1
            if depth > MAX_DEPTH:
                raise LoadError("yaml.too_deep", *_pos(event), (("limit", MAX_DEPTH),))
            if fault is not None:
                continue
            opens_map = cls is _MappingStart
            tag = event.tag
            if tag is not None and tag != "!" and tag != (_MAP if opens_map else _SEQ):
                fault = LoadError("yaml.tag", *_pos(event), (("tag", _tag_as_written(tag)),))
            elif depth == 1 and not opens_map:
                fault = LoadError("yaml.not_mapping", *_pos(event), (("found", "list"),))
            elif is_map and key is _NO_KEY:  # [a, b]: 1
                fault = LoadError("yaml.key_not_text", *_pos(event))
            else:
                stack.append((cur, is_map, key))
                cur, is_map, key = ({}, True, _NO_KEY) if opens_map else ([], False, _NO_KEY)
        elif cls is _MappingEnd or cls is _SequenceEnd:
            depth -= 1
            if fault is not None:
                continue
            value = cur
            cur, is_map, key = stack.pop()
            if is_map:
                cur[key] = value
                key = _NO_KEY
            elif cur is not None:
                cur.append(value)
            else:
                root = value
        elif cls is _AliasEvent:
            raise LoadError("yaml.anchor", *_pos(event))
        elif cls is _DocumentEnd:
            event = get()
            if event.__class__ is not _StreamEnd:
                raise LoadError("yaml.several_documents", *_pos(event))
            if fault is not None:
                if fault.code == "yaml.duplicate_key":  # safe to compose now: depth and aliases are checked
                    first = locate(text, duplicate_path, key=True)[0]
                    fault = LoadError(fault.code, fault.line, fault.col, (*fault.args_, ("first_line", first)))
                raise fault
            return root
        # else: document start


def load_text(text: str):
    """Data of one YAML document; raises LoadError with a position."""
    _check_characters(text)
    return _build(text)


def load_bytes(raw: bytes):
    """Decode and load; returns (text, data)."""
    text = decode(raw)
    return text, load_text(text)


# -- many files at once ----------------------------------------------------------

PARALLEL_MIN_FILES = 2000  # below this, one process is done before a second one pays off


def load_files(paths) -> list:
    """What ``load_path`` needs for each path: (text, data), a LoadError, or None.

    YAML composing is most of the time of checking a large directory. With
    PARALLEL_MIN_FILES or more files, a forked child loads every second file
    while this process loads the others (``nahbei.parallel.fork_map``: only
    where fork is safe, with two or more CPUs; NAHBEI_WORKERS=1 turns it off).
    None means "not loaded here" (one process only, or a file that could not
    be read): ``load_path`` then loads that file itself, so every error
    surfaces exactly as it would without the child.
    """
    paths = list(paths)
    if not may_fork(len(paths), PARALLEL_MIN_FILES):
        return [None] * len(paths)
    loaded = fork_map(_load_portable, paths, min_items=PARALLEL_MIN_FILES)
    return [LoadError(*x) if isinstance(x, _Failed) else x for x in loaded]


class _Failed(tuple):
    """A LoadError as a plain tuple (code, line, col, args_): it crosses the pipe pickled."""


def _load_portable(path):
    got = _load_one(path)
    return _Failed((got.code, got.line, got.col, got.args_)) if isinstance(got, LoadError) else got


def load_path(path, loaded=None):
    """(text, data) of a file: from ``load_files`` when it loaded it, else read now."""
    if loaded is None:
        return load_bytes(read_content(path))
    if isinstance(loaded, LoadError):
        raise loaded
    return loaded


def _load_one(path):
    try:
        return load_bytes(read_content(path))
    except LoadError as e:
        return LoadError(e.code, e.line, e.col, e.args_)
    except Exception:
        return None


class _Located:
    """One composed file for :func:`locate`: its nodes, each mapping's keys as a
    dict (made when first asked), its line starts. A file with 10,000 faults
    is composed once for all their positions, not once per fault."""

    __slots__ = ("text", "root", "keys", "line_starts")

    def __init__(self, text: str):
        self.text = text
        try:
            self.root = yaml.compose(text, Loader=_CoreLoader)
        except yaml.YAMLError:
            self.root = None
        self.keys: dict = {}
        self.line_starts = None

    def child(self, node, part):
        """(key node, value node) of ``part`` in a mapping node: the first one written."""
        index = self.keys.get(id(node))
        if index is None:
            index = self.keys[id(node)] = {}
            for k, v in node.value:
                if k.__class__ is yaml.ScalarNode:
                    index.setdefault(k.value, (k, v))
        return index.get(part if part.__class__ is str else str(part))

    def position(self, at: int) -> tuple[int, int]:
        if self.line_starts is None:
            self.line_starts = [0, *(m.end() for m in re.finditer("\n", self.text))]
        line = bisect.bisect_right(self.line_starts, at)
        return line, at - self.line_starts[line - 1] + 1


_last_located: _Located | None = None


def locate(text: str, path, *, key: bool = False, find: str | None = None) -> tuple[int, int]:
    """Line and column (1-based) of the node at ``path`` in ``text``.

    ``key=True`` points at the mapping key of the last path element instead of
    its value (unknown fields). A path that does not exist resolves to the
    deepest node that does (a missing required field points at its parent).
    ``find`` points at that piece of a text value as written in the file (the
    ``<script>`` in line 12 of a description), else at the value's start.
    Only for texts that loaded (:func:`load_text`): their depth is bounded.
    """
    global _last_located
    doc = _last_located  # the file asked about last time: its problems come together
    if doc is None or (doc.text is not text and doc.text != text):
        doc = _last_located = _Located(text)
    node = doc.root
    if node is None:
        return 1, 1
    best = node
    key_node = None
    for part in path:
        key_node = None
        if isinstance(node, yaml.MappingNode):
            found = doc.child(node, part)
            if found is None:
                return _pos(best)
            key_node, node = found
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
        else:
            return _pos(best)
        best = node
    if key and key_node is not None:
        return _pos(key_node)
    if find and isinstance(node, yaml.ScalarNode):
        start, end = node.start_mark.index, node.end_mark.index
        at = text.find(find, start, end)
        if at >= 0:
            return doc.position(at)
    return _pos(node)
