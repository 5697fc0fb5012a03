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
    a second pull request for the same branch of the same repository, a pull request for a
    branch not on the remote. Pull requests carry what GitHub knows about their origin
    (isCrossRepository, headRepositoryOwner, author as gh prints it: "app/github-actions" for
    the workflow's token), so a fork's pull request from a branch of the same name can be
    seeded. Its --jq goes through the real jq;
  - the runner's handling of workflow commands in a step's output is modelled after
    actions/runner (ActionCommandManager): `::name …::` at the start of a line (after leading
    white space), `##[name …]` anywhere in a line, lines split at CR and LF, and
    `::stop-commands::TOKEN` … `::TOKEN::` in between which nothing is a command. Each step
    keeps the commands the runner would have carried out;
  - `actions/checkout` stores the token in .git/config (http extraheader) unless
    `persist-credentials: false`, as the real action does;
  - git, jq, awk and wc are the real ones.
"""
from __future__ import annotations

import base64
import html as htmllib
import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import cmarkgfm
import pytest
import yaml
from tests.support.content import mark_reviewed

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW_DIR = ROOT / ".github" / "workflows"
FRESHNESS = WORKFLOW_DIR / "freshness.yml"
ISSUE_TO_PR = WORKFLOW_DIR / "issue-to-pr.yml"
ISSUES = Path(__file__).parent / "data" / "issues"
NAHBEI = ROOT / ".venv" / "bin" / "nahbei"

STALE = "1811116800"  # 2027-05-24: MITTEndrin! is due for review (make_origin: 2026-11-01, every 6 months)
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
    ("pr", "comment"): {"--body", "--body-file"},
}
BOOL_FLAGS = {"--force"}
FIELDS = {"issue": {"number", "title", "body", "state"},
          "pr": {"number", "title", "body", "state", "headRefName", "baseRefName", "url",
                 "isCrossRepository", "headRepositoryOwner", "author"}}
# What gh prints as the author of anything done with a workflow's GITHUB_TOKEN.
WORKFLOW_AUTHOR = {"login": "app/github-actions", "is_bot": True}


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
        if any(p["headRefName"] == head and p["state"] == "open" and not p["isCrossRepository"]
               for p in state["prs"]):
            raise Fail(f'a pull request for branch "{head}" into branch "{base}" already exists')
        remote = subprocess.run(["git", "ls-remote", "--exit-code", "origin", f"refs/heads/{head}"],
                                capture_output=True, text=True)
        if remote.returncode:
            raise Fail(f"aborted: you must first push the current branch to a remote ({head})")
        number = new_number(state)
        state["prs"].append({"number": number, "title": one(flags, "--title"), "body": body,
                             "state": "open", "headRefName": head, "baseRefName": base,
                             "headSha": remote.stdout.split()[0], "url": f"https://github.com/{repo}/pull/{number}",
                             "isCrossRepository": False, "headRepositoryOwner": {"login": repo.split("/")[0]},
                             "author": WORKFLOW_AUTHOR, "comments": []})
        return f"https://github.com/{repo}/pull/{number}\n"
    if cmd == ("pr", "edit"):
        pr = find(state["prs"], pos[0], "a pull request")
        if body is not None:
            pr["body"] = body
        if "--title" in flags:
            pr["title"] = one(flags, "--title")
        return f"https://github.com/{repo}/pull/{pr['number']}\n"
    if cmd == ("pr", "comment"):
        pr = find(state["prs"], pos[0], "a pull request")
        if not body:
            raise Fail("body cannot be blank")
        pr["comments"].append(body)
        return f"https://github.com/{repo}/pull/{pr['number']}#issuecomment-2\n"
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

    def add_fork_pr(self, number: int, *, branch: str, owner="angreifer", body="Bitte übernehmen") -> None:
        """An open pull request from a fork whose branch has the given name."""
        st = self.state
        st["prs"].append({"number": number, "title": "Eintrag", "body": body, "state": "open",
                          "headRefName": branch, "baseRefName": "main", "headSha": "0" * 40,
                          "url": f"https://github.com/{REPO}/pull/{number}", "isCrossRepository": True,
                          "headRepositoryOwner": {"login": owner},
                          "author": {"login": owner, "id": "U_1", "name": owner, "is_bot": False}, "comments": []})
        st["next_number"] = max(st["next_number"], number + 1)
        self.state = st

    def pr(self, number: int) -> dict:
        return next(p for p in self.state["prs"] if p["number"] == number)

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
    if "(" in expr:
        raise AssertionError(f"expression not supported by this test's runner: {expr!r}")
    if "||" in expr:  # binds weaker than &&; without parentheses splitting is enough
        return any(evaluate(term, ctx) for term in expr.split("||"))
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
    assert condition("github.event.label.name == 'x' || github.event.label.name == 'annehmen'", ctx)
    assert not condition("github.event.label.name == 'x' || steps.form.outputs.form != ''", ctx)
    assert condition("github.event.label.name == 'x' || github.event.label.name == 'annehmen' && "
                     "steps.form.outputs.form == ''", ctx)
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


def runner_commands(output: str) -> list[str]:
    """The workflow commands actions/runner would carry out for this step output.

    Modelled after ActionCommandManager.TryProcessCommand: the output is read line by line
    (.NET ReadLine ends a line at CR, LF and CRLF); a line is a command in the `::name …::`
    form after leading white space, or in the old `##[name …]` form anywhere in the line.
    After `::stop-commands::TOKEN` nothing is a command until `::TOKEN::` (or `##[TOKEN]`).
    Returns each carried-out command as "name data" ("stop-commands TOKEN", "TOKEN" for the
    resume), so a test can see spoofed annotations, masks and nested stops.
    """
    done, stop_token = [], None
    for line in re.split(r"\r\n|\r|\n", output):
        name = data = None
        stripped = line.lstrip()
        if stripped.startswith("::") and "::" in stripped[2:]:
            info, data = stripped[2:].split("::", 1)
            name = info.split(" ", 1)[0]
        elif "##[" in line and "]" in line[line.index("##[") + 3:]:
            rest = line[line.index("##[") + 3:]
            info, data = rest.split("]", 1)
            name = info.split(" ", 1)[0]
        if not name:
            continue
        if stop_token is not None:
            if name.lower() == stop_token.lower():
                done.append(name)
                stop_token = None
            continue
        if name == "stop-commands":
            stop_token = data
        done.append(f"{name} {data}".strip())
    return done


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
            if step.get("with", {}).get("persist-credentials", True) is not False:
                # what actions/checkout leaves for later steps: the token in the local git config
                header = base64.b64encode(f"x-access-token:{github['token']}".encode()).decode()
                git("config", "--local", "http.https://github.com/.extraheader", f"AUTHORIZATION: basic {header}",
                    cwd=workspace)
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
            result.steps[name] = {"commands": runner_commands(proc.stdout) + runner_commands(proc.stderr),
                                  "token_in_env": github["token"] in step_env.values(),
                                  "token_in_git_config": _token_in_git_config(workspace, github["token"])}
        result.steps[name] = {**result.steps.get(name, {}), "outcome": outcome, "outputs": outputs, "log": log}
        if "id" in step:
            ctx["steps"][step["id"]] = {"outputs": outputs, "outcome": outcome}
        if outcome == "failure":
            result.conclusion = "failure"
    return result


def _token_in_git_config(workspace: Path, token: str) -> bool:
    """Whether a script in the workspace could read the token from the repository's git config."""
    config = workspace / ".git" / "config"
    if not config.exists():
        return False
    text = config.read_text("utf-8")
    return token in text or base64.b64encode(f"x-access-token:{token}".encode()).decode() in text


# --------------------------------------------------------------------------- repositories


def git(*args, cwd=None, **kw) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True,
                          env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}, **kw).stdout


