"""The shell logic inside the workflows' `run:` steps, run here with bash the way GitHub runs it.

tests/test_workflow_commands.py runs the `make` and `nahbei` calls of the workflows; this file
runs the scripts around them (`gh`, `git`, `jq`, `awk`, `wc`) by running whole jobs of
freshness.yml and issue-to-pr.yml:

  - the steps are read from .github/workflows/*.yml and run unchanged. `${{ }}` in `env:` and
    `if:` is evaluated from a `github` context the test builds, by a small evaluator for the few
    expression forms the workflows use (anything else fails the test, so it is noticed);
  - every `run:` is written to $RUNNER_TEMP/<uuid>.sh and started as
    `bash --noprofile --norc -eo pipefail <file>` (GitHub's default shell on Linux) in the
    checkout, with fresh GITHUB_OUTPUT / GITHUB_ENV / GITHUB_STEP_SUMMARY files per step; the
    outputs are read back for the later steps' `if:`; a failing step fails the job;
  - `actions/checkout` is `git clone --depth <fetch-depth>` from a local bare repository, which
    is also the `origin` the scripts push to. `actions/setup-python` and `make setup` are stood
    in for by a link to this repository's .venv (test_workflow_commands.py runs `make setup`);
  - `gh` is a stub first on PATH, written into tmp_path: it logs every call (argv, stdin, the
    text of --body-file) to a JSON-lines file and answers from a JSON state file (issues, pull
    requests, labels) that the test seeds and reads. It refuses what the real gh refuses here:
    unknown sub-commands and flags, a missing GH_TOKEN/GH_REPO, an unknown issue number or label,
    a second pull request for the same branch, a pull request for a branch not on the remote.
    Its --jq goes through the real jq;
  - git, jq, awk and wc are the real ones.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW_DIR = ROOT / ".github" / "workflows"
FRESHNESS = WORKFLOW_DIR / "freshness.yml"
ISSUE_TO_PR = WORKFLOW_DIR / "issue-to-pr.yml"
ISSUES = Path(__file__).parent / "data" / "issues"
NAHBEI = ROOT / ".venv" / "bin" / "nahbei"

STALE = "1811116800"  # 2027-05-24: MITTEndrin! is due for review (interval 6 months)
FRESH = "1795305600"  # 2026-11-21: nothing is due
REPO = "beispiel/nahbei"

pytestmark = pytest.mark.xdist_group("workflows")

for _tool in ("bash", "git", "jq", "awk", "wc"):
    if not shutil.which(_tool):  # pragma: no cover - make system-deps installs them
        pytest.fail(f"{_tool} is missing (Debian package; `make system-deps` installs it)", pytrace=False)


# --------------------------------------------------------------------------- gh stub

GH_STUB = r'''#!@PYTHON@
"""Stub for the GitHub CLI (written by tests/test_workflow_scripts.py)."""
import json
import os
import subprocess
import sys

STATE = @STATE@
LOG = @LOG@

COMMANDS = {
    ("label", "create"): {"--force", "--color", "--description"},
    ("issue", "list"): {"--label", "--state", "--limit", "--json", "--jq"},
    ("issue", "create"): {"--title", "--label", "--body", "--body-file"},
    ("issue", "edit"): {"--title", "--body", "--body-file", "--add-label", "--remove-label"},
    ("issue", "comment"): {"--body", "--body-file"},
    ("issue", "close"): {"--comment", "--reason"},
    ("pr", "list"): {"--head", "--base", "--state", "--json", "--jq"},
    ("pr", "create"): {"--base", "--head", "--title", "--body", "--body-file"},
    ("pr", "edit"): {"--title", "--body", "--body-file"},
}
BOOL_FLAGS = {"--force"}
FIELDS = {"issue": {"number", "title", "body", "state"}, "pr": {"number", "title", "body", "state", "headRefName"}}


class Fail(Exception):
    pass


def one(flags, name, default=None):
    return flags[name][-1] if name in flags else default


def body_of(flags, stdin):
    if "--body-file" in flags:
        path = one(flags, "--body-file")
        return stdin if path == "-" else open(path, encoding="utf-8").read()
    return one(flags, "--body")


def emit(kind, items, flags):
    fields = one(flags, "--json", "").split(",")
    for f in fields:
        if f not in FIELDS[kind]:
            raise Fail(f"Unknown JSON field: {f!r}")
    text = json.dumps([{f: item[f] for f in fields} for item in items])
    if "--jq" not in flags:
        return text + "\n"
    proc = subprocess.run(["jq", "-r", one(flags, "--jq")], input=text, capture_output=True, text=True)
    if proc.returncode:
        raise Fail(proc.stderr)
    return proc.stdout


def find(items, number, what):
    for item in items:
        if str(item["number"]) == str(number):
            return item
    raise Fail(f"GraphQL: Could not resolve to {what} with the number of {number}.")


def new_number(state):
    number = state["next_number"]
    state["next_number"] += 1
    return number


def handle(cmd, pos, flags, stdin, state, entry):
    repo = os.environ["GH_REPO"]
    body = body_of(flags, stdin)
    if body is not None:
        entry["body"] = body
    if cmd == ("label", "create"):
        name = pos[0]
        if name in state["labels"] and "--force" not in flags:
            raise Fail(f"label with name {name!r} already exists; use `--force` to update it")
        state["labels"][name] = {"color": one(flags, "--color"), "description": one(flags, "--description")}
        return ""
    if cmd == ("issue", "list"):
        wanted = one(flags, "--state", "open")
        items = [i for i in state["issues"]
                 if wanted in ("all", i["state"]) and all(l in i["labels"] for l in flags.get("--label", []))]
        items.sort(key=lambda i: -i["number"])  # gh lists the newest first
        return emit("issue", items[: int(one(flags, "--limit", "30"))], flags)
    if cmd == ("issue", "create"):
        if not one(flags, "--title") or body is None:
            raise Fail("must provide `--title` and `--body` (or `--body-file`) when not running interactively")
        for label in flags.get("--label", []):
            if label not in state["labels"]:
                raise Fail(f"could not add label: {label!r} not found")
        number = new_number(state)
        state["issues"].append({"number": number, "title": one(flags, "--title"), "body": body,
                                "state": "open", "labels": list(flags.get("--label", [])), "comments": []})
        return f"https://github.com/{repo}/issues/{number}\n"
    if cmd[0] == "issue":
        issue = find(state["issues"], pos[0], "an issue")
        if cmd == ("issue", "edit"):
            if "--title" in flags:
                issue["title"] = one(flags, "--title")
            if body is not None:
                issue["body"] = body
            for label in flags.get("--remove-label", []):
                if label in issue["labels"]:
                    issue["labels"].remove(label)
            for label in flags.get("--add-label", []):
                if label not in state["labels"]:
                    raise Fail(f"{label!r} not found")
                issue["labels"].append(label)
            return f"https://github.com/{repo}/issues/{issue['number']}\n"
        if cmd == ("issue", "comment"):
            if not body:
                raise Fail("body cannot be blank")
            issue["comments"].append(body)
            return f"https://github.com/{repo}/issues/{issue['number']}#issuecomment-1\n"
        if cmd == ("issue", "close"):
            issue["state"] = "closed"
            return ""
    if cmd == ("pr", "list"):
        wanted = one(flags, "--state", "open")
        items = [p for p in state["prs"] if wanted in ("all", p["state"])
                 and one(flags, "--head", p["headRefName"]) == p["headRefName"]]
        items.sort(key=lambda p: -p["number"])
        return emit("pr", items, flags)
    if cmd == ("pr", "create"):
        head, base = one(flags, "--head"), one(flags, "--base")
        if not (head and base and one(flags, "--title")) or body is None:
            raise Fail("--base, --head, --title and --body are needed here")
        if any(p["headRefName"] == head and p["state"] == "open" for p in state["prs"]):
            raise Fail(f'a pull request for branch "{head}" into branch "{base}" already exists')
        remote = subprocess.run(["git", "ls-remote", "--exit-code", "origin", f"refs/heads/{head}"],
                                capture_output=True, text=True)
        if remote.returncode:
            raise Fail(f"aborted: you must first push the current branch to a remote ({head})")
        number = new_number(state)
        state["prs"].append({"number": number, "title": one(flags, "--title"), "body": body,
                             "state": "open", "headRefName": head, "baseRefName": base,
                             "headSha": remote.stdout.split()[0]})
        return f"https://github.com/{repo}/pull/{number}\n"
    if cmd == ("pr", "edit"):
        pr = find(state["prs"], pos[0], "a pull request")
        if body is not None:
            pr["body"] = body
        if "--title" in flags:
            pr["title"] = one(flags, "--title")
        return f"https://github.com/{repo}/pull/{pr['number']}\n"
    raise Fail(f"not handled: {cmd}")


def main():
    args = sys.argv[1:]
    stdin = "" if sys.stdin is None or sys.stdin.isatty() else sys.stdin.read()
    entry = {"argv": args, "stdin": stdin, "cwd": os.getcwd(), "GH_REPO": os.environ.get("GH_REPO")}
    code, out = 0, ""
    try:
        if not os.environ.get("GH_TOKEN"):
            raise Fail("gh: To use GitHub CLI in a GitHub Actions workflow, set the GH_TOKEN environment variable.")
        if not os.environ.get("GH_REPO"):
            raise Fail("gh: no repository (GH_REPO) in this stub's world")
        cmd = tuple(args[:2])
        if cmd not in COMMANDS:
            raise Fail(f"unknown command {' '.join(args[:2])!r} for gh (stub)")
        pos, flags, i = [], {}, 2
        while i < len(args):
            arg = args[i]
            if arg.startswith("-"):
                name, eq, value = arg.partition("=")
                if name not in COMMANDS[cmd]:
                    raise Fail(f"unknown flag: {name}")
                if name in BOOL_FLAGS:
                    value = True
                elif not eq:
                    i += 1
                    if i == len(args):
                        raise Fail(f"flag needs an argument: {name}")
                    value = args[i]
                flags.setdefault(name, []).append(value)
            else:
                pos.append(arg)
            i += 1
        with open(STATE, encoding="utf-8") as f:
            state = json.load(f)
        out = handle(cmd, pos, flags, stdin, state, entry)
        with open(STATE, "w", encoding="utf-8") as f:
            json.dump(state, f, ensure_ascii=False, indent=1)
    except Fail as exc:
        code = 1
        entry["error"] = str(exc)
        sys.stderr.write(f"{exc}\n")
    entry["exit"] = code
    with open(LOG, "a", encoding="utf-8") as f:
        f.write(json.dumps(entry, ensure_ascii=False) + "\n")
    sys.stdout.write(out)
    return code


sys.exit(main())
'''


class GitHub:
    """The stub's world: state file (issues, pull requests, labels) and call log."""

    def __init__(self, tmp_path: Path):
        self.bin = tmp_path / "bin"
        self.bin.mkdir()
        self.state_file = tmp_path / "gh-state.json"
        self.log_file = tmp_path / "gh-calls.jsonl"
        self.state = {"issues": [], "prs": [], "labels": {}, "next_number": 1}
        self.log_file.write_text("", "utf-8")
        stub = self.bin / "gh"
        stub.write_text(GH_STUB.replace("@PYTHON@", sys.executable)
                        .replace("@STATE@", repr(str(self.state_file)))
                        .replace("@LOG@", repr(str(self.log_file))), "utf-8")
        stub.chmod(0o755)

    @property
    def state(self) -> dict:
        return json.loads(self.state_file.read_text("utf-8"))

    @state.setter
    def state(self, value: dict) -> None:
        self.state_file.write_text(json.dumps(value, ensure_ascii=False), "utf-8")

    def add_issue(self, number: int, *, labels=(), state="open", title="Ein Issue", body="") -> None:
        st = self.state
        st["issues"].append({"number": number, "title": title, "body": body, "state": state,
                             "labels": list(labels), "comments": []})
        st["labels"].update({label: {} for label in labels})
        st["next_number"] = max(st["next_number"], number + 1)
        self.state = st

    def calls(self) -> list[dict]:
        return [json.loads(line) for line in self.log_file.read_text("utf-8").splitlines()]

    def issue(self, number: int) -> dict:
        return next(i for i in self.state["issues"] if i["number"] == number)


