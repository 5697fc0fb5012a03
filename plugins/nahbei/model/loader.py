"""Safe YAML loading with positions for every node.

Uses PyYAML's C composer (fast) with a resolver restricted to the YAML 1.2
core schema, so the YAML 1.1 traps keep the text the volunteer wrote:
``no``/``yes``/``on``/``off`` stay strings, ``12:30`` is not sexagesimal,
``01234`` (postcodes, phone numbers) keeps its leading zero, dates stay
strings (the schemas check their form). Values are built without positions
(fast path); :func:`locate` re-composes a file only when a problem needs
a line and column.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from ..parallel import fork_map, may_fork

try:  # the C composer is 5x faster; fall back so a missing libyaml still works
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _BaseLoader = yaml.SafeLoader

MAX_FILE_BYTES = 256 * 1024

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
_ScalarNode = yaml.ScalarNode


def _resolve(self, kind, value, implicit):
    # BaseResolver.resolve for this loader (no path or wildcard resolvers), in
    # fewer steps: the C composer calls it for every node of every file.
    if kind is yaml.ScalarNode:
        if implicit[0]:
            for tag, regexp in _IMPLICIT.get(value[:1], ()):
                if regexp.match(value):
                    return tag
        return _STR
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


def decode(raw: bytes) -> str:
    """UTF-8 text of a file, or LoadError pointing at the first bad byte."""
    if len(raw) > MAX_FILE_BYTES:
        raise LoadError("file.too_large", 1, 1, (("size", len(raw) // 1024), ("limit", MAX_FILE_BYTES // 1024)))
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


def _compose(text: str):
    try:
        return yaml.compose(text, Loader=_CoreLoader)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, text) from None
    except yaml.YAMLError as exc:  # pragma: no cover - reader errors without marks
        raise LoadError("yaml.syntax", 1, 1, (("problem", str(exc)),)) from None


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


# & or * where a token starts, followed by a character that an anchor name may
# begin with (libyaml allows only these): "**fett**" and "Kaffee & Kuchen" are no anchors.
_ANCHOR_HINT = re.compile(r"(?:^|[\s\[\]{},:?])[&*][0-9A-Za-z_-]", re.M)


def _check_anchors(text: str) -> None:
    # Cheap pre-filter: only texts that may hold an anchor or alias are scanned for events.
    if ("&" not in text and "*" not in text) or not _ANCHOR_HINT.search(text):
        return
    try:
        for event in yaml.parse(text, Loader=_CoreLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                m = event.start_mark
                raise LoadError("yaml.anchor", m.line + 1, m.column + 1)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, text) from None


def _tag_as_written(tag: str) -> str:
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix):] if tag.startswith(prefix) else tag


def _pos(node) -> tuple[int, int]:
    m = node.start_mark
    return m.line + 1, m.column + 1


def _construct(node):
    tag = node.tag
    if isinstance(node, yaml.ScalarNode):
        if tag not in _PLAIN_TAGS:
            line, col = _pos(node)
            raise LoadError("yaml.tag", line, col, (("tag", _tag_as_written(tag)),))
        value = node.value
        if tag == _STR:
            return value
        if tag == _INT:
            return int(value)
        if tag == _BOOL:
            return value in ("true", "True", "TRUE")
        if tag == _NULL:
            return None
        return float(value)
    if isinstance(node, yaml.MappingNode):
        if tag != _MAP:
            line, col = _pos(node)
            raise LoadError("yaml.tag", line, col, (("tag", _tag_as_written(tag)),))
        result = {}
        first_line = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MAP:
                line, col = _pos(key_node)
                raise LoadError("yaml.key_not_text", line, col)
            if key_node.tag not in (_STR, _INT):
                line, col = _pos(key_node)
                raise LoadError("yaml.key_not_text", line, col)
            key = key_node.value
            if key in result:
                line, col = _pos(key_node)
                raise LoadError("yaml.duplicate_key", line, col, (("key", key), ("first_line", first_line[key])))
            first_line[key] = key_node.start_mark.line + 1
            # plain text (most values) without a call
            result[key] = (value_node.value if value_node.__class__ is _ScalarNode and value_node.tag == _STR
                           else _construct(value_node))
        return result
    if tag != _SEQ:
        line, col = _pos(node)
        raise LoadError("yaml.tag", line, col, (("tag", _tag_as_written(tag)),))
    return [_construct(item) for item in node.value]


def load_text(text: str):
    """Data of one YAML document; raises LoadError with a position."""
    _check_anchors(text)
    node = _compose(text)
    if node is None:
        raise LoadError("file.empty", 1, 1)
    if not isinstance(node, yaml.MappingNode):
        line, col = _pos(node)
        found = "list" if isinstance(node, yaml.SequenceNode) else "scalar"
        raise LoadError("yaml.not_mapping", line, col, (("found", found),))
    return _construct(node)


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
        return load_bytes(path.read_bytes())
    if isinstance(loaded, LoadError):
        raise loaded
    return loaded


def _load_one(path):
    try:
        return load_bytes(path.read_bytes())
    except LoadError as e:
        return LoadError(e.code, e.line, e.col, e.args_)
    except Exception:
        return None


def locate(text: str, path, *, key: bool = False, find: str | None = None) -> tuple[int, int]:
    """Line and column (1-based) of the node at ``path`` in ``text``.

    ``key=True`` points at the mapping key of the last path element instead of
    its value (unknown fields). A path that does not exist resolves to the
    deepest node that does (a missing required field points at its parent).
    ``find`` points at that piece of a text value as written in the file (the
    ``<script>`` in line 12 of a description), else at the value's start.
    """
    try:
        node = yaml.compose(text, Loader=_CoreLoader)
    except yaml.YAMLError:
        return 1, 1
    if node is None:
        return 1, 1
    best = node
    key_node = None
    for part in path:
        key_node = None
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == part or (isinstance(part, int) and k.value == str(part)):
                    key_node, node = k, v
                    break
            else:
                return _pos(best)
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
            line_start = text.rfind("\n", 0, at) + 1
            return text.count("\n", 0, at) + 1, at - line_start + 1
    return _pos(node)