def make_origin(tmp_path: Path, edit=None) -> Path:
    """A bare repository like the project's: content/, schemas/, .gitignore on main;
    MITTEndrin! was reviewed on 2026-11-01 and is due every 6 months."""
    seed = tmp_path / "seed"
    shutil.copytree(ROOT / "content", seed / "content")
    shutil.copytree(ROOT / "schemas", seed / "schemas")
    shutil.copy(ROOT / ".gitignore", seed / ".gitignore")
    mark_reviewed(seed / "content" / "offers" / "mittendrin-troisdorf.yaml", "2026-11-01", months=6)
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
        (seed / "content" / "offers" / f"{ident}.yaml").write_text(text, "utf-8")
        mark_reviewed(seed / "content" / "offers" / f"{ident}.yaml", "2025-01-15")


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
    """What `nahbei from-issue` prints on stdout (its messages) and writes for this body,
    run outside the workflow."""
    where = tmp_path / f"direct-{uuid.uuid4().hex[:6]}"
    shutil.copytree(ROOT / "content", where / "content")
    shutil.copytree(ROOT / "schemas", where / "schemas")
    (where / "body.md").write_text(body + "\n", "utf-8")
    proc = subprocess.run([str(NAHBEI), "from-issue", "--form", form, "--body-file", "body.md", "--out-dir", "content"],
                          cwd=where, env={**os.environ, "SOURCE_DATE_EPOCH": FRESH}, capture_output=True, text=True)
    return proc.returncode, proc.stdout, where