def commands(calls: list[dict]) -> list[str]:
    """'issue create', 'pr list', … one per call, in order."""
    return [" ".join(c["argv"][:2]) for c in calls]


# --------------------------------------------------------------------------- expressions

EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}", re.S)
PATH = re.compile(r"[A-Za-z_][\w-]*(?:\.(?:[\w-]+|\*))*")


def _lookup(value, parts):
    for i, part in enumerate(parts):
        if part == "*":
            items = value.values() if isinstance(value, dict) else (value or [])
            return [_lookup(item, parts[i + 1:]) for item in items]
        value = value.get(part) if isinstance(value, dict) else None
    return value


def evaluate(expr: str, ctx: dict):
    expr = expr.strip()
    if m := re.fullmatch(r"toJSON\((.*)\)", expr, re.I | re.S):
        return json.dumps(evaluate(m[1], ctx), indent=2, ensure_ascii=False)
    if m := re.fullmatch(r"'((?:[^']|'')*)'", expr):
        return m[1].replace("''", "'")
    if "||" in expr or "(" in expr:
        raise AssertionError(f"expression not supported by this test's runner: {expr!r}")
    if "&&" in expr:
        return all(evaluate(term, ctx) for term in expr.split("&&"))
    if m := re.fullmatch(r"(.+?)\s*(==|!=)\s*(.+)", expr, re.S):
        left, right = (_text(evaluate(side, ctx)).casefold() for side in (m[1], m[3]))
        return (left == right) == (m[2] == "==")  # GitHub compares strings ignoring case; null == ''
    if PATH.fullmatch(expr):
        return _lookup(ctx, expr.split("."))
    raise AssertionError(f"expression not supported by this test's runner: {expr!r}")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def interpolate(value, ctx: dict) -> str:
    return EXPR.sub(lambda m: _text(evaluate(m[1], ctx)), _text(value))


