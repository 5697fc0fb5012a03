"""Time ``write_feeds`` on a synthetic directory: ``python -m nahbei.feeds.bench --n 10000``.

The directory is built in memory (``Event.from_data``, no YAML, no
validation), with a mix like real content: weekly and monthly series with
exceptions, cancelled and moved dates, single and all-day events, spread over
topics, target groups, regions, offers, organisers and places. Prints the
number of feeds, bytes and seconds; ``--out`` keeps the files.

``--git-commits K`` also times SEQUENCE/LAST-MODIFIED from git (``event_versions``,
one ``git log``): the entries' files in a scratch repository with K commits,
each after the first changing one file in a hundred.

``--languages en,ar,uk`` also times ``write_language_feeds`` for those site
languages, with ``--translated`` (a fraction, default 0.1) of the events
translated into each.
"""
from __future__ import annotations

import argparse
import os
import random
import subprocess
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from ..model.directory import Contact, Directory, Event, Offer, Place, Taxonomy, _freeze
from ..urls import Urls
from . import event_versions, shown_files, write_feeds, write_language_feeds

WEEKDAYS = ("mo", "di", "mi", "do", "fr", "sa", "so")


def synthetic_directory(n: int, today: date = date(2026, 11, 22), seed: int = 1, languages=(),
                        translated: float = 0.0) -> Directory:
    rnd = random.Random(seed)
    topics = {f"thema-{i}": {"label": f"Thema {i}"} for i in range(12)}
    groups = {f"gruppe-{i}": {"label": f"Gruppe {i}"} for i in range(8)}
    regions = {f"region-{i}": {"label": f"Region {i}", **({"parent": f"region-{i % 5}"} if i >= 5 else {})}
               for i in range(40)}
    taxonomy = Taxonomy.from_data({"topics": topics, "target_groups": groups, "regions": regions})
    n_places, n_contacts, n_offers = max(1, n // 20), max(1, n // 30), max(1, n // 25)
    places = {f"ort-{i}": Place(f"ort-{i}", f"content/places/ort-{i}.yaml", _freeze({
        "id": f"ort-{i}", "name": f"Treffpunkt {i}",
        "address": {"street": f"Hauptstraße {i}", "postcode": "53840", "town": "Troisdorf"},
        "region": f"region-{i % 40}",
        **({"coordinates": {"lat": 50.8 + i / 1e4, "lon": 7.1}} if i % 2 else {}),
    })) for i in range(n_places)}
    contacts = {f"kontakt-{i}": Contact(f"kontakt-{i}", f"content/contacts/kontakt-{i}.yaml", _freeze({
        "id": f"kontakt-{i}", "kind": "office", "name": f"Stelle {i}",
        **({"email": f"stelle{i}@example.org"} if i % 3 else {}),
    })) for i in range(n_contacts)}
    offers = {f"angebot-{i}": Offer(f"angebot-{i}", f"content/offers/angebot-{i}.yaml", _freeze({
        "id": f"angebot-{i}", "name": f"Angebot {i}", "status": "active", "provider": f"kontakt-{i % n_contacts}",
        "topics": [f"thema-{i % 12}"], "target_groups": [f"gruppe-{i % 8}"], "summary": "Ein Angebot.",
        "last_reviewed": "2026-11-01",
    })) for i in range(n_offers)}
    events = {}
    for i in range(n):
        eid = f"termin-{i}"
        start = today + timedelta(days=rnd.randrange(-200, 200))
        hour = rnd.choice((9, 10, 14, 17, 18))
        data = {
            "id": eid, "title": f"Veranstaltung Nummer {i}: Treffen, Austausch; Beratung",
            "summary": "Ein Treffen für alle, die sich austauschen möchten. Ohne Anmeldung, kostenlos.",
            "start": f"{start} {hour:02d}:00", "end": f"{start} {hour + 2:02d}:00",
            "place": f"ort-{rnd.randrange(n_places)}", "organiser": f"kontakt-{rnd.randrange(n_contacts)}",
            "offer": f"angebot-{rnd.randrange(n_offers)}",
            "topics": [f"thema-{rnd.randrange(12)}", f"thema-{rnd.randrange(12)}"][: rnd.randint(1, 2)],
            "target_groups": [f"gruppe-{rnd.randrange(8)}"],
            "status": rnd.choice(("scheduled",) * 18 + ("cancelled", "postponed")),
        }
        if languages and rnd.random() < translated:
            data["translations"] = {lang: {"title": f"Event number {i} ({lang})", "summary": "A meeting."}
                                    for lang in languages}
        kind = rnd.random()
        if kind < 0.4:
            first = datetime.combine(start, datetime.min.time())
            rec = {"frequency": "weekly", "weekdays": [WEEKDAYS[start.weekday()]],
                   "until": str(start + timedelta(days=rnd.choice((90, 180, 365))))}
            k = [first + timedelta(weeks=w) for w in (3, 5, 8)]
            rec["except"] = [str(k[0].date())]
            rec["cancelled"] = [str(k[1].date())]
            rec["moved"] = [{"date": str(k[2].date()), "to": f"{k[2].date() + timedelta(days=1)} {hour:02d}:00"}]
            data["recurrence"] = rec
        elif kind < 0.6:
            data["recurrence"] = {"frequency": "monthly", "weekday": WEEKDAYS[start.weekday()],
                                  "nth": rnd.choice((1, 2, -1)), "count": rnd.randint(3, 24)}
        elif kind < 0.7:
            data["start"], data["end"] = str(start), str(start + timedelta(days=rnd.randint(0, 3)))
        events[eid] = Event.from_data(data, f"content/events/{eid}.yaml")
    return Directory.build(offers, events, contacts, places, taxonomy, today)


def git_repository(directory: Directory, root: Path, commits: int, seed: int = 1) -> None:
    """The files of ``directory``'s events and of what they show, committed ``commits`` times."""
    rnd = random.Random(seed)
    files = sorted({e.source for e in directory.events.values()}
                   | {f for e in directory.events.values() for f in shown_files(directory, e)})
    env = {**os.environ, "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.org",
           "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.org"}

    def git(*args):
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)

    git("init", "-q")
    for n in range(commits):
        for f in files if n == 0 else rnd.sample(files, max(1, len(files) // 100)):
            path = root / f
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"version: {n}\n", "utf-8")
        git("add", "-A")
        git("commit", "-q", "-m", f"commit {n}", f"--date=@{1790000000 + n * 3600}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--git-commits", type=int, default=0, help="also time the versions from a git history")
    ap.add_argument("--languages", default="", help="also time write_language_feeds for these, e.g. en,ar,uk")
    ap.add_argument("--translated", type=float, default=0.1, help="share of events translated into each")
    args = ap.parse_args(argv)
    languages = tuple(x for x in args.languages.split(",") if x)
    t0 = time.perf_counter()
    directory = synthetic_directory(args.n, languages=languages, translated=args.translated)
    t1 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="nahbei-feeds-") as scratch:  # removed unless --out
        out = args.out or Path(scratch)
        c1 = time.process_time()
        paths = write_feeds(directory, out, "https://example.org/", Urls(), versions={},
                            now=datetime(2026, 11, 22, tzinfo=timezone.utc))
        t2, c2 = time.perf_counter(), time.process_time()
        size = sum(p.stat().st_size for p in paths)
        print(f"{args.n} events: model {t1 - t0:.2f} s; write_feeds {t2 - t1:.2f} s wall, {c2 - c1:.2f} s CPU "
              f"(this process), {len(paths)} feeds, {size / 1e6:.1f} MB" + (f" in {out}" if args.out else ""))
    if languages:
        with tempfile.TemporaryDirectory(prefix="nahbei-feeds-") as scratch:
            t5, c5 = time.perf_counter(), time.process_time()
            by_lang = write_language_feeds(directory, Path(scratch), "https://example.org/", Urls(),
                                           ("de", *languages), versions={},
                                           now=datetime(2026, 11, 22, tzinfo=timezone.utc))
            t6, c6 = time.perf_counter(), time.process_time()
            counts = ", ".join(f"{lang} {len(paths)}" for lang, paths in by_lang.items())
            print(f"write_language_feeds (de + {', '.join(languages)}, {args.translated:.0%} translated): "
                  f"{t6 - t5:.2f} s wall, {c6 - c5:.2f} s CPU; feeds: {counts}")
    if args.git_commits:
        with tempfile.TemporaryDirectory(prefix="nahbei-git-") as repo:
            git_repository(directory, Path(repo), args.git_commits)
            t3 = time.perf_counter()
            versions = event_versions(directory, repo)
            t4 = time.perf_counter()
            top = max(v.sequence for v in versions.values())
            print(f"versions from git ({args.git_commits} commits): {t4 - t3:.2f} s for {len(versions)} events "
                  f"(highest SEQUENCE {top})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