def fenced_text(markdown: str) -> str:
    """The text of the one fenced code block in a comment, as GitHub's parser reads it."""
    html = cmarkgfm.github_flavored_markdown_to_html(markdown)
    blocks = re.findall(r"<pre[^>]*><code[^>]*>(.*?)</code></pre>", html, re.S)
    assert len(blocks) == 1, html
    return htmllib.unescape(blocks[0]).removesuffix("\n")


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
    assert run.steps["Issue in YAML umwandeln"]["outputs"] == {"result": "entry"}
    assert run.steps["Meldungen ins Issue schreiben"]["outcome"] == "skipped"
    assert run.steps["Eintrag committen und prüfen"]["outputs"] == {"changed": "true"}
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
    assert commands(calls) == ["pr list", "pr create", "issue comment"], calls
    create = calls[1]["argv"]
    assert create[create.index("--base") + 1] == "main" and create[create.index("--head") + 1] == branch
    assert create[create.index("--title") + 1] == f"Eintrag: {HOSTILE_TITLE} (#42)"
    pr_body = calls[1]["body"]
    assert "Closes #42" in pr_body and "`nahbei check`: keine Fehler." in pr_body
    assert all(f"- `{name}`" in pr_body for name in changed)
    (pr,) = gh.state["prs"]
    assert pr["headSha"] == branches[branch] and pr["baseRefName"] == "main"
    assert calls[2]["body"] == f"Danke! Der Vorschlag steht jetzt im Pull Request #{pr['number']} und wird dort geprüft."
    assert "annehmen" in gh.issue(42)["labels"]


def test_labelling_again_updates_the_pull_request_instead_of_a_second_one(world):
    gh, origin = world["gh"], make_origin(world["tmp"])
    body = GOOD["neue-veranstaltung"]
    assert run_issue_to_pr(world, origin, body, ["neue-veranstaltung", "annehmen"]).conclusion == "success"
    edited = body.replace("Spieleabend für Familien", "Spieleabend für Familien und Freunde")
    assert edited != body
    run = run_issue_to_pr(world, origin, edited, ["neue-veranstaltung", "annehmen"])
    assert run.conclusion == "success", run.log()
    calls = gh.calls()[3:]
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
    assert run.steps["Issue in YAML umwandeln"]["outputs"] == {"result": "messages"}
    assert run.steps["Eintrag committen und prüfen"]["outcome"] == "skipped"
    assert run.steps["Pull Request öffnen oder aktualisieren"]["outcome"] == "skipped"

    calls = gh.calls()
    assert commands(calls) == ["issue comment", "issue edit"], calls
    assert calls[0]["argv"][2] == calls[1]["argv"][2] == "42"
    assert calls[1]["argv"][3:] == ["--remove-label", "annehmen"]
    assert "annehmen" not in gh.issue(42)["labels"] and form in gh.issue(42)["labels"]
    comment = gh.issue(42)["comments"][0]
    messages = fenced_text(comment)
    code, direct_output, _ = from_issue_directly(world["tmp"], form, body)
    assert code == 1 and messages + "\n" == direct_output  # exactly what the program prints
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
    assert run.steps["Issue in YAML umwandeln"]["outputs"] == {"result": "entry"}
    assert run.steps["Eintrag committen und prüfen"]["outputs"] == {"changed": "false"}
    assert run.steps["Pull Request öffnen oder aktualisieren"]["outcome"] == "skipped"
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