def condition(expr, ctx: dict) -> bool:
    if expr is None:
        return True
    text = str(expr).strip()
    if m := EXPR.fullmatch(text):
        text = m[1]
    value = evaluate(text, ctx)
    return bool(value) and value not in ("", 0)


def test_the_expression_evaluator():
    ctx = {"github": {"event": {"label": {"name": "annehmen"}, "issue": {
        "number": 7, "labels": [{"name": "a"}, {"name": "b"}]}}}, "steps": {"form": {"outputs": {}}}}
    assert interpolate("eintrag/issue-${{ github.event.issue.number }}", ctx) == "eintrag/issue-7"
    assert interpolate("${{ toJSON(github.event.issue.labels.*.name) }}", ctx) == '[\n  "a",\n  "b"\n]'
    assert condition("github.event.label.name == 'Annehmen'", ctx)
    assert condition("steps.form.outputs.form == ''", ctx)
    assert not condition("steps.form.outputs.form != ''", ctx)
    assert not condition("github.event.label.name == 'annehmen' && github.event.issue.state == 'open'", ctx)
    with pytest.raises(AssertionError):
        condition("always() || failure()", ctx)


# --------------------------------------------------------------------------- job runner


@dataclass
class JobRun:
    conclusion: str  # success, failure, skipped
    steps: dict[str, dict] = field(default_factory=dict)  # name -> outcome, outputs, log
    workspace: Path | None = None

    def log(self) -> str:
        return "\n".join(f"--- {name}: {s['outcome']}\n{s.get('log', '')}" for name, s in self.steps.items())


def _read_file_commands(path: Path) -> dict[str, str]:
    """GITHUB_OUTPUT / GITHUB_ENV: `name=value` lines and `name<<DELIMITER` blocks."""
    values, lines = {}, path.read_text("utf-8").splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            block = []
            i += 1
            while lines[i] != delimiter:
                block.append(lines[i])
                i += 1
            values[name] = "\n".join(block)
        elif line:
            name, _, value = line.partition("=")
            values[name] = value
        i += 1
    return values


