"""What `pip install nahbei` gets: the wheel carries the schemas and finds them, and
every third-party package the code imports is a declared dependency."""
from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from importlib.metadata import packages_distributions
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PLUGINS = ROOT / "plugins"
# what the wheel is built from (pyproject.toml, the build hook in setup.py, the sources)
BUILD_INPUTS = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "plugins", "schemas")


def build_wheel(tmp_path: Path) -> Path:
    """The wheel of a copy of the checkout (the shared checkout gets no build/ folder)."""
    source = tmp_path / "source"
    for name in BUILD_INPUTS:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        elif (ROOT / name).exists():
            source.mkdir(exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    out = tmp_path / "wheel"
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation",
                    "--no-index", "-q", "-w", str(out)], check=True, capture_output=True, cwd=tmp_path, timeout=120)
    (wheel,) = out.glob("nahbei-*.whl")
    return wheel


INSTALLED_CHECK = """
import json, sys
from datetime import date
from pathlib import Path
import nahbei
from nahbei.model.check import check
from nahbei.model.schemas import default_schema_dir
result = check(Path(sys.argv[1]), today=date(2026, 11, 22), root=Path(sys.argv[1]).parent)
print(json.dumps({"package": nahbei.__file__, "schemas": str(default_schema_dir()),
                  "problems": [p.format("de") for p in result.problems]}))
"""


def test_the_wheel_carries_the_schemas_and_an_installed_nahbei_finds_them(tmp_path):
    wheel = build_wheel(tmp_path)
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        schemas = sorted((ROOT / "schemas").glob("*.schema.json"))
        assert len(schemas) >= 5
        for schema in schemas:
            assert z.read(f"nahbei/schemas/{schema.name}") == schema.read_bytes()
        sources = {p.relative_to(PLUGINS).as_posix() for p in PLUGINS.rglob("*.py") if "__pycache__" not in p.parts}
        assert sources <= names, sorted(sources - names)
        # the HSDS Tabular Data Package descriptor the open-data export writes
        descriptor = PLUGINS / "nahbei" / "exchange" / "datapackage.json"
        assert z.read("nahbei/exchange/datapackage.json") == descriptor.read_bytes()
        site = tmp_path / "site-packages"
        z.extractall(site)  # what pip install puts in site-packages
    # The installed copy comes first on the path (the editable checkout's .pth comes after it),
    # and checks the example content exactly as the checkout does.
    from datetime import date

    from nahbei.model.check import check

    content = ROOT / "content"
    expected = [p.format("de") for p in check(content, today=date(2026, 11, 22), root=ROOT).problems]
    env = {**os.environ, "PYTHONPATH": str(site)}
    proc = subprocess.run([sys.executable, "-c", INSTALLED_CHECK, str(content)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    installed = json.loads(proc.stdout)
    assert Path(installed["package"]).is_relative_to(site)
    assert Path(installed["schemas"]) == site / "nahbei" / "schemas"
    assert installed["problems"] == expected


def third_party_imports(root: Path = PLUGINS) -> dict[str, set[str]]:
    """{top-level module name: files importing it} of every absolute import that is
    neither the standard library nor nahbei itself (imports inside functions too)."""
    found: dict[str, set[str]] = {}
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.partition(".")[0]
                if top not in sys.stdlib_module_names and top != "nahbei":
                    found.setdefault(top, set()).add(path.relative_to(root).as_posix())
    return found


def declared_distributions() -> set[str]:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    return {canonicalize_name(Requirement(d).name) for d in pyproject["project"]["dependencies"]}


def undeclared(imports: dict[str, set[str]], declared: set[str]) -> dict[str, list[str]]:
    """{module: the files importing it} of the imports no declared distribution provides."""
    provided_by = packages_distributions()
    return {module: sorted(files) for module, files in sorted(imports.items())
            if not {canonicalize_name(d) for d in provided_by.get(module, ())} & declared}


def test_every_third_party_import_is_a_declared_dependency():
    imports = third_party_imports()
    assert {"yaml", "jsonschema", "mkdocs", "jinja2"} <= set(imports)  # the scan sees the code
    assert undeclared(imports, declared_distributions()) == {}


def test_an_import_of_a_dependency_that_is_not_declared_is_found(tmp_path):
    (tmp_path / "view.py").write_text("def render():\n    import jinja2\n    from markupsafe import Markup\n")
    imports = third_party_imports(tmp_path)
    assert undeclared(imports, {"pyyaml", "markupsafe"}) == {"jinja2": ["view.py"]}