# --------------------------------------------------------------------------- issue-to-pr.yml: trust


def venv_stand_in(tmp_path: Path, script: str) -> Path:
    """A .venv whose `nahbei` is the given sh script; "$REAL" in it is the real program."""
    venv = tmp_path / f"venv-{uuid.uuid4().hex[:6]}"
    (venv / "bin").mkdir(parents=True)
    nahbei = venv / "bin" / "nahbei"
    nahbei.write_text("#!/bin/sh\n" + script.replace("$REAL", str(NAHBEI)), "utf-8")
    nahbei.chmod(0o755)
    return venv


@pytest.mark.parametrize("fork_opened", ["before the first run", "between two runs"])
def test_a_fork_pull_request_from_a_branch_of_the_same_name_is_left_alone(world, fork_opened):
    """A fork can open a pull request from its own `eintrag/issue-42`: `gh pr list --head`
    lists it too. The workflow must neither edit it nor point the issue at it."""
    gh, origin = world["gh"], make_origin(world["tmp"])
    body = GOOD["neue-veranstaltung"]
    labels = ["neue-veranstaltung", "annehmen"]
    if fork_opened == "before the first run":
        gh.add_fork_pr(7, branch="eintrag/issue-42")
        run = run_issue_to_pr(world, origin, body, labels)
    else:
        assert run_issue_to_pr(world, origin, body, labels).conclusion == "success"
        gh.add_fork_pr(50, branch="eintrag/issue-42")  # newer than ours: listed first
        run = run_issue_to_pr(world, origin, body.replace("Spieleabend für Familien", "Spieleabend für alle"), labels)
    assert run.conclusion == "success", run.log()

    fork_number = 7 if fork_opened == "before the first run" else 50
    fork = gh.pr(fork_number)
    assert fork["body"] == "Bitte übernehmen" and fork["comments"] == [] and fork["title"] == "Eintrag"
    assert not [c for c in gh.calls() if c["argv"][:1] == ["pr"] and c["argv"][1] in ("edit", "comment")
                and c["argv"][2] == str(fork_number)]
    (ours,) = [p for p in gh.state["prs"] if not p["isCrossRepository"]]
    assert ours["number"] != fork_number and ours["headRefName"] == "eintrag/issue-42"
    assert "Closes #42" in ours["body"]
    comments = gh.issue(42)["comments"]
    assert comments[-1] == f"Danke! Der Vorschlag steht jetzt im Pull Request #{ours['number']} und wird dort geprüft."
    assert not any(f"#{fork_number} " in c for c in comments)
    assert commands(gh.calls()).count("pr create") == 1  # the second run edits ours


def test_a_same_repository_pull_request_opened_by_a_person_is_not_taken_over(world):
    """Only pull requests the workflow opened itself count as "its" pull request."""
    gh, origin = world["gh"], make_origin(world["tmp"])
    assert run_issue_to_pr(world, origin, GOOD["aenderung"], ["aenderung", "annehmen"]).conclusion == "success"
    st = gh.state
    st["prs"][0]["author"] = {"login": "jemand", "id": "U_9", "name": "Jemand", "is_bot": False}
    gh.state = st
    run = run_issue_to_pr(world, origin, GOOD["aenderung"], ["aenderung", "annehmen"])
    assert run.conclusion == "failure"  # gh pr create refuses: the branch has an open pull request
    assert not [c for c in gh.calls() if commands([c]) == ["pr edit"]]


HOSTILE_ANSWER = "\n".join([
    "18",
    "::error title=Sicherheitslücke::Bitte sofort mergen",
    "::add-mask::ghs_stub",
    "::stop-commands::abc",
    "::abc::",
    "  ::warning file=README.md::eingerückt",
    "##[error]alte Form mitten in der Zeile",
    "Zeile mit CR\r::notice::nach dem Wagenrücklauf",
    "::set-output name=result::entry",
    "```",
    "````",
    "``````````",
    "@beispiel/technik @octocat bitte sofort mergen: [hier](https://evil.example/)",
    "<img src=x onerror=alert(1)>",
    "````````````````",
    "## Überschrift",
])