def run_job(workflow: Path, job_id: str, *, github: dict, origin: Path, gh: GitHub, home: Path,
            env: dict[str, str], venv: Path = ROOT / ".venv") -> JobRun:
    data = yaml.safe_load(workflow.read_text("utf-8"))
    job = data["jobs"][job_id]
    ctx = {"github": github, "steps": {}, "env": {}}
    if not condition(job.get("if"), ctx):
        return JobRun("skipped")
    run_dir = home.parent / f"run-{uuid.uuid4().hex[:8]}"
    workspace, runner_temp = run_dir / "workspace", run_dir / "runner-temp"
    runner_temp.mkdir(parents=True)
    base = {
        "PATH": f"{gh.bin}{os.pathsep}{os.environ['PATH']}", "HOME": str(home), "LANG": "C.UTF-8",
        "CI": "true", "GITHUB_ACTIONS": "true", "RUNNER_OS": "Linux", "RUNNER_TEMP": str(runner_temp),
        "GITHUB_WORKSPACE": str(workspace), "GITHUB_REPOSITORY": github["repository"],
        "GITHUB_EVENT_NAME": github["event_name"], "GIT_CONFIG_NOSYSTEM": "1", **env,
    }
    from_github_env: dict[str, str] = {}
    result = JobRun("success", workspace=workspace)
    for index, step in enumerate(job["steps"]):
        name = step.get("name", f"step {index}")
        assert not {"shell", "working-directory", "continue-on-error"} & set(step), f"{name}: runner lacks it"
        if result.conclusion == "failure" or not condition(step.get("if"), ctx):
            result.steps[name] = {"outcome": "skipped"}
            if "id" in step:
                ctx["steps"][step["id"]] = {"outputs": {}, "outcome": "skipped"}
            continue
        outputs: dict[str, str] = {}
        uses = step.get("uses", "")
        if uses.startswith("actions/checkout@"):
            depth = int(step.get("with", {}).get("fetch-depth", 1))
            branch = github["event"]["repository"]["default_branch"]
            subprocess.run(["git", "clone", "-q", "--no-tags", "--branch", branch,
                            *(["--depth", str(depth)] if depth else []), f"file://{origin}", str(workspace)],
                           check=True, env={**base, "HOME": str(home)}, capture_output=True)
            outcome, log = "success", "checked out"
        elif uses.startswith("actions/setup-python@"):
            outcome, log = "success", "stood in for by the .venv link (make setup)"
        elif uses:
            raise AssertionError(f"{workflow.name}: this test's runner does not know {uses}")
        elif step["run"].strip() == "make setup":  # run by test_workflow_commands.py
            (workspace / ".venv").symlink_to(venv)
            outcome, log = "success", "make setup: linked .venv"
        else:
            files = {key: runner_temp / f"{key.lower()}-{index}" for key in
                     ("GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_STEP_SUMMARY", "GITHUB_PATH")}
            for path in files.values():
                path.write_text("", "utf-8")
            step_env = {**base, **{k: str(v) for k, v in files.items()}, **from_github_env}
            for scope in (data.get("env", {}), job.get("env", {}), step.get("env", {})):
                step_env.update({k: interpolate(v, ctx) for k, v in scope.items()})
            script = runner_temp / f"{uuid.uuid4()}.sh"
            script.write_text(step["run"], "utf-8")
            proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                                  cwd=workspace, env=step_env, stdin=subprocess.DEVNULL,
                                  capture_output=True, text=True, timeout=180)
            outcome = "success" if proc.returncode == 0 else "failure"
            log = proc.stdout + proc.stderr + f"[exit {proc.returncode}]"
            outputs = _read_file_commands(files["GITHUB_OUTPUT"])
            from_github_env.update(_read_file_commands(files["GITHUB_ENV"]))
        result.steps[name] = {"outcome": outcome, "outputs": outputs, "log": log}
        if "id" in step:
            ctx["steps"][step["id"]] = {"outputs": outputs, "outcome": outcome}
        if outcome == "failure":
            result.conclusion = "failure"
    return result


# --------------------------------------------------------------------------- repositories


def git(*args, cwd=None, **kw) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True,
                          env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}, **kw).stdout


def make_origin(tmp_path: Path, edit=None) -> Path:
    """A bare repository like the project's: content/, schemas/, .gitignore on main."""
    seed = tmp_path / "seed"
    shutil.copytree(ROOT / "content", seed / "content")
    shutil.copytree(ROOT / "schemas", seed / "schemas")
    shutil.copy(ROOT / ".gitignore", seed / ".gitignore")
    if edit:
        edit(seed)
    git("init", "-q", "-b", "main", cwd=seed)
    git("add", "-A", cwd=seed)
    git("-c", "user.name=Seed", "-c", "user.email=seed@example.org", "commit", "-qm", "Inhalte", cwd=seed)
    origin = tmp_path / "origin.git"
    git("clone", "-q", "--bare", str(seed), str(origin), cwd=tmp_path)
    return origin


