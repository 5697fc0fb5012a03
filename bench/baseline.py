"""The baseline site: the same entries as plain Markdown pages for a bare
mkdocs-material build (theme material, language de, no plugins, entry pages
not in the nav). It shows what MkDocs and the theme cost on their own.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from nahbei.model.loader import load_bytes

FOLDERS = {"offers": "angebote", "events": "veranstaltungen", "contacts": "kontakte", "places": "orte"}
DAYS = {"mo": "Mo", "di": "Di", "mi": "Mi", "do": "Do", "fr": "Fr", "sa": "Sa", "so": "So"}


def _load(content: Path) -> dict:
    out = {"taxonomy": load_bytes((content / "taxonomy.yaml").read_bytes())[1]}
    for folder in FOLDERS:
        out[folder] = {p.stem: load_bytes(p.read_bytes())[1] for p in sorted((content / folder).glob("*.yaml"))}
    return out


def _hours(h: dict) -> list[str]:
    lines = [f"- {', '.join(DAYS[d] for d in s['days'])}: {s['opens']}–{s['closes']} Uhr"
             + (f" ({s['note']})" if s.get("note") else "") for s in h.get("regular", ())]
    if h.get("by_appointment"):
        lines.append("- und nach Vereinbarung")
    lines += [f"- geschlossen {c['from']} bis {c['until']}: {c.get('note', '')}" for c in h.get("closures", ())]
    lines += [f"- {e['date']}: " + ("geschlossen" if e.get("closed") else f"{e['opens']}–{e['closes']} Uhr")
              for e in h.get("exceptions", ())]
    return lines


def _address(a: dict) -> str:
    return ", ".join(x for x in (a.get("street"), " ".join(filter(None, (a.get("postcode"), a.get("town")))),
                                 a.get("district")) if x)


def _phones(d: dict) -> list[str]:
    return [f"- Telefon: {p['number']}" + (f" ({p['note']})" if p.get("note") else "") for p in d.get("phones", ())]


def _link(data: dict, folder: str, ident: str) -> str:
    entry = data[folder].get(ident) or {}
    return f"[{entry.get('name') or entry.get('title') or ident}](../{FOLDERS[folder]}/{ident}.md)"


def _labels(data, vocab, ids) -> str:
    terms = data["taxonomy"].get(vocab) or {}
    return ", ".join(terms.get(i, {}).get("label", i) for i in ids)


def offer_md(data: dict, d: dict) -> str:
    out = [f"# {d['name']}", "", " ".join(d["summary"].split()), ""]
    if d.get("description"):
        out += [d["description"].strip(), ""]
    out += ["## Auf einen Blick", "", f"- Stand: {d['status']}", f"- Themen: {_labels(data, 'topics', d['topics'])}",
            f"- Für: {_labels(data, 'target_groups', d['target_groups'])}"]
    if d.get("regions"):
        out.append(f"- Gebiet: {_labels(data, 'regions', d['regions'])}")
    if d.get("age"):
        out.append(f"- Alter: {d['age'].get('min', '')}–{d['age'].get('max', '')}")
    if d.get("eligibility"):
        out.append(f"- Wer kann kommen: {d['eligibility']}")
    if d.get("cost"):
        out.append("- Kosten: " + ("kostenlos" if d["cost"]["free"] else d["cost"].get("note", "kostenpflichtig")))
    if d.get("languages"):
        out.append(f"- Sprachen: {', '.join(d['languages'])}")
    if d.get("appointment"):
        out.append("- Anmeldung: " + ("nötig" if d["appointment"]["required"] else "nicht nötig")
                   + (f". {d['appointment']['note']}" if d["appointment"].get("note") else ""))
    out += ["", "## Orte und Zeiten", ""]
    for p in d.get("places", ()):
        place = data["places"].get(p["place"], {})
        out += [f"### {p.get('label') or place.get('name', p['place'])}", "",
                f"{_link(data, 'places', p['place'])}, {_address(place.get('address', {}))}", ""]
        out += _hours(p.get("hours") or {}) + [""]
    out += ["## Kontakt", "", f"- Träger: {_link(data, 'contacts', d['provider'])}"]
    out += [f"- Ansprechperson: {_link(data, 'contacts', c)}" for c in d.get("contacts", ())]
    out += _phones(d)
    if d.get("email"):
        out.append(f"- E-Mail: <{d['email']}>")
    if d.get("website"):
        out.append(f"- Internet: <{d['website']}>")
    out += [f"- [{link['label']}]({link['url']})" for link in d.get("links", ())]
    if d.get("funding"):
        f = d["funding"]
        out += ["", "## Förderung", "", f.get("programme", ""), ""] + [f"- {x}" for x in f.get("funders", ())]
    out += ["", f"Zuletzt geprüft: {d['last_reviewed']}", ""]
    return "\n".join(out)


def event_md(data: dict, d: dict) -> str:
    out = [f"# {d['title']}", ""]
    if d.get("summary"):
        out += [" ".join(d["summary"].split()), ""]
    out += [f"- Beginn: {d['start']}"]
    if d.get("end"):
        out.append(f"- Ende: {d['end']}")
    rec = d.get("recurrence")
    if rec:
        text = {"weekly": "wöchentlich", "monthly": "monatlich", "daily": "täglich"}[rec["frequency"]]
        if rec.get("weekdays"):
            text += " am " + ", ".join(DAYS[x] for x in rec["weekdays"])
        if rec.get("weekday"):
            text += f" am {rec.get('nth', 1)}. {DAYS[rec['weekday']]}"
        if rec.get("until"):
            text += f" bis {rec['until']}"
        if rec.get("count"):
            text += f", {rec['count']} Termine"
        out.append(f"- Wiederholung: {text}")
        for key, label in (("except", "fällt aus"), ("cancelled", "abgesagt")):
            out += [f"- {x}: {label}" for x in rec.get(key, ())]
        out += [f"- {m['date']}: verschoben auf {m['to']} ({m.get('note', '')})" for m in rec.get("moved", ())]
    out.append(f"- Stand: {d.get('status', 'scheduled')}")
    if d.get("place"):
        out.append(f"- Ort: {_link(data, 'places', d['place'])}, "
                   f"{_address(data['places'].get(d['place'], {}).get('address', {}))}")
    if d.get("online_url"):
        out.append(f"- Online: <{d['online_url']}>")
    if d.get("offer"):
        out.append(f"- Gehört zu: {_link(data, 'offers', d['offer'])}")
    out.append(f"- Veranstalter: {_link(data, 'contacts', d['organiser'])}")
    if d.get("registration"):
        out.append("- Anmeldung: " + ("nötig" if d["registration"]["required"] else "nicht nötig")
                   + (f" bis {d['registration']['deadline']}" if d["registration"].get("deadline") else ""))
    if d.get("cost"):
        out.append("- Kosten: " + ("kostenlos" if d["cost"]["free"] else d["cost"].get("note", "")))
    if d.get("topics"):
        out.append(f"- Themen: {_labels(data, 'topics', d['topics'])}")
    if d.get("description"):
        out += ["", d["description"].strip()]
    return "\n".join(out) + "\n"


def contact_md(data: dict, d: dict) -> str:
    out = [f"# {d['name']}", ""]
    for key, label in (("role", "Aufgabe"), ("department", "Abteilung")):
        if d.get(key):
            out.append(f"- {label}: {d[key]}")
    if d.get("parent"):
        out.append(f"- Gehört zu: {_link(data, 'contacts', d['parent'])}")
    out += _phones(d)
    if d.get("email"):
        out.append(f"- E-Mail: <{d['email']}>")
    if d.get("website"):
        out.append(f"- Internet: <{d['website']}>")
    if d.get("address"):
        out.append(f"- Anschrift: {_address(d['address'])}")
    if d.get("place"):
        out.append(f"- Sitz: {_link(data, 'places', d['place'])}")
    if d.get("hours"):
        out += ["", "## Zeiten", ""] + _hours(d["hours"])
    if d.get("description"):
        out += ["", d["description"].strip()]
    return "\n".join(out) + "\n"


def place_md(data: dict, d: dict) -> str:
    out = [f"# {d['name']}", "", _address(d["address"]), ""]
    acc = d.get("accessibility") or {}
    if acc:
        out += ["## Barrierefreiheit", "", f"- Rollstuhl: {acc.get('wheelchair', '–')}",
                f"- Barrierefreies WC: {'ja' if acc.get('accessible_toilet') else 'nein'}"]
        if acc.get("notes"):
            out.append(f"- {acc['notes']}")
        out.append("")
    if d.get("transport"):
        out += ["## Anfahrt", "", d["transport"], ""]
    if d.get("description"):
        out += [d["description"].strip(), ""]
    return "\n".join(out)


WRITERS = {"offers": offer_md, "events": event_md, "contacts": contact_md, "places": place_md}


def write(content: Path, site_root: Path) -> Path:
    """Write docs/ and mkdocs.yml for the baseline below ``site_root``; returns mkdocs.yml."""
    data = _load(Path(content))
    docs = site_root / "docs"
    if docs.exists():
        shutil.rmtree(docs)
    docs.mkdir(parents=True)
    (docs / "index.md").write_text("# Verzeichnis\n\nAlle Angebote, Termine, Kontakte und Orte.\n", "utf-8")
    for folder, url in FOLDERS.items():
        (docs / url).mkdir()
        for ident, d in data[folder].items():
            (docs / url / f"{ident}.md").write_text(WRITERS[folder](data, d), "utf-8")
    config = {"site_name": "Baseline", "theme": {"name": "material", "language": "de"}, "plugins": [],
              "nav": [{"Start": "index.md"}], "docs_dir": "docs", "site_dir": "site"}
    path = site_root / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8")
    return path
