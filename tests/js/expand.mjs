#!/usr/bin/env node
// Expand the occurrences of iCalendar files with ical.js (Mozilla's parser, as in Thunderbird).
//
//   node tests/js/expand.mjs FILE.ics START END
//       prints JSON [[uid, start, end, status], ...] for occurrences whose series
//       date (RECURRENCE-ID) lies in [START, END] (ISO 8601, e.g. 2026-11-20T00:00:00Z)
//   node tests/js/expand.mjs --batch  < {"start": ..., "end": ..., "files": {"name": "ics text", ...}}
//       prints {"name": [[uid, start, end, status], ...] or {"error": "..."}, ...}
//   node tests/js/expand.mjs --serve
//       the same request/answer, one JSON object per line, until stdin ends (one node
//       process for many requests, e.g. a whole hypothesis run)
//
// start/end: "YYYY-MM-DDTHH:MM:SSZ" (UTC) for timed occurrences, "YYYY-MM-DD" for all-day ones,
// end null without DTEND/DURATION; status the component's STATUS (override first) or null.
// Time zones come only from the file's own VTIMEZONEs: ical.js has no tz database of its own,
// so a wrong or missing VTIMEZONE shows up as wrong UTC times (or an error for an unknown TZID).
import fs from "node:fs";
import ICAL from "ical.js";

function stamp(t) {
  if (!t) return null;
  if (t.isDate) return t.toString();
  if (t.zone === ICAL.Timezone.localTimezone || (t.zone && t.zone.tzid === "floating")) {
    throw new Error(`floating time ${t.toString()}: TZID not resolved`);
  }
  return t.toJSDate().toISOString().replace(".000Z", "Z");
}

export function expand(text, startIso, endIso) {
  const root = new ICAL.Component(ICAL.parse(text));
  ICAL.TimezoneService.reset();
  for (const vtz of root.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(vtz);
  }
  const start = ICAL.Time.fromJSDate(new Date(startIso), true);
  const end = ICAL.Time.fromJSDate(new Date(endIso), true);
  const byUid = new Map();
  for (const comp of root.getAllSubcomponents("vevent")) {
    const uid = comp.getFirstPropertyValue("uid");
    if (!byUid.has(uid)) byUid.set(uid, { master: null, exceptions: [] });
    const entry = byUid.get(uid);
    if (comp.hasProperty("recurrence-id")) entry.exceptions.push(comp);
    else if (entry.master) throw new Error(`two masters for ${uid}`);
    else entry.master = comp;
  }
  const out = [];
  for (const [uid, { master, exceptions }] of byUid) {
    if (!master) throw new Error(`override without master: ${uid}`);
    // Exceptions passed explicitly: without them the constructor would relate every
    // RECURRENCE-ID component of the whole calendar, whatever its UID.
    const event = new ICAL.Event(master, { strictExceptions: true, exceptions });
    const status = (item) => item.component.getFirstPropertyValue("status") ?? null;
    if (!event.isRecurring()) {
      if (event.startDate.compare(end) <= 0 && event.startDate.compare(start) >= 0) {
        out.push([uid, stamp(event.startDate), stamp(event.endDate), status(event)]);
      }
      continue;
    }
    const it = event.iterator();
    for (let next = it.next(); next; next = it.next()) {
      if (next.compare(end) > 0) break;
      if (next.compare(start) < 0) continue;
      const d = event.getOccurrenceDetails(next);
      out.push([uid, stamp(d.startDate), stamp(d.endDate), status(d.item)]);
    }
  }
  return out;
}

function answer(input) {
  const result = {};
  for (const [name, text] of Object.entries(input.files)) {
    try {
      result[name] = expand(text, input.start, input.end);
    } catch (err) {
      result[name] = { error: String((err && err.stack) || err) };
    }
  }
  return result;
}

async function serve() {
  const readline = await import("node:readline");
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const text of rl) {
    if (text.trim()) process.stdout.write(JSON.stringify(answer(JSON.parse(text))) + "\n");
  }
}

function main(argv) {
  if (argv[0] === "--batch") {
    process.stdout.write(JSON.stringify(answer(JSON.parse(fs.readFileSync(0, "utf-8")))));
    return;
  }
  if (argv[0] === "--serve") {
    serve();
    return;
  }
  const [file, startIso, endIso] = argv;
  process.stdout.write(JSON.stringify(expand(fs.readFileSync(file, "utf-8"), startIso, endIso)));
}

main(process.argv.slice(2));