@pytest.fixture
def world(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    return {"tmp": tmp_path, "gh": GitHub(tmp_path), "home": home}


# --------------------------------------------------------------------------- freshness.yml


def freshness_github() -> dict:
    return {"token": "ghs_stub", "repository": REPO, "event_name": "schedule",
            "event": {"schedule": "41 5 * * 1", "repository": {"default_branch": "main"}}}


def run_freshness(world, origin, epoch, workflow=FRESHNESS) -> JobRun:
    run = run_job(workflow, "melden", github=freshness_github(), origin=origin, gh=world["gh"],
                  home=world["home"], env={"SOURCE_DATE_EPOCH": epoch})
    assert run.conclusion == "success", run.log()
    return run


def test_freshness_twice_gives_one_issue_the_second_run_edits_it(world):
    gh, origin = world["gh"], make_origin(world["tmp"])
    title = yaml.safe_load(FRESHNESS.read_text("utf-8"))["jobs"]["melden"]["env"]["ISSUE_TITLE"]

    first = run_freshness(world, origin, STALE)
    calls = gh.calls()
    assert commands(calls) == ["label create", "issue list", "issue create"], calls
    assert calls[0]["argv"][2] == "veraltet" and "--force" in calls[0]["argv"]
    assert all(c["GH_REPO"] == REPO for c in calls)
    body = (first.workspace.parent / "runner-temp" / "body.md").read_text("utf-8")
    assert "MITTEndrin! Statt nur dabei." in body
    assert calls[2]["body"] == body

    second = run_freshness(world, origin, STALE)
    calls = gh.calls()[3:]
    assert commands(calls) == ["label create", "issue list", "issue edit"], calls
    number = gh.state["issues"][0]["number"]
    assert calls[2]["argv"][2] == str(number)
    assert calls[2]["body"] == (second.workspace.parent / "runner-temp" / "body.md").read_text("utf-8") == body
    assert "Issue #%d aktualisiert." % number in second.log()

    issues = gh.state["issues"]
    assert len(issues) == 1, issues  # never a duplicate
    assert issues[0] | {"comments": None} == {"number": number, "title": title, "body": body, "state": "open",
                                              "labels": ["veraltet"], "comments": None}
    assert commands(gh.calls()).count("issue create") == 1


def test_freshness_closes_the_issue_when_nothing_is_stale_and_reopens_none(world):
    gh, origin = world["gh"], make_origin(world["tmp"])
    run_freshness(world, origin, STALE)
    number = gh.state["issues"][0]["number"]

    run_freshness(world, origin, FRESH)  # all reviewed: comment and close, no "all fine" issue
    calls = gh.calls()[3:]
    assert commands(calls) == ["label create", "issue list", "issue comment", "issue close"], calls
    assert calls[2]["argv"][2] == calls[3]["argv"][2] == str(number)
    assert "wieder aktuell" in calls[2]["body"]
    assert gh.issue(number)["state"] == "closed"

    fresh_again = run_freshness(world, origin, FRESH)  # nothing open, nothing stale: no call changes anything
    assert commands(gh.calls()[7:]) == ["label create", "issue list"]
    assert "Kein Eintrag ist veraltet." in fresh_again.log()

    run_freshness(world, origin, STALE)  # stale again: the closed issue stays closed, one new open issue
    assert commands(gh.calls()[9:]) == ["label create", "issue list", "issue create"]
    open_issues = [i for i in gh.state["issues"] if i["state"] == "open"]
    assert len(open_issues) == 1 and open_issues[0]["number"] != number


def test_freshness_updates_the_oldest_open_report_and_leaves_other_issues_alone(world):
    gh, origin = world["gh"], make_origin(world["tmp"])
    gh.add_issue(3, labels=["veraltet"], state="closed", body="alt")
    gh.add_issue(5, labels=["veraltet"], body="Bericht")
    gh.add_issue(9, labels=["anderes"], body="fremd")
    gh.add_issue(12, labels=["veraltet", "anderes"], body="zweiter Bericht")
    run_freshness(world, origin, STALE)
    calls = gh.calls()
    assert commands(calls) == ["label create", "issue list", "issue edit"]
    assert calls[2]["argv"][2] == "5"
    assert {i["number"]: i["body"] for i in gh.state["issues"] if i["number"] != 5} == {
        3: "alt", 9: "fremd", 12: "zweiter Bericht"}


def _many_stale_offers(seed: Path) -> None:
    template = (seed / "content" / "offers" / "im-netzwerk-moenchengladbach.yaml").read_text("utf-8")
    for n in range(330):
        ident = f"im-netzwerk-kopie-{n:03d}"
        text = template.replace("id: im-netzwerk-moenchengladbach", f"id: {ident}")
        text = text.replace("name: IM Netzwerk", f"name: IM Netzwerk Kopie {n:03d} Grünstraße")
        text = text.replace("last_reviewed: 2026-11-01", "last_reviewed: 2025-01-15")
        (seed / "content" / "offers" / f"{ident}.yaml").write_text(text, "utf-8")


def test_freshness_cuts_a_long_list_below_githubs_limit(world):
    gh, origin = world["gh"], make_origin(world["tmp"], edit=_many_stale_offers)
    run = run_freshness(world, origin, STALE)
    full = subprocess.run([str(NAHBEI), "freshness", "--format", "markdown"], cwd=run.workspace,
                          env={**os.environ, "SOURCE_DATE_EPOCH": STALE}, capture_output=True, text=True, check=True).stdout
    assert len(full.encode()) > 60000  # the test really has a long list
    created = gh.calls()[-1]
    assert commands([created]) == ["issue create"]
    body = created["body"]
    assert len(body) <= 60000 + 100 < 65536  # GitHub takes at most 65536 characters
    kept, note = body.rstrip("\n").rsplit("\n\n", 1)
    assert note == "… Die Liste ist gekürzt. Die ganze Liste zeigt `nahbei freshness`."
    assert full.startswith(kept + "\n") and kept.count("| IM Netzwerk Kopie") > 100
    assert len(gh.state["issues"]) == 1


def test_freshness_with_invalid_content_fails_before_touching_issues(world):
    def broken(seed):
        (seed / "content" / "offers" / "kaputt.yaml").write_text("id: kaputt\nname: [\n", "utf-8")

    gh, origin = world["gh"], make_origin(world["tmp"], edit=broken)
    run = run_job(FRESHNESS, "melden", github=freshness_github(), origin=origin, gh=gh, home=world["home"],
                  env={"SOURCE_DATE_EPOCH": STALE})
    assert run.conclusion == "failure"
    assert run.steps["Veraltete Einträge auflisten"]["outcome"] == "failure"
    assert "kaputt.yaml" in run.steps["Veraltete Einträge auflisten"]["log"]
    assert run.steps["Issue anlegen, aktualisieren oder schließen"]["outcome"] == "skipped"
    assert gh.calls() == []


def test_freshness_test_bites_when_the_edit_branch_is_gone(world, tmp_path):
    """A copy of freshness.yml without the edit branch creates a second issue, and the tests see it."""
    text = FRESHNESS.read_text("utf-8")
    branch = re.search(r"\n *elif \[ -n \"\$number\" \]; then\n.*?(?=\n *else\n)", text, re.S)
    assert branch, "the edit branch moved; update this test"
    mutant = tmp_path / "freshness.yml"
    mutant.write_text(text.replace(branch[0], ""), "utf-8")
    gh, origin = world["gh"], make_origin(world["tmp"])
    run_freshness(world, origin, STALE, workflow=mutant)
    run_freshness(world, origin, STALE, workflow=mutant)
    assert commands(gh.calls()).count("issue create") == 2
    assert len(gh.state["issues"]) == 2


# --------------------------------------------------------------------------- issue-to-pr.yml

HOSTILE_TITLE = 'Sprachcafé "$(touch PWNED)" `touch PWNED2`; exit 3 ${HOME}'


def issue_github(body: str, labels, *, number=42, title=HOSTILE_TITLE, label="annehmen", state="open") -> dict:
    return {"token": "ghs_stub", "repository": REPO, "event_name": "issues",
            "event": {"action": "labeled", "label": {"name": label},
                      "issue": {"number": number, "title": title, "body": body, "state": state,
                                "labels": [{"name": name} for name in labels]},
                      "repository": {"default_branch": "main"}}}


def run_issue_to_pr(world, origin, body, labels, venv=ROOT / ".venv", **kw) -> JobRun:
    gh = world["gh"]
    if not any(i["number"] == kw.get("number", 42) for i in gh.state["issues"]):
        gh.add_issue(kw.get("number", 42), labels=labels, title=kw.get("title", HOSTILE_TITLE), body=body)
    return run_job(ISSUE_TO_PR, "umwandeln", github=issue_github(body, labels, **kw), origin=origin, gh=gh,
                   home=world["home"], env={"SOURCE_DATE_EPOCH": FRESH}, venv=venv)


def from_issue_directly(tmp_path: Path, form: str, body: str) -> tuple[int, str, Path]:
    """What `nahbei from-issue` prints and writes for this body, run outside the workflow."""
    where = tmp_path / f"direct-{uuid.uuid4().hex[:6]}"
    shutil.copytree(ROOT / "content", where / "content")
    shutil.copytree(ROOT / "schemas", where / "schemas")
    (where / "body.md").write_text(body + "\n", "utf-8")
    proc = subprocess.run([str(NAHBEI), "from-issue", "--form", form, "--body-file", "body.md", "--out-dir", "content"],
                          cwd=where, env={**os.environ, "SOURCE_DATE_EPOCH": FRESH}, capture_output=True, text=True)
    return proc.returncode, proc.stdout + proc.stderr, where


def origin_branches(origin: Path) -> dict[str, str]:
    out = git("for-each-ref", "--format=%(refname:short) %(objectname)", "refs/heads", cwd=origin)
    return dict(line.split() for line in out.splitlines())


@pytest.mark.parametrize("labels, form", [
    (["neues-angebot", "annehmen"], "neues-angebot"),
    (["annehmen", "neue-veranstaltung"], "neue-veranstaltung"),
    (["aenderung"], "aenderung"),
    (["dringend", "aenderung", "neues-angebot"], "neues-angebot"),  # first known form wins
    (["neues-angebot-alt", "x-aenderung", "annehmen"], ""),  # whole labels only
    ([], ""),
])
def test_form_is_detected_from_the_labels_with_jq(world, labels, form):
    """The step "Formular erkennen" alone (after the checkout), for several label sets."""
    data = yaml.safe_load(ISSUE_TO_PR.read_text("utf-8"))
    job = data["jobs"]["umwandeln"]
    job["steps"] = [s for s in job["steps"]
                    if str(s.get("uses", "")).startswith("actions/checkout@") or s.get("id") == "form"]
    workflow = world["tmp"] / "form-step.yml"
    workflow.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    run = run_job(workflow, "umwandeln", github=issue_github("", labels), origin=make_origin(world["tmp"]),
                  gh=world["gh"], home=world["home"], env={})
    assert run.conclusion == "success", run.log()
    assert run.steps["Formular erkennen"]["outputs"] == {"form": form}
    assert world["gh"].calls() == []


GOOD = {form: (ISSUES / f"{form}.md").read_text("utf-8") for form in ("neues-angebot", "neue-veranstaltung", "aenderung")}


@pytest.mark.parametrize("form", sorted(GOOD))
def test_good_form_issue_becomes_a_pushed_branch_and_one_pull_request(world, form):
    gh, origin = world["gh"], make_origin(world["tmp"])
    main_before = origin_branches(origin)["main"]
    run = run_issue_to_pr(world, origin, GOOD[form], [form, "annehmen"])
    assert run.conclusion == "success", run.log()
    assert run.steps["Issue in YAML umwandeln"]["outputs"] == {"ok": "true"}
    assert run.steps["Meldungen ins Issue schreiben"]["outcome"] == "skipped"
    assert run.steps["Kein Formular-Issue"]["outcome"] == "skipped"

    # the branch on the remote holds exactly what `nahbei from-issue` writes, on top of main
    code, _out, direct = from_issue_directly(world["tmp"], form, GOOD[form])
    assert code == 0
    branches = origin_branches(origin)
    assert branches["main"] == main_before
    branch = "eintrag/issue-42"
    assert git("rev-parse", f"{branch}~1", cwd=origin).strip() == main_before
    changed = git("diff", "--name-only", "main", branch, cwd=origin).split()
    assert changed and all(name.startswith("content/") for name in changed)
    for name in changed:
        assert git("show", f"{branch}:{name}", cwd=origin) == (direct / name).read_text("utf-8"), name
    expected = sorted(p.relative_to(direct).as_posix() for p in (direct / "content").rglob("*")
                      if p.is_file() and (p.read_bytes() != (ROOT / p.relative_to(direct)).read_bytes()
                                          if (ROOT / p.relative_to(direct)).exists() else True))
    assert sorted(changed) == expected
    message = git("log", "-1", "--format=%B", branch, cwd=origin).strip()
    assert message == f"Eintrag aus Issue #42: {HOSTILE_TITLE}"  # the title stays text
    assert not list(run.workspace.rglob("PWNED*")) and not list(world["tmp"].rglob("PWNED*"))

    calls = gh.calls()
    assert commands(calls) == ["pr list", "pr create", "pr list", "issue comment"], calls
    create = calls[1]["argv"]
    assert create[create.index("--base") + 1] == "main" and create[create.index("--head") + 1] == branch
    assert create[create.index("--title") + 1] == f"Eintrag: {HOSTILE_TITLE} (#42)"
    pr_body = calls[1]["body"]
    assert "Closes #42" in pr_body and "`nahbei check`: keine Fehler." in pr_body
    assert all(f"- `{name}`" in pr_body for name in changed)
    (pr,) = gh.state["prs"]
    assert pr["headSha"] == branches[branch] and pr["baseRefName"] == "main"
    assert calls[3]["body"] == f"Danke! Der Vorschlag steht jetzt im Pull Request #{pr['number']} und wird dort geprüft."
    assert "annehmen" in gh.issue(42)["labels"]


def test_labelling_again_updates_the_pull_request_instead_of_a_second_one(world):
    gh, origin = world["gh"], make_origin(world["tmp"])
    body = GOOD["neue-veranstaltung"]
    assert run_issue_to_pr(world, origin, body, ["neue-veranstaltung", "annehmen"]).conclusion == "success"
    edited = body.replace("Spieleabend für Familien", "Spieleabend für Familien und Freunde")
    assert edited != body
    run = run_issue_to_pr(world, origin, edited, ["neue-veranstaltung", "annehmen"])
    assert run.conclusion == "success", run.log()
    calls = gh.calls()[4:]
    assert commands(calls) == ["pr list", "pr edit", "issue comment"], calls
    (pr,) = gh.state["prs"]
    assert calls[1]["argv"][2] == str(pr["number"])
    assert pr["body"] == calls[1]["body"] and "Closes #42" in pr["body"]
    assert f"Pull Request #{pr['number']} " in calls[2]["body"]
    # the branch was overwritten with the corrected entry, still one commit on top of main
    branch_tip = origin_branches(origin)["eintrag/issue-42"]
    assert git("rev-parse", "eintrag/issue-42~1", cwd=origin).strip() == origin_branches(origin)["main"]
    changed = git("diff", "--name-only", "main", branch_tip, cwd=origin).split()
    assert any("Freunde" in git("show", f"{branch_tip}:{name}", cwd=origin) for name in changed)


@pytest.mark.parametrize("form, edit", [
    ("neue-veranstaltung", lambda b: b.replace("08.01.2027", "31.02.2027")),
    ("neues-angebot", lambda b: b.replace("https://www.troisdorf.de/", "javascript:alert(1)")),
    ("neues-angebot", lambda b: "Hallo, ich möchte ein Angebot melden: Sprachcafé."),
])
def test_bad_form_issue_gets_the_messages_as_a_comment_and_no_pull_request(world, form, edit):
    gh, origin = world["gh"], make_origin(world["tmp"])
    body = edit(GOOD[form])
    run = run_issue_to_pr(world, origin, body, [form, "annehmen"])
    assert run.conclusion == "success", run.log()
    assert run.steps["Issue in YAML umwandeln"]["outputs"] == {"ok": "false"}
    assert run.steps["Pull Request öffnen oder aktualisieren"]["outcome"] == "skipped"

    calls = gh.calls()
    assert commands(calls) == ["issue comment", "issue edit"], calls
    assert calls[0]["argv"][2] == calls[1]["argv"][2] == "42"
    assert calls[1]["argv"][3:] == ["--remove-label", "annehmen"]
    assert "annehmen" not in gh.issue(42)["labels"] and form in gh.issue(42)["labels"]
    comment = gh.issue(42)["comments"][0]
    messages = re.search(r"\n````text\n(.*)````\n", comment, re.S)[1]
    code, direct_output, _ = from_issue_directly(world["tmp"], form, body)
    assert code == 1 and messages == direct_output  # exactly what the program prints
    assert messages.strip() and "Traceback" not in messages
    assert "Label `annehmen` noch einmal" in comment

    assert set(origin_branches(origin)) == {"main"}  # nothing pushed
    assert git("status", "--porcelain", "--", "content", cwd=run.workspace) == ""  # nothing written
    assert gh.state["prs"] == []


def test_bad_entry_gets_the_same_messages_as_nahbei_check(world):
    """The schema messages in the comment are the lines `nahbei check` prints for that file."""
    gh, origin = world["gh"], make_origin(world["tmp"])
    bad = GOOD["neues-angebot"].replace("https://www.troisdorf.de/", "javascript:alert(1)")
    run_issue_to_pr(world, origin, bad, ["neues-angebot", "annehmen"])
    comment = gh.issue(42)["comments"][0]
    # the same entry, written from the good body and then given the bad address, through `nahbei check`
    _code, _out, direct = from_issue_directly(world["tmp"], "neues-angebot", GOOD["neues-angebot"])
    entry = direct / "content" / "offers" / "sprachcafe-im-stadtteilzentrum.yaml"
    entry.write_text(entry.read_text("utf-8").replace("https://www.troisdorf.de/", "javascript:alert(1)"), "utf-8")
    check = subprocess.run([str(NAHBEI), "check"], cwd=direct, capture_output=True, text=True,
                           env={**os.environ, "SOURCE_DATE_EPOCH": FRESH, "GITHUB_ACTIONS": "false"})
    assert check.returncode == 1
    errors = [line for line in (check.stdout + check.stderr).splitlines() if line.startswith("content/")]
    assert errors and all(f"\n{line}\n" in comment for line in errors), (errors, comment)


def test_issue_without_a_form_label_gets_a_note_and_nothing_else(world):
    gh, origin = world["gh"], make_origin(world["tmp"])
    run = run_issue_to_pr(world, origin, GOOD["neues-angebot"], ["annehmen", "frage"])
    assert run.conclusion == "success", run.log()
    assert run.steps["Formular erkennen"]["outputs"] == {"form": ""}
    assert [name for name, s in run.steps.items() if s["outcome"] != "skipped"] == [
        "Quelltext holen", "Formular erkennen", "Kein Formular-Issue"]
    calls = gh.calls()
    assert commands(calls) == ["issue comment", "issue edit"]
    assert "kommt aus keinem der Formulare" in calls[0]["body"]
    assert calls[1]["argv"][3:] == ["--remove-label", "annehmen"]
    assert set(origin_branches(origin)) == {"main"}


def test_issue_that_changes_nothing_gets_a_note_and_no_pull_request(world):
    """The branch for "from-issue succeeded but changed nothing".

    Today's `nahbei from-issue` always writes something when it succeeds (a second offer of the
    same name gets "-2", a change report adds a comment), so this branch is defensive. To run
    it, the .venv stand-in's `nahbei from-issue` succeeds without writing; every other call
    goes to the real program.
    """
    gh, origin = world["gh"], make_origin(world["tmp"])
    venv = world["tmp"] / "venv-stand-in"
    (venv / "bin").mkdir(parents=True)
    nahbei = venv / "bin" / "nahbei"
    nahbei.write_text(f'#!/bin/sh\nif [ "$1" = from-issue ]; then echo "Nichts zu tun."; exit 0; fi\n'
                      f'exec {NAHBEI} "$@"\n', "utf-8")
    nahbei.chmod(0o755)
    run = run_issue_to_pr(world, origin, GOOD["neues-angebot"], ["neues-angebot", "annehmen"], venv=venv)
    assert run.conclusion == "success", run.log()
    assert run.steps["Issue in YAML umwandeln"]["outputs"] == {"ok": "true"}
    assert "Nichts zu tun." in run.steps["Issue in YAML umwandeln"]["log"]
    calls = gh.calls()
    assert commands(calls) == ["issue comment"]
    assert "keine Änderung" in calls[0]["body"]
    assert set(origin_branches(origin)) == {"main"} and gh.state["prs"] == []


@pytest.mark.parametrize("label, state", [("neues-angebot", "open"), ("annehmen", "closed")])
def test_job_runs_only_for_the_label_annehmen_on_an_open_issue(world, label, state):
    gh, origin = world["gh"], make_origin(world["tmp"])
    run = run_issue_to_pr(world, origin, GOOD["neues-angebot"], ["neues-angebot", "annehmen"],
                          label=label, state=state)
    assert run.conclusion == "skipped"
    assert gh.calls() == [] and set(origin_branches(origin)) == {"main"}