def hostile_offer_body() -> str:
    assert "\n### Alter von\n\n18\n" in GOOD["neues-angebot"]
    return GOOD["neues-angebot"].replace("\n### Alter von\n\n18\n", f"\n### Alter von\n\n{HOSTILE_ANSWER}\n")


def assert_no_runner_commands_but_own_stops(run: JobRun, text: str) -> None:
    """No step's output makes the runner do anything but stop and resume its command
    processing, with a token that is random (not in the text); no line of any log starts
    with `::` except these."""
    for name, step in run.steps.items():
        done = step.get("commands", [])
        own = set()
        # a stop without its resume is caught by the length check below
        for stop, resume in zip(done[::2], done[1::2], strict=False):
            token = stop.removeprefix("stop-commands ")
            assert stop.startswith("stop-commands ") and resume == token, (name, done)
            assert re.fullmatch(r"[0-9a-f]{32}", token) and token not in text, token
            own |= {f"::stop-commands::{token}", f"::{token}::"}
        assert len(done) % 2 == 0, (name, done)
        for line in re.split(r"\r\n|\r|\n", step.get("log", "")):
            assert not line.lstrip().startswith("::") or line in own, (name, line)


def test_hostile_answers_reach_no_runner_command_and_stay_inside_the_fence(world):
    gh, origin = world["gh"], make_origin(world["tmp"])
    body = hostile_offer_body()
    run = run_issue_to_pr(world, origin, body, ["neues-angebot", "annehmen"])
    assert run.conclusion == "success", run.log()
    assert_no_runner_commands_but_own_stops(run, body)
    log = run.steps["Issue in YAML umwandeln"]["log"]
    assert "Bitte sofort mergen" in log and "nach dem Wagenrücklauf" in log  # shown to maintainers

    (comment,) = gh.issue(42)["comments"]
    code, direct_output, _ = from_issue_directly(world["tmp"], "neues-angebot", body)
    assert code == 1 and "Sicherheitslücke" in direct_output and "````````````````" in direct_output
    assert fenced_text(comment) + "\n" == direct_output  # all of it inside the one code block
    html = cmarkgfm.github_flavored_markdown_to_html(comment)
    outside = re.sub(r"<pre[^>]*>.*?</pre>", "", html, flags=re.S)
    for marker in ("Sicherheitslücke", "@octocat", "@beispiel", "evil.example", "<img", "<h2", "<a "):
        assert marker not in outside, (marker, html)
    assert "Label <code>annehmen</code> noch einmal" in outside
    assert run.steps["Issue in YAML umwandeln"]["outputs"] == {"result": "messages"}


def test_hostile_check_output_stays_inside_the_pull_request_bodys_fence(world):
    """`nahbei check` quotes values from the files; what it prints goes into the PR body."""
    gh, origin = world["gh"], make_origin(world["tmp"])
    hostile = world["tmp"] / "check-output.txt"
    hostile.write_text(f"content/offers/x.yaml:1:1: Fehler: „{HOSTILE_ANSWER}“\n", "utf-8")
    venv = venv_stand_in(world["tmp"], f'if [ "$1" = check ]; then cat {hostile}; echo "::error::aus stderr" >&2; '
                                       'exit 1; fi\nexec $REAL "$@"\n')
    run = run_issue_to_pr(world, origin, GOOD["neues-angebot"], ["neues-angebot", "annehmen"], venv=venv)
    assert run.conclusion == "success", run.log()
    assert_no_runner_commands_but_own_stops(run, HOSTILE_ANSWER)
    (pr,) = gh.state["prs"]
    assert "`nahbei check` meldet noch Fehler:" in pr["body"]
    assert fenced_text(pr["body"]) + "\n" == hostile.read_text("utf-8")
    outside = re.sub(r"<pre[^>]*>.*?</pre>", "", cmarkgfm.github_flavored_markdown_to_html(pr["body"]), flags=re.S)
    assert "@octocat" not in outside and "Sicherheitslücke" not in outside and "Closes #42" in outside


PATH_OR_TRACE = re.compile(r"Traceback|File \"|\.py\b|/(?:home|tmp|usr|work|opt|root)/|site-packages|Error:")


@pytest.mark.parametrize("case", ["superscript two", "exception in convert", "exception before the handler",
                                  "killed by a signal"])
