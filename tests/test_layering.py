"""Layering of the nahbei package, read from the source (no import is run):
no import cycle between its modules, and the core (model, feeds, contribute)
imports no MkDocs."""
from __future__ import annotations

import ast
from pathlib import Path

PLUGINS = Path(__file__).resolve().parents[1] / "plugins"


def modules(root: Path = PLUGINS) -> dict[str, Path]:
    """{dotted module name: file} of every module under ``root``."""
    out = {}
    for path in sorted((root / "nahbei").rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def imported_names(name: str, path: Path, known: set[str] = frozenset()) -> set[str]:
    """Every module name an import statement of the file names, at any depth (an
    import inside a function still runs, later), relative imports resolved;
    ``known``: the package's modules (``from pkg import module`` names that module)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            # "from . import cli_extra" names the module nahbei.cli_extra; "from .i18n import t", nahbei.i18n
            submodules = {f"{module}.{alias.name}" for alias in node.names} & known
            out.update(submodules or {module})
    return out


def import_graph(root: Path = PLUGINS) -> dict[str, set[str]]:
    """{module: the package's modules it imports}."""
    found = modules(root)
    known = set(found)
    return {name: {m for m in imported_names(name, path, known) if m in known and m != name}
            for name, path in found.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_package_has_no_import_cycle():
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_cycle_through_a_function_level_import(tmp_path):
    """The shape of the cycle issue 12 names: cli imports cli_extra inside a function,
    cli_extra imports issueform inside a function, issueform imports cli at the top."""
    package = tmp_path / "nahbei"
    (package / "contribute").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "contribute" / "__init__.py").write_text("")
    (package / "cli.py").write_text("def main():\n    from . import cli_extra\n")
    (package / "cli_extra.py").write_text("def run():\n    from .contribute.issueform import convert\n")
    (package / "contribute" / "issueform.py").write_text("from ..cli import slugify\n")
    assert cycles(import_graph(tmp_path)) == [["nahbei.cli", "nahbei.cli_extra", "nahbei.contribute.issueform"]]


def test_the_core_imports_no_mkdocs():
    """model, feeds and contribute serve the command line and other generators too."""
    found = modules()
    core = [n for n in found if n.split(".")[1:2] in (["model"], ["feeds"], ["contribute"])]
    assert len(core) > 10
    bad = {n: sorted(m for m in imported_names(n, found[n]) if m.split(".")[0] == "mkdocs" or ".mkdocs" in m)
           for n in core}
    assert {n: ms for n, ms in bad.items() if ms} == {}


def test_the_maps_between_kinds_folders_and_urls_have_one_home():
    """model.layout holds the kinds and their content folders, nahbei.urls the URL
    segments; the modules that need them take them from there."""
    from nahbei.mkdocs import preview
    from nahbei.mkdocs.search import records
    from nahbei.model import changes, check, layout, schemas

    assert not hasattr(preview, "KINDS") and changes.KINDS is layout.FOLDERS  # plugin.py uses layout directly
    assert records.KINDS is layout.ENTRY_KINDS and check.FOLDERS is layout.FOLDERS
    assert schemas.KINDS == (*layout.ENTRY_KINDS, "taxonomy")


def test_every_url_segment_comes_from_the_one_table():
    """Feed folders too: a site that renames a segment finds no German literal left."""
    from nahbei.mkdocs.pages import make_urls
    from nahbei.urls import DEFAULT_SEGMENTS

    renamed = {key: f"x-{key}" for key in DEFAULT_SEGMENTS}
    urls = make_urls(renamed)
    paths = [urls.feed("all"), urls.feed("event", "e"), urls.feed("contact", "c"), urls.feed("topics", "t"),
             urls.feed("place", "p"), urls.page("offer", "o"), urls.index("search")]
    assert paths == ["x-calendar/x-feed_all.ics", "x-calendar/x-feed_event/e.ics", "x-calendar/x-feed_organiser/c.ics",
                     "x-calendar/x-topics/t.ics", "x-calendar/x-place/p.ics", "x-offer/o/", "x-search/"]
    assert make_urls().feed("contact", "c") == "kalender/veranstalter/c.ics"  # the German defaults


def test_the_search_plugin_reads_the_directory_only_through_its_public_source():
    """nahbei/search asks the directory plugin for ``source()`` (a read-only
    DirectorySource) and reads no other attribute of it: no getattr on a plugin."""
    path = PLUGINS / "nahbei" / "mkdocs" / "search" / "plugin.py"
    tree = ast.parse(path.read_text("utf-8"))
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
             and n.func.id == "getattr"]
    assert calls == [], [ast.unparse(c) for c in calls]
    used = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)
            and isinstance(n.value, ast.Name) and n.value.id == "plugin"}
    assert used == {"source"}, used


def test_the_directory_source_is_built_once_per_build_and_names_entry_pages(tmp_path):
    """After on_files: the directory, its URL segments, and which page shows which entry."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import Files

    from nahbei.mkdocs.plugin import DirectoryPlugin

    repo = PLUGINS.parent
    config = load_config(str(repo / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    config.plugins.on_startup(command="build", dirty=False)
    config = config.plugins.on_config(config)
    plugin = config.plugins["nahbei/directory"]
    assert isinstance(plugin, DirectoryPlugin) and plugin.source() is None  # before on_files
    plugin.on_files(Files([]), config=config)
    source = plugin.source()
    assert source is plugin.source() and source.directory is plugin.directory
    assert source.segments["search"] == "suche" and source.lang == "de"
    offer = next(iter(plugin.directory.offers))
    assert source.entry_of(f"angebote/{offer}/index.md") == ("offer", offer)
    assert source.entry_of("impressum.md") is None
