"""partner-calendars.yml, run the way tests/test_workflow_scripts.py runs the other
workflows: its real `run:` steps with bash, a stub `gh`, real git and the real
`nahbei import ics`, the partners' feeds served over http from this process.

One pull request per calendar of content/sources.yaml; the next run updates it
(force-pushed branch, new body), never a second one; a calendar without changes
gets none; a hand edit shows up as a conflict at the top of its pull request.
"""
from __future__ import annotations

import functools
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from tests.test_workflow_scripts import REPO, WORKFLOW_DIR, commands, git, make_origin, run_job, world  # noqa: F401

WORKFLOW = WORKFLOW_DIR / "partner-calendars.yml"
FEEDS = Path(__file__).parent / "data" / "ics"
EPOCH = "1794744000"  # 2026-11-15, the fixtures' "today"

pytestmark = pytest.mark.xdist_group("workflows")


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def partner_server(tmp_path):
    """An http server for the partners' feeds (a folder of .ics files) on a free local port."""
    folder = tmp_path / "feeds"
    folder.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def github_context() -> dict:
    return {"token": "ghs_stub", "repository": REPO, "event_name": "schedule",
            "event": {"schedule": "17 4 * * *", "repository": {"default_branch": "main"}}}


def origin_with_sources(tmp_path: Path, base_url: str, ids=("familienzentrum", "stadtteilbuero", "ruhig")) -> Path:
    calendars = {
        "familienzentrum": {"name": "Familienzentrum", "url": f"{base_url}/google.ics", "organiser": "stadt-troisdorf",
                            "place": "begegnungsstaette-troisdorf-mitte", "topics": ["begegnung"]},
        "stadtteilbuero": {"name": "Stadtteilbüro", "url": f"{base_url}/xwr-timezone.ics",
                           "organiser": "amt-soziales-troisdorf", "place": "begegnungsstaette-troisdorf-mitte"},
        # a calendar whose feed has nothing to bring: no pull request for it
        "ruhig": {"name": "Ruhiger Kalender", "url": f"{base_url}/leer.ics", "organiser": "stadt-troisdorf",
                  "place": "begegnungsstaette-troisdorf-mitte"},
    }

    def edit(seed: Path) -> None:
        (seed / "content" / "sources.yaml").write_text(
            "# yaml-language-server: $schema=../schemas/sources.schema.json\n"
            + yaml.safe_dump({"calendars": [{"id": i, **calendars[i]} for i in ids]}, allow_unicode=True,
                             sort_keys=False), "utf-8")

    return make_origin(tmp_path, edit=edit)


def run(world, origin):  # noqa: F811 - the fixture's value
    job = run_job(WORKFLOW, "uebernehmen", github=github_context(), origin=origin, gh=world["gh"],
                  home=world["home"], env={"SOURCE_DATE_EPOCH": EPOCH})
    assert job.conclusion == "success", job.log()
    return job


def branch_files(origin: Path, branch: str) -> list[str]:
    return git("diff", "--name-only", "main", branch, cwd=origin).split()