def test_a_crash_posts_a_short_message_and_no_traceback(world, case):
    gh, origin = world["gh"], make_origin(world["tmp"])
    body = GOOD["neues-angebot"]
    venv = ROOT / ".venv"
    if case == "superscript two":  # "²".isdigit() is true and int("²") fails
        body = body.replace("\n### Alter von\n\n18\n", "\n### Alter von\n\n²\n")
    elif case == "exception in convert":
        venv = venv_stand_in(world["tmp"], f"""exec {sys.executable} -c '
import sys
import nahbei.contribute.issueform as issueform
def convert(*args, **kw):
    raise RuntimeError("kaputt in {ROOT}/plugins/nahbei/contribute/issueform.py beim Wert ²")
issueform.convert = convert
from nahbei.cli import main
sys.exit(main(sys.argv[1:]))
' "$@"
""")
    elif case == "exception before the handler":
        venv = venv_stand_in(world["tmp"], f"""exec {sys.executable} -c '
raise ImportError("cannot import name convert from {ROOT}/plugins/nahbei/contribute/issueform.py")' "$@"
""")
    else:
        venv = venv_stand_in(world["tmp"], 'echo "Traceback (most recent call last):" >&2; kill -SEGV $$\n')
    run = run_issue_to_pr(world, origin, body, ["neues-angebot", "annehmen"], venv=venv)
    assert run.conclusion == "success", run.log()

    (comment,) = gh.issue(42)["comments"]
    assert not PATH_OR_TRACE.search(comment), comment
    assert "annehmen" not in gh.issue(42)["labels"]
    assert gh.state["prs"] == [] and set(origin_branches(origin)) == {"main"}
    if case == "superscript two":  # not a crash any more: the volunteer's message
        assert run.steps["Issue in YAML umwandeln"]["outputs"] == {"result": "messages"}
        assert fenced_text(comment) == "Formular: Alter von: Fehler: „²“ ist keine Zahl. Schreiben Sie nur die Zahl, z. B. 28."
        return
    assert run.steps["Issue in YAML umwandeln"]["outputs"] == {"result": "error"}
    assert "unerwarteten Fehler" in comment and "nicht an Ihren Angaben" in comment
    log = run.steps["Issue in YAML umwandeln"]["log"]
    assert "Traceback" in log  # the details stay in the log
    if case == "exception in convert":  # the program's own sentence, from the locale file
        sentence = yaml.safe_load((ROOT / "plugins/nahbei/locales/de.yaml").read_text("utf-8"))["cli"]["unexpected_error"]
        assert sentence in comment and "RuntimeError: kaputt" in log
        assert "nahbei from-issue endete mit 2." in log  # the handler's exit code, not the workflow's fallback


@pytest.mark.parametrize("body, labels, needs_token", [
    (GOOD["neues-angebot"], ["neues-angebot", "annehmen"], {"Pull Request öffnen oder aktualisieren"}),
    ("Kein Formular", ["neues-angebot", "annehmen"], {"Meldungen ins Issue schreiben"}),
    (GOOD["neues-angebot"], ["annehmen"], {"Kein Formular-Issue"}),
], ids=["entry", "messages", "no form"])
def test_the_token_is_only_in_the_steps_that_call_gh_or_push(world, body, labels, needs_token):
    """A run: the token is in the environment of exactly the steps that need it, and never in
    the repository's git config, where `make setup` or `nahbei` could read it."""
    gh, origin = world["gh"], make_origin(world["tmp"])
    run = run_issue_to_pr(world, origin, body, labels)
    assert run.conclusion == "success", run.log()
    ran = {name: s for name, s in run.steps.items() if "token_in_env" in s}
    assert {name for name, s in ran.items() if s["token_in_env"]} == needs_token
    assert len(ran) > len(needs_token)  # steps without it ran too
    assert not [name for name, s in ran.items() if s["token_in_git_config"]]
    assert gh.calls() and all(c.get("exit") == 0 for c in gh.calls())  # gh had what it needs
    if "Pull Request öffnen oder aktualisieren" in needs_token:
        assert "Issue in YAML umwandeln" in ran and "Eintrag committen und prüfen" in ran
        assert len(gh.state["prs"]) == 1 and "eintrag/issue-42" in origin_branches(origin)
