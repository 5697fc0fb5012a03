"""Every command the GitHub workflows run is run here too, with the same flags.

The workflows stay thin: they call `make` targets and `nahbei` sub-commands.
This test reads those calls out of .github/workflows/*.yml and runs each one
on this machine, so a renamed target or flag fails here, not first in CI.
"""
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from string import Template

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ISSUES = Path(__file__).parent / "data" / "issues"
ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1795305600"}


def run_scripts():
    for wf in WORKFLOWS:
        data = yaml.safe_load(wf.read_text("utf-8"))
        for job in data["jobs"].values():
            for step in job.get("steps", ()):
                if "run" in step:
                    yield wf.name, step["run"].replace("\\\n", " ")


def calls(pattern):
    found = set()
    for name, script in run_scripts():
        for line in script.splitlines():
            line = line.split("#", 1)[0] if not line.lstrip().startswith("echo") else ""
            for m in re.finditer(pattern, line):
                found.add((name, " ".join(m.group(0).split())))
    return sorted(found)


MAKE_CALLS = calls(r"(?<![\w`])make [a-z][\w-]*")
NAHBEI_CALLS = calls(r"\.venv/bin/nahbei [^;|>&]*?(?=\s*(?:>|2>|;|\||&&|then|$))")


def test_workflows_call_known_targets_and_commands():
    targets = {c.split()[1] for _, c in MAKE_CALLS}
    # (make tiles downloads the map's OpenStreetMap extract: run in the publish
    # workflow only; tests/test_map.py runs its command with a stand-in go-pmtiles)
    assert targets == {"setup", "check", "test", "build", "tiles"}, MAKE_CALLS
    subcommands = {c.split()[1] for _, c in NAHBEI_CALLS}
    assert subcommands == {"check", "freshness", "from-issue", "import"}, NAHBEI_CALLS
    # make test is what CI runs: the very command this suite runs under
    assert "make test" in (ROOT / ".ci" / "run").read_text("utf-8")
    assert "make test" in (ROOT / "README.md").read_text("utf-8")


@pytest.mark.parametrize("target", ["setup", "check"])
def test_make_target_runs(target):
    proc = subprocess.run(["make", "-s", target], cwd=ROOT, env=ENV, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.slow
def test_make_build_runs_strict_into_a_given_folder(tmp_path):
    out = tmp_path / "site"
    proc = subprocess.run(["make", "-s", "build", f"SITE_DIR={out}"], cwd=ROOT, env=ENV, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert (out / "index.html").exists() and (out / "404.html").exists()


@pytest.mark.parametrize("name, call", NAHBEI_CALLS, ids=[f"{n}:{c.split()[1]}" for n, c in NAHBEI_CALLS])
def test_nahbei_call_from_workflow_runs(tmp_path, name, call):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    runner_temp = tmp_path / "runner"
    runner_temp.mkdir()
    forms = ["neues-angebot", "neue-veranstaltung", "aenderung"] if "$FORM" in call else [None]
    server = None
    if "$id" in call:  # partner-calendars.yml: one calendar of sources.yaml, its feed served here
        from tests.support.server import SiteServer

        server = SiteServer(ROOT / "tests" / "data" / "ics").start()
        (tmp_path / "content" / "sources.yaml").write_text(yaml.safe_dump({"calendars": [{
            "id": "beispiel", "name": "Beispielkalender", "url": server.url("google.ics"),
            "organiser": "stadt-troisdorf", "place": "begegnungsstaette-troisdorf-mitte"}]}), "utf-8")
    try:
        for form in forms:
            if form:
                (runner_temp / "issue-body.md").write_text((ISSUES / f"{form}.md").read_text("utf-8"), "utf-8")
            env = {**ENV, "RUNNER_TEMP": str(runner_temp), "FORM": form or "", "id": "beispiel"}
            args = [Template(a).substitute(env) for a in shlex.split(call)]
            args[0] = str(ROOT / ".venv" / "bin" / "nahbei")
            proc = subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True)
            assert proc.returncode == 0, f"{name}: {args}\n{proc.stdout}\n{proc.stderr}"
            assert "Traceback" not in proc.stderr
    finally:
        if server is not None:
            server.stop()
    if "$id" in call:
        # the feed's events were written, each naming its calendar
        assert any(yaml.safe_load(p.read_text("utf-8")).get("source", {}).get("name") == "beispiel"
                   for p in (tmp_path / "content" / "events").glob("*.yaml"))
    if "freshness" in call:
        assert (runner_temp / "body.md").read_text("utf-8").startswith("<!-- nahbei:freshness -->")
        assert (runner_temp / "count").read_text("utf-8") == "0"


def test_make_test_lints_with_ruff_first():
    """`make test` runs `ruff check` (the rules in pyproject.toml) before pytest;
    and a lint error would stop it: ruff exits non-zero on a file with one."""
    recipe = subprocess.run(["make", "-n", "test"], cwd=ROOT, env=ENV, capture_output=True, text=True).stdout
    lines = [line for line in recipe.splitlines() if "ruff check" in line or "pytest" in line]
    assert len(lines) == 2 and "ruff check ." in lines[0] and "pytest" in lines[1], recipe
    ruff = ROOT / ".venv" / "bin" / "ruff"
    assert subprocess.run([str(ruff), "check", "."], cwd=ROOT, capture_output=True).returncode == 0
    bad = subprocess.run([str(ruff), "check", "--stdin-filename", "plugins/nahbei/x.py", "-"], cwd=ROOT,
                         input=b"import os\n", capture_output=True)
    assert bad.returncode == 1 and b"F401" in bad.stdout, bad.stdout