def test_one_pull_request_per_calendar_updated_not_duplicated_on_the_next_run(world, partner_server):  # noqa: F811
    feeds, base_url = partner_server
    for name in ("google.ics", "xwr-timezone.ics"):
        shutil.copy(FEEDS / name, feeds / name)
    (feeds / "leer.ics").write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//leer//DE\r\nEND:VCALENDAR\r\n")
    gh, origin = world["gh"], origin_with_sources(world["tmp"], base_url)

    first = run(world, origin)
    assert commands(gh.calls()) == ["pr list", "pr create", "pr list", "pr create"], gh.calls()
    prs = {p["headRefName"]: p for p in gh.state["prs"]}
    assert sorted(prs) == ["kalender/familienzentrum", "kalender/stadtteilbuero"]
    assert all(p["baseRefName"] == "main" and p["state"] == "open" for p in prs.values())
    assert "Kalender ruhig: keine Änderung." in first.log()
    # each branch holds its own calendar's entries only
    family = branch_files(origin, "kalender/familienzentrum")
    assert "content/events/eltern-kind-cafe.yaml" in family and len(family) == 4
    assert branch_files(origin, "kalender/stadtteilbuero") == [
        "content/events/quartiersrat.yaml", "content/events/sprechstunde-quartiersmanagement.yaml",
        "content/events/stadtteilspaziergang-2026-11-28.yaml"]
    body = prs["kalender/familienzentrum"]["body"]
    assert "Termine aus dem Kalender `familienzentrum`" in body
    assert "Neu: „Eltern-Kind-Café“ → content/events/eltern-kind-cafe.yaml" in body
    assert "Privater Termin (CLASS:PRIVATE oder CONFIDENTIAL)" in body  # the report, event by event
    assert "`nahbei check`: keine Fehler." in body and "Achtung" not in body
    first_heads = {b: git("rev-parse", b, cwd=origin).strip() for b in prs}

    # the next day the partner moves an event: the same two pull requests, updated
    google = (feeds / "google.ics").read_text("utf-8")
    (feeds / "google.ics").write_text(google.replace("SUMMARY:Weihnachtsbasar im Familienzentrum",
                                                     "SUMMARY:Weihnachtsbasar mit Kinderflohmarkt"), "utf-8")
    run(world, origin)
    second = gh.calls()[4:]
    assert commands(second) == ["pr list", "pr edit", "pr list", "pr edit"], second
    assert [c["argv"][2] for c in second if c["argv"][:2] == ["pr", "edit"]] == [
        str(prs["kalender/familienzentrum"]["number"]), str(prs["kalender/stadtteilbuero"]["number"])]
    assert len(gh.state["prs"]) == 2 and commands(gh.calls()).count("pr create") == 2
    updated = gh.pr(prs["kalender/familienzentrum"]["number"])["body"]
    assert "Neu: „Weihnachtsbasar mit Kinderflohmarkt“" in updated
    # not merged yet: the branch starts again from main, so the entry gets the id of its new title
    assert git("show", "kalender/familienzentrum:content/events/weihnachtsbasar-mit-kinderflohmarkt-2026-12-19.yaml",
               cwd=origin).count("title: Weihnachtsbasar mit Kinderflohmarkt") == 1
    assert "content/events/weihnachtsbasar-im-familienzentrum-2026-12-19.yaml" not in branch_files(
        origin, "kalender/familienzentrum")
    assert git("rev-parse", "kalender/familienzentrum", cwd=origin).strip() != first_heads["kalender/familienzentrum"]


def test_a_hand_edit_on_main_is_the_conflict_at_the_top_of_the_pull_request(world, partner_server):  # noqa: F811
    feeds, base_url = partner_server
    shutil.copy(FEEDS / "xwr-timezone.ics", feeds / "xwr-timezone.ics")
    gh, origin = world["gh"], origin_with_sources(world["tmp"], base_url, ids=("stadtteilbuero",))
    run(world, origin)
    number = gh.state["prs"][0]["number"]

    # the pull request is merged, then a volunteer edits an imported entry on main
    work = world["tmp"] / "work"
    git("clone", "-q", str(origin), str(work))
    git("merge", "-q", "--ff-only", "origin/kalender/stadtteilbuero", cwd=work)
    entry = work / "content" / "events" / "quartiersrat.yaml"
    entry.write_text(entry.read_text("utf-8").replace("title: Quartiersrat", "title: Quartiersrat Nord"), "utf-8")
    git("-c", "user.name=Ehrenamt", "-c", "user.email=e@example.org", "commit", "-qam", "Titel", cwd=work)
    git("push", "-q", "origin", "HEAD:main", cwd=work)
    st = gh.state
    st["prs"][0]["state"] = "merged"
    gh.state = st

    # the partner changes the same event: a new pull request that says so and changes nothing in the file
    text = (feeds / "xwr-timezone.ics").read_text("utf-8")
    (feeds / "xwr-timezone.ics").write_text(text.replace("DTSTART:20261204T160000Z\nDTEND:20261204T180000Z",
                                                         "DTSTART:20261204T170000Z\nDTEND:20261204T190000Z"), "utf-8")
    run(world, origin)
    assert commands(gh.calls()[2:]) == ["pr list", "pr create"]
    pr = gh.state["prs"][-1]
    assert pr["number"] != number
    assert "**Achtung:** Einträge, die seit dem letzten Import von Hand geändert wurden, sind nicht" in pr["body"]
    assert "Nicht überschrieben: „Quartiersrat“ (content/events/quartiersrat.yaml)" in pr["body"]
    assert "title: in der Datei Quartiersrat Nord – im Kalender Quartiersrat" in pr["body"]
    assert branch_files(origin, "kalender/stadtteilbuero") == []  # an empty commit: the file stays as edited
