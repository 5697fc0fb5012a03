"""Deterministic generator of realistic German content for the benchmark.

``python -m bench.generate --n 1000 --out DIR`` writes a ``content/`` tree
(taxonomy, offers, events, contacts, places) with N entries (offers + events,
55 % / 45 %) plus proportionate contacts and places. The same N and seed give
byte-identical files on every machine: one seeded ``random.Random``, no sets
of strings iterated, no clock (the reference day is fixed, see ``TODAY``).

Everything written is meant to pass ``nahbei check`` without errors or
warnings: references point at generated entries, terms come from the
taxonomy, phone numbers are valid German numbers, exception dates of series
lie on the series, reviews are recent, ended offers are marked ``ended``.
"""
from __future__ import annotations

import argparse
import json
import math
import random
import re
import shutil
import sys
import textwrap
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import phonenumbers
import yaml

from nahbei.model.recurrence import Recurrence, series_dates

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 22)  # the bench's "today" (SOURCE_DATE_EPOCH is set to it)
OFFER_SHARE = 0.55
SEED = "nahbei-bench-1"
MARKER = ".generated-by-bench"
WEEKDAYS = ("mo", "di", "mi", "do", "fr", "sa", "so")
WEEKDAY_NAMES = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
          "November", "Dezember")
NTH_NAMES = {1: "ersten", 2: "zweiten", 3: "dritten", 4: "vierten", -1: "letzten"}


def schema_line(kind: str) -> str:
    return f"# yaml-language-server: $schema=../../schemas/{kind}.schema.json\n"


# -- places in Germany --------------------------------------------------------
# town, county (None: independent city), postcode, area code, lat, lon, districts
TOWNS = [
    ("Troisdorf", "Rhein-Sieg-Kreis", "53840", "02241", 50.815, 7.156, ["Mitte", "Sieglar", "Spich", "Oberlar", "Friedrich-Wilhelms-Hütte"]),
    ("Siegburg", "Rhein-Sieg-Kreis", "53721", "02241", 50.800, 7.207, ["Zentrum", "Kaldauen", "Wolsdorf", "Deichhaus"]),
    ("Sömmerda", "Landkreis Sömmerda", "99610", "03634", 51.160, 11.117, ["Mitte", "Nord", "Orlishausen", "Wenigensömmern"]),
    ("Kölleda", "Landkreis Sömmerda", "99625", "03635", 51.187, 11.245, ["Mitte", "Backleben", "Dermsdorf"]),
    ("Dorsten", "Kreis Recklinghausen", "46282", "02362", 51.661, 6.965, ["Innenstadt", "Hervest", "Holsterhausen", "Wulfen", "Barkenberg"]),
    ("Recklinghausen", "Kreis Recklinghausen", "45657", "02361", 51.614, 7.197, ["Altstadt", "Süd", "Hillerheide", "Hochlar", "König-Ludwig"]),
    ("Döbeln", "Landkreis Mittelsachsen", "04720", "03431", 51.122, 13.112, ["Zentrum", "Nord", "Ost", "Großweitzschen"]),
    ("Freiberg", "Landkreis Mittelsachsen", "09599", "03731", 50.912, 13.343, ["Altstadt", "Wasserberg", "Friedeburg", "Zug"]),
    ("Mönchengladbach", None, "41061", "02161", 51.192, 6.441, ["Altstadt", "Rheydt", "Hardt", "Odenkirchen", "Wickrath", "Neuwerk"]),
    ("Bochum", None, "44787", "0234", 51.481, 7.216, ["Mitte", "Wattenscheid", "Langendreer", "Querenburg", "Gerthe", "Hamme"]),
    ("Kassel", None, "34117", "0561", 51.312, 9.480, ["Mitte", "Nord-Holland", "Wesertor", "Bettenhausen", "Rothenditmold", "Waldau"]),
    ("Göttingen", "Landkreis Göttingen", "37073", "0551", 51.541, 9.916, ["Innenstadt", "Grone", "Weende", "Holtenser Berg", "Geismar"]),
    ("Erfurt", None, "99084", "0361", 50.978, 11.029, ["Altstadt", "Herrenberg", "Rieth", "Johannesplatz", "Roter Berg"]),
    ("Leipzig", None, "04109", "0341", 51.340, 12.375, ["Zentrum", "Grünau", "Connewitz", "Paunsdorf", "Schönefeld", "Plagwitz"]),
    ("Chemnitz", None, "09111", "0371", 50.833, 12.921, ["Zentrum", "Sonnenberg", "Kaßberg", "Fritz-Heckert-Gebiet", "Hilbersdorf"]),
    ("Cottbus", None, "03046", "0355", 51.757, 14.329, ["Mitte", "Sandow", "Sachsendorf", "Ströbitz", "Schmellwitz"]),
    ("Dresden", None, "01067", "0351", 51.050, 13.738, ["Altstadt", "Neustadt", "Prohlis", "Gorbitz", "Pieschen", "Johannstadt"]),
    ("Görlitz", "Landkreis Görlitz", "02826", "03581", 51.152, 14.987, ["Altstadt", "Innenstadt", "Königshufen", "Weinhübel"]),
    ("Potsdam", None, "14467", "0331", 52.396, 13.058, ["Innenstadt", "Babelsberg", "Drewitz", "Schlaatz", "Am Stern"]),
    ("Magdeburg", None, "39104", "0391", 52.131, 11.640, ["Altstadt", "Neue Neustadt", "Sudenburg", "Stadtfeld", "Neu Olvenstedt"]),
    ("Halle (Saale)", None, "06108", "0345", 51.482, 11.970, ["Altstadt", "Neustadt", "Silberhöhe", "Giebichenstein", "Heide-Nord"]),
    ("Jena", None, "07743", "03641", 50.927, 11.589, ["Zentrum", "Lobeda", "Winzerla", "Nord"]),
    ("Gera", None, "07545", "0365", 50.878, 12.082, ["Innenstadt", "Bieblach", "Lusan", "Untermhaus"]),
    ("Münster", None, "48143", "0251", 51.962, 7.626, ["Mitte", "Coerde", "Kinderhaus", "Hiltrup", "Gievenbeck"]),
    ("Osnabrück", None, "49074", "0541", 52.279, 8.047, ["Innenstadt", "Schinkel", "Wüste", "Eversburg", "Dodesheide"]),
    ("Ulm", None, "89073", "0731", 48.399, 9.993, ["Mitte", "Böfingen", "Wiblingen", "Eselsberg", "Weststadt"]),
    ("Landshut", None, "84028", "0871", 48.537, 12.152, ["Altstadt", "Nikola", "West", "Achdorf"]),
    ("Passau", None, "94032", "0851", 48.567, 13.431, ["Altstadt", "Innstadt", "Hacklberg", "Neustift"]),
    ("Rostock", None, "18055", "0381", 54.092, 12.099, ["Stadtmitte", "Lütten Klein", "Groß Klein", "Dierkow", "Evershagen"]),
    ("Schwerin", None, "19053", "0385", 53.635, 11.401, ["Altstadt", "Lankow", "Mueßer Holz", "Neu Zippendorf"]),
    ("Kiel", None, "24103", "0431", 54.323, 10.123, ["Altstadt", "Gaarden", "Mettenhof", "Wik", "Elmschenhagen"]),
    ("Lübeck", None, "23552", "0451", 53.866, 10.684, ["Innenstadt", "Moisling", "Buntekuh", "Kücknitz", "St. Lorenz"]),
    ("Trier", None, "54290", "0651", 49.750, 6.637, ["Mitte", "Ehrang", "Trier-West", "Kürenz", "Heiligkreuz"]),
    ("Saarbrücken", None, "66111", "0681", 49.233, 6.996, ["Mitte", "Burbach", "Malstatt", "Dudweiler", "Brebach"]),
    ("Freiburg im Breisgau", None, "79098", "0761", 47.999, 7.842, ["Altstadt", "Weingarten", "Haslach", "Landwasser", "Brühl"]),
    ("Heilbronn", None, "74072", "07131", 49.142, 9.219, ["Innenstadt", "Böckingen", "Sontheim", "Neckargartach"]),
    ("Würzburg", None, "97070", "0931", 49.791, 9.953, ["Altstadt", "Zellerau", "Heuchelhof", "Lengfeld", "Grombühl"]),
    ("Bamberg", None, "96047", "0951", 49.891, 10.886, ["Inselstadt", "Gartenstadt", "Gaustadt", "Bamberg-Ost"]),
    ("Dorfen", "Landkreis Erding", "84405", "08081", 48.271, 12.161, ["Zentrum", "Oberdorfen", "Eibach"]),
    ("Erding", "Landkreis Erding", "85435", "08122", 48.306, 11.907, ["Altstadt", "Klettham", "Langengeisling", "Altenerding"]),
]

STREETS = [
    "Hauptstraße", "Bahnhofstraße", "Schulstraße", "Kirchplatz", "Marktplatz", "Gartenstraße", "Lindenallee",
    "Am Rathaus", "Goethestraße", "Schillerstraße", "Bergstraße", "Friedrich-Ebert-Straße", "Mühlenweg",
    "Ringstraße", "Rosenweg", "Talstraße", "Parkstraße", "Wilhelmstraße", "Uhlandstraße", "Poststraße",
    "Am Sportplatz", "Breite Straße", "Lange Straße", "Kastanienweg", "Lessingstraße", "Mozartstraße",
    "Am Mühlbach", "Ahornweg", "Kurze Straße", "Weberstraße", "Jahnstraße", "Steinweg", "An der Kirche",
]
SAINTS = ["Marien", "Josef", "Michael", "Elisabeth", "Martin", "Johannes", "Paulus", "Bonifatius", "Anna"]
FIRST_NAMES = [
    "Anna", "Jonas", "Fatma", "Mehmet", "Olga", "Svetlana", "Lukas", "Sabine", "Thomas", "Ayşe", "Jörg",
    "Müge", "Katarzyna", "Niklas", "Leonie", "Hannah", "Ahmad", "Yasmin", "Ingrid", "Klaus", "Ute", "Birgit",
    "Dirk", "Elena", "Tobias", "Miriam", "Ömer", "Zeynep", "Friederike", "Dragan", "Petra", "Stefan",
    "Marie", "Tanja", "Heike", "Andreas", "Nadine", "Samira", "Karim", "Julia", "Benedikt", "Renate",
]
LAST_NAMES = [
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
    "Koch", "Yılmaz", "Kaya", "Nowak", "Kowalski", "Özdemir", "Bauer", "Richter", "Klein", "Wolf", "Schröder",
    "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt",
    "Werner", "Krause", "Meier", "Lehmann", "Böhm", "Jäger", "Günther", "Petrović", "Haddad", "Popescu",
    "Albrecht", "Vogel", "Franke", "Sommer", "Engel", "Horn", "Busch", "Brandt", "Kuhn", "Arslan",
]
TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ı": "i", "ş": "s", "ğ": "g",
                          "ç": "c", "ć": "c", "č": "c", "é": "e", "ł": "l", "Ä": "ae", "Ö": "oe", "Ü": "ue"})


def slug(text: str, limit: int = 60) -> str:
    s = text.lower().translate(TRANSLIT)
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    if len(s) > limit:  # cut at a word boundary
        s = s[:limit + 1].rsplit("-", 1)[0] if "-" in s[:limit + 1] else s[:limit]
    return s.strip("-") or "eintrag"


# -- offer archetypes ---------------------------------------------------------

@dataclass(frozen=True)
class Kind:
    key: str
    names: tuple[str, ...]
    topics: tuple[str, ...]
    groups: tuple[str, ...]
    summary: tuple[str, ...]
    intro: tuple[str, ...]
    items: tuple[str, ...]
    keywords: tuple[str, ...]
    label: str
    events: tuple[str, ...]
    age: tuple[int, int] | None = None
    languages: tuple[str, ...] = ("de",)
    cost_note: str | None = None


KINDS = [
    Kind("schulden", ("Schuldnerberatung", "Schuldner- und Insolvenzberatung", "Budgetberatung"),
         ("beratung", "gesundheit"), ("erwachsene", "familien"),
         ("Hilfe bei Schulden, Mahnungen und Kontopfändung. Wir prüfen mit Ihnen Ihre Unterlagen und suchen einen Weg aus den Schulden.",
          "Beratung, wenn das Geld nicht reicht: Haushaltsplan, Gespräche mit Gläubigern, Weg in die Verbraucherinsolvenz."),
         ("Schulden können jeden treffen: nach einer Trennung, durch Krankheit oder wenn die Arbeit wegfällt.",
          "Viele Menschen warten zu lange, bevor sie sich Hilfe holen. Je früher Sie kommen, desto mehr können wir tun."),
         ("einen Überblick über alle Forderungen erstellen", "ein Pfändungsschutzkonto einrichten",
          "mit Gläubigern verhandeln", "einen Haushaltsplan aufstellen", "den Weg in die Verbraucherinsolvenz vorbereiten"),
         ("Schulden", "Mahnung", "Inkasso", "Pfändung", "P-Konto", "Insolvenz", "Geldsorgen", "Stromschulden"),
         "Beratungsstelle", ("Offene Sprechstunde Schuldnerberatung", "Infoabend: Was tun bei Kontopfändung?")),
    Kind("treff", ("Offener Nachbarschaftstreff", "Nachbarschaftscafé", "Offener Treff", "Stadtteilcafé"),
         ("begegnung", "einsamkeit"), ("alle",),
         ("Ein offener Treffpunkt für alle im Viertel: Kaffee trinken, ins Gespräch kommen, gemeinsam etwas planen.",
          "Ohne Anmeldung vorbeikommen, Menschen aus der Nachbarschaft kennenlernen und Ideen für das Viertel einbringen."),
         ("Im Treff kommen Menschen aus der Nachbarschaft zusammen, die sich sonst vielleicht nie begegnet wären.",
          "Der Treff ist ein Ort zum Ankommen: Hier muss niemand etwas leisten, jede und jeder ist willkommen."),
         ("Kaffee, Tee und selbst gebackenen Kuchen gegen eine kleine Spende", "Spiele, Zeitungen und einen Bücherschrank",
          "gemeinsame Ausflüge und Feste im Stadtteil", "Raum für eigene Ideen und Gruppen", "Hilfe beim Ausfüllen von Formularen"),
         ("Nachbarschaft", "Treffpunkt", "Café", "Kontakte", "allein", "Freizeit", "Stadtteil"),
         "Treffpunkt", ("Nachbarschaftsfrühstück", "Spielenachmittag im Treff", "Kochabend für alle"), None, ("de",),
         "Getränke gegen Spende"),
    Kind("sprachcafe", ("Sprachcafé", "Deutsch-Treff", "Sprachpatenschaften", "Café International"),
         ("integration", "begegnung"), ("gefluechtete", "alle"),
         ("Deutsch sprechen üben in entspannter Runde, mit Ehrenamtlichen und anderen Lernenden. Alle Niveaus sind willkommen.",
          "Im Sprachcafé üben Sie Deutsch im Gespräch: über Alltag, Arbeit und Freizeit, ohne Prüfungsdruck."),
         ("Eine neue Sprache lernt man am besten im Gespräch. Genau dafür gibt es das Sprachcafé.",
          "Ehrenamtliche Sprachpatinnen und Sprachpaten haben Zeit und Geduld für Ihre Fragen."),
         ("Gespräche in kleinen Gruppen nach Sprachniveau", "Hilfe bei Hausaufgaben aus dem Integrationskurs",
          "Vorbereitung auf Termine bei Behörden", "gemeinsame Ausflüge, um die Stadt kennenzulernen",
          "Vermittlung von Sprachpatenschaften"),
         ("Deutsch lernen", "Sprachkurs", "Integrationskurs", "Sprechen üben", "Sprachpate", "Deutschkurs"),
         "Sprachcafé", ("Sprachcafé: Deutsch üben bei Kaffee und Kuchen", "Sprachspaziergang durch den Stadtteil"),
         None, ("de", "en", "ar", "uk", "fa")),
    Kind("ausbildung", ("Ausbildungspatenschaften", "Mentoring Übergang Schule – Beruf", "Jobpaten für junge Menschen"),
         ("mentoring", "arbeit"), ("jugendliche",),
         ("Ehrenamtliche Patinnen und Paten begleiten Jugendliche auf dem Weg von der Schule in die Ausbildung.",
          "Unterstützung bei Bewerbungen, Praktikumssuche und Prüfungen, mit einer festen Ansprechperson."),
         ("Der Übergang von der Schule in den Beruf ist für viele Jugendliche eine schwierige Zeit.",
          "Eine feste Patin oder ein fester Pate hilft, den Überblick zu behalten und dranzubleiben."),
         ("Bewerbungsunterlagen gemeinsam schreiben", "Vorstellungsgespräche üben",
          "Praktikumsplätze in Betrieben vor Ort finden", "Lernhilfe vor Prüfungen", "Begleitung zu Terminen bei der Berufsberatung"),
         ("Ausbildung", "Bewerbung", "Praktikum", "Berufsorientierung", "Schulabschluss", "Lehrstelle"),
         "Büro", ("Bewerbungstraining für Jugendliche", "Infoabend: Patin oder Pate werden"), (14, 25)),
    Kind("senioren", ("Seniorenfrühstück", "Erzählcafé", "Seniorentreff", "Mittagstisch für Ältere"),
         ("begegnung", "einsamkeit"), ("senioren",),
         ("Gemeinsam frühstücken, erzählen und Neues erfahren: ein Treffpunkt für ältere Menschen im Stadtteil.",
          "Ein regelmäßiger Treff für Seniorinnen und Senioren mit Gesprächen, Vorträgen und Ausflügen."),
         ("Im Alter werden die Kontakte oft weniger. Der Treff bietet feste Termine, auf die man sich freuen kann.",
          "Viele Gäste kommen seit Jahren, neue Gesichter sind jederzeit herzlich willkommen."),
         ("ein gemeinsames Frühstück oder Mittagessen", "Vorträge zu Gesundheit, Rente und Sicherheit im Alltag",
          "Gedächtnistraining und Bewegungsangebote", "Ausflüge in die Umgebung", "einen Fahrdienst für Gäste, die schlecht zu Fuß sind"),
         ("Senioren", "Rentner", "Frühstück", "Mittagstisch", "allein im Alter", "Seniorennachmittag"),
         "Seniorentreff", ("Seniorenfrühstück", "Erzählcafé: Wie war das früher?", "Vortrag: Sicher im Alltag"), (60, 120), ("de",),
         "3 Euro für das Frühstück"),
    Kind("migration", ("Migrationsberatung für Erwachsene", "Migrationsdienst", "Integrationsberatung"),
         ("beratung", "integration"), ("gefluechtete", "erwachsene"),
         ("Beratung für Zugewanderte ab 27 Jahren: Aufenthalt, Sprachkurse, Anerkennung von Abschlüssen, Arbeit und Wohnen.",
          "Wir beraten Sie in den ersten Jahren in Deutschland zu Behörden, Sprache, Arbeit und Familie."),
         ("Wer neu in Deutschland ist, hat viele Fragen. Die Migrationsberatung hilft, die Antworten zu finden.",
          "Die Beratung richtet sich nach Ihrem Bedarf und kann über mehrere Termine gehen."),
         ("Hilfe bei Anträgen und Briefen von Behörden", "Informationen zu Integrationskursen",
          "Anerkennung ausländischer Berufsabschlüsse", "Wohnungssuche und Mietfragen", "Vermittlung an Fachdienste"),
         ("Aufenthalt", "Integrationskurs", "Anerkennung", "Ausländerbehörde", "Einbürgerung", "Zuwanderung"),
         "Beratungsstelle", ("Offene Sprechstunde Migrationsberatung", "Infoabend: Einbürgerung"),
         (27, 120), ("de", "en", "ar", "ru", "tr")),
    Kind("familie", ("Familienzentrum", "Elterncafé", "Familienbüro", "Eltern-Kind-Treff"),
         ("begegnung", "beratung"), ("familien",),
         ("Treffpunkt und Beratung für Familien: Elterncafé, Krabbelgruppe und Hilfe bei Fragen rund ums Kind.",
          "Ein Ort für Eltern mit kleinen Kindern: andere Familien treffen, Fragen stellen, Unterstützung finden."),
         ("Gerade in den ersten Lebensjahren eines Kindes tut Austausch mit anderen Eltern gut.",
          "Das Familienzentrum bündelt Angebote für Familien unter einem Dach."),
         ("ein offenes Elterncafé mit Spielecke", "Krabbel- und Spielgruppen", "Beratung zu Elterngeld und Kinderzuschlag",
          "Kurse zu Erziehung und Ernährung", "Vermittlung an Hebammen und Kinderärzte"),
         ("Eltern", "Baby", "Kinder", "Krabbelgruppe", "Elterngeld", "Familienhilfe", "Kita"),
         "Familienzentrum", ("Elterncafé", "Familienfest im Stadtteil", "Kurs: Erste Hilfe am Kind")),
    Kind("ehrenamt", ("Freiwilligenagentur", "Ehrenamtsbörse", "Engagementbüro"),
         ("ehrenamt",), ("ehrenamtliche", "alle"),
         ("Sie möchten sich engagieren? Wir beraten Sie und vermitteln ein Ehrenamt, das zu Ihnen passt.",
          "Die Anlaufstelle für freiwilliges Engagement: Beratung, Vermittlung und Fortbildung für Ehrenamtliche."),
         ("Ehrenamt macht Freude und verbindet Menschen. Viele Vereine und Einrichtungen suchen Unterstützung.",
          "Ob einmalig oder regelmäßig, ob zwei Stunden im Monat oder mehr: Es gibt viele Möglichkeiten."),
         ("persönliche Beratung zu passenden Einsatzstellen", "Fortbildungen für Ehrenamtliche",
          "die Ehrenamtskarte und Anerkennung", "Beratung für Vereine, die Freiwillige suchen", "Versicherungsschutz im Ehrenamt"),
         ("Ehrenamt", "freiwillig", "engagieren", "Verein", "helfen", "Freiwilligendienst"),
         "Büro", ("Ehrenamtsbörse", "Fortbildung für Ehrenamtliche", "Dankeschön-Fest für Ehrenamtliche")),
    Kind("arbeit", ("Bewerbungswerkstatt", "Jobcoaching", "Beschäftigungsprojekt", "Arbeitslosenzentrum"),
         ("arbeit", "beratung"), ("erwachsene",),
         ("Unterstützung bei Bewerbungen und der Suche nach Arbeit, mit Computerplätzen und persönlicher Begleitung.",
          "Wir helfen beim Weg zurück in Arbeit: Bewerbungen, Lebenslauf, Vorbereitung auf Gespräche."),
         ("Eine Bewerbung zu schreiben fällt vielen schwer, besonders nach einer längeren Pause.",
          "Das Team kennt die Betriebe in der Region und weiß, worauf es ankommt."),
         ("Lebenslauf und Anschreiben erstellen", "Stellenangebote gemeinsam durchsehen", "Vorstellungsgespräche üben",
          "Computerplätze mit Drucker nutzen", "Beratung zu Bürgergeld und Weiterbildung"),
         ("Bewerbung", "arbeitslos", "Jobcenter", "Lebenslauf", "Bürgergeld", "Weiterbildung", "Arbeitssuche"),
         "Werkstatt", ("Bewerbungstraining", "Jobbörse im Stadtteil")),
    Kind("sucht", ("Suchtberatung", "Fachstelle für Suchtfragen", "Suchtberatungsstelle"),
         ("gesundheit", "beratung"), ("erwachsene", "familien"),
         ("Vertrauliche Beratung bei Problemen mit Alkohol, Medikamenten, Drogen oder Glücksspiel, auch für Angehörige.",
          "Hilfe bei Sucht und Abhängigkeit: Beratung, Vermittlung in Therapie, Nachsorge und Gruppen."),
         ("Eine Sucht entwickelt sich oft schleichend. Es ist nie zu früh und nie zu spät, sich beraten zu lassen.",
          "Die Beratung unterliegt der Schweigepflicht und ist auf Wunsch anonym."),
         ("Einzelgespräche für Betroffene und Angehörige", "Vermittlung in Entgiftung und Therapie",
          "Selbsthilfegruppen", "Beratung zur Medizinisch-Psychologischen Untersuchung", "Nachsorge nach einer Therapie"),
         ("Sucht", "Alkohol", "Drogen", "Glücksspiel", "Abhängigkeit", "Angehörige", "Selbsthilfe"),
         "Beratungsstelle", ("Angehörigengruppe", "Infoabend: Sucht im Alter")),
    Kind("pflege", ("Pflegestützpunkt", "Pflegeberatung", "Seniorenberatung"),
         ("beratung", "gesundheit"), ("senioren", "familien"),
         ("Neutrale Beratung rund um die Pflege: Pflegegrad, Leistungen der Pflegekasse, Hilfen zu Hause und Entlastung für Angehörige.",
          "Wenn ein Mensch Pflege braucht, gibt es viele Fragen. Wir beraten Pflegebedürftige und Angehörige kostenlos."),
         ("Pflege betrifft die ganze Familie. Eine gute Beratung hilft, die passenden Hilfen zu finden.",
          "Auf Wunsch kommen wir auch zu Ihnen nach Hause."),
         ("Beratung zum Antrag auf einen Pflegegrad", "Überblick über ambulante Dienste und Tagespflege",
          "Entlastungsangebote für pflegende Angehörige", "Wohnraumanpassung und Hilfsmittel", "Hausbesuche nach Vereinbarung"),
         ("Pflege", "Pflegegrad", "Pflegekasse", "Angehörige", "Demenz", "Tagespflege", "Hausbesuch"),
         "Beratungsstelle", ("Vortrag: Pflegegrad beantragen", "Gesprächskreis für pflegende Angehörige")),
    Kind("besuch", ("Besuchsdienst", "Besuchspatenschaften", "Telefonpatenschaften"),
         ("einsamkeit", "ehrenamt", "mentoring"), ("senioren", "ehrenamtliche"),
         ("Ehrenamtliche besuchen oder rufen regelmäßig ältere Menschen an, die sich einsam fühlen. Kostenlos und verlässlich.",
          "Eine feste Besuchspatin oder ein fester Besuchspate: für Gespräche, Spaziergänge und gemeinsame Zeit."),
         ("Einsamkeit im Alter ist häufig und wird oft nicht gesehen. Ein regelmäßiger Besuch kann viel verändern.",
          "Wir bringen Menschen zusammen, die zueinander passen, und begleiten die Patenschaften."),
         ("regelmäßige Besuche zu Hause", "Telefongespräche zu festen Zeiten", "gemeinsame Spaziergänge und Einkäufe",
          "Begleitung zu Veranstaltungen", "Schulungen und Austausch für die Ehrenamtlichen"),
         ("einsam", "Besuch", "allein", "Telefon", "Gesellschaft", "Patenschaft", "Senioren"),
         "Büro", ("Infoabend: Besuchspatin oder Besuchspate werden", "Austauschtreffen der Besuchspaten")),
    Kind("lernen", ("Hausaufgabenhilfe", "Lernpatenschaften", "Lernwerkstatt"),
         ("mentoring", "integration"), ("jugendliche", "familien"),
         ("Kostenlose Hilfe bei Hausaufgaben und beim Lernen für Schülerinnen und Schüler, mit ehrenamtlichen Lernpaten.",
          "Schulkinder bekommen Unterstützung beim Lernen: in kleinen Gruppen oder mit einer festen Lernpatin."),
         ("Nicht alle Kinder bekommen zu Hause Hilfe beim Lernen. Hier springen Ehrenamtliche ein.",
          "Das Angebot arbeitet eng mit den Schulen im Stadtteil zusammen."),
         ("Hausaufgabenbetreuung in kleinen Gruppen", "Lesepatenschaften für Grundschulkinder",
          "Vorbereitung auf Klassenarbeiten", "Sprachförderung für Kinder, die Deutsch lernen", "Elterngespräche mit Dolmetschern"),
         ("Hausaufgaben", "Nachhilfe", "Schule", "Lernen", "Lesepate", "Schüler"),
         "Lernraum", ("Lesenachmittag für Kinder", "Lernwerkstatt in den Ferien"), (6, 18)),
    Kind("netzwerk", ("Stadtteilkonferenz", "Netzwerk Soziale Teilhabe", "Sozialraumkonferenz", "Quartiersmanagement"),
         ("sozialplanung",), ("fachleute",),
         ("Fachleute, Vereine und Verwaltung im Stadtteil stimmen ihre Angebote ab und planen gemeinsam.",
          "Das Netzwerk bringt Träger, Initiativen und Verwaltung zusammen, um Lücken im Hilfesystem zu schließen."),
         ("Viele Angebote im Stadtteil wissen zu wenig voneinander. Das Netzwerk schafft Austausch.",
          "Grundlage ist die Sozialplanung der Stadt mit Daten zu Bedarfen im Quartier."),
         ("regelmäßige Netzwerktreffen", "eine gemeinsame Übersicht der Angebote", "Fachtage zu Schwerpunktthemen",
          "Beteiligung der Bewohnerinnen und Bewohner", "Abstimmung mit der Sozialplanung der Stadt"),
         ("Netzwerk", "Sozialplanung", "Quartier", "Stadtteilarbeit", "Träger", "Kooperation"),
         "Geschäftsstelle", ("Netzwerktreffen", "Fachtag Soziale Teilhabe")),
    Kind("repair", ("Repair-Café", "Reparaturtreff", "Offene Werkstatt"),
         ("begegnung", "ehrenamt"), ("alle",),
         ("Kaputte Dinge gemeinsam reparieren statt wegwerfen: mit ehrenamtlichen Fachleuten, Werkzeug und Kaffee.",
          "Bringen Sie Ihr defektes Gerät mit. Ehrenamtliche helfen beim Reparieren, Sie lernen dabei selbst etwas."),
         ("Vieles lässt sich mit etwas Geschick und dem richtigen Werkzeug reparieren.",
          "Beim Warten kommt man ins Gespräch, manche bleiben einfach auf einen Kaffee."),
         ("Reparatur von Elektrogeräten, Fahrrädern und Kleidung", "Werkzeug und Ersatzteile vor Ort",
          "Tipps zum Selbermachen", "Kaffee und Kuchen", "Mitmachen als ehrenamtliche Reparateurin oder Reparateur"),
         ("Reparieren", "Nachhaltigkeit", "Werkstatt", "Fahrrad", "Elektrogeräte", "Nähen"),
         "Werkstatt", ("Repair-Café", "Fahrrad-Reparaturtag")),
    Kind("gesundheitslotsen", ("Gesundheitslotsen", "Gesundheitsberatung für Zugewanderte", "Gesundheitskiosk"),
         ("gesundheit", "integration"), ("gefluechtete", "alle"),
         ("Geschulte Lotsinnen und Lotsen erklären in vielen Sprachen, wie das Gesundheitssystem funktioniert.",
          "Fragen zu Arzt, Krankenkasse und Vorsorge? Wir erklären und begleiten, auch in Ihrer Sprache."),
         ("Das deutsche Gesundheitssystem ist kompliziert, besonders wenn man neu im Land ist.",
          "Die Lotsinnen und Lotsen sprechen viele Sprachen und kennen die Angebote vor Ort."),
         ("Informationen zu Krankenversicherung und Arztbesuch", "Begleitung zu Terminen", "Vorträge zu Vorsorge und Impfungen",
          "Vermittlung an Fachärzte und Beratungsstellen", "Infomaterial in vielen Sprachen"),
         ("Arzt", "Krankenkasse", "Gesundheit", "Vorsorge", "Impfung", "Dolmetscher"),
         "Sprechstunde", ("Vortrag: Vorsorge für die ganze Familie", "Gesundheitstag im Stadtteil"), None,
         ("de", "ar", "ru", "tr", "uk")),
    Kind("bewegung", ("Bewegungstreff", "Spaziergruppe", "Sport im Park", "Seniorengymnastik"),
         ("gesundheit", "begegnung"), ("senioren", "alle"),
         ("Gemeinsam in Bewegung bleiben: leichte Übungen und Spaziergänge in der Gruppe, für jedes Alter und jede Fitness.",
          "Draußen und in der Gruppe: regelmäßige Bewegung, die guttut und Kontakte schafft."),
         ("Bewegung hält fit und bringt Menschen zusammen. Niemand muss sportlich sein, um mitzumachen.",
          "Geleitet wird die Gruppe von ausgebildeten Übungsleiterinnen und Übungsleitern."),
         ("leichte Gymnastik und Dehnübungen", "Spaziergänge durch Park und Stadtteil", "Übungen für Gleichgewicht und Sturzvorbeugung",
          "Tipps für Bewegung im Alltag", "anschließend Zeit für ein Gespräch"),
         ("Sport", "Bewegung", "Gymnastik", "Spazieren", "fit bleiben", "Gesundheit"),
         "Treffpunkt", ("Spaziergang durch den Stadtteil", "Bewegungstag im Park")),
    Kind("wohnen", ("Wohnberatung", "Mieterberatung", "Beratung bei Wohnungsnot"),
         ("beratung",), ("erwachsene", "familien", "senioren"),
         ("Beratung bei Fragen zu Miete, Wohngeld und drohendem Wohnungsverlust, schnell und vertraulich.",
          "Wenn die Wohnung in Gefahr ist oder die Miete nicht mehr reicht: Wir helfen, bevor es zu spät ist."),
         ("Ein Brief vom Vermieter oder eine Räumungsklage macht Angst. Kommen Sie frühzeitig zu uns.",
          "Die Beratung kennt die Wohnungsmärkte vor Ort und die Hilfen der Stadt."),
         ("Beratung zu Wohngeld und Mietzuschüssen", "Hilfe bei Mietschulden und Kündigungen",
          "Unterstützung bei der Wohnungssuche", "Vermittlung in Notunterkünfte", "Beratung zum barrierefreien Umbau"),
         ("Wohnung", "Miete", "Wohngeld", "Kündigung", "Räumung", "Obdachlos", "Mietschulden"),
         "Beratungsstelle", ("Offene Sprechstunde Wohnen", "Infoabend: Wohngeld beantragen")),
]

GENERAL_EVENTS = ("Stadtteilfest", "Nachbarschaftsfest", "Fachtag Soziale Teilhabe", "Flohmarkt im Viertel",
                  "Lesung in der Stadtbibliothek", "Aktionstag gegen Einsamkeit", "Kinoabend für alle",
                  "Infomarkt der sozialen Angebote", "Tag der offenen Tür", "Weihnachtsmarkt der Vereine")
MOTTOS = ("Miteinander", "Gemeinsam statt einsam", "Zusammen stark", "Brücken bauen", "Nah dran",
          "Hand in Hand", "Neue Wege", "Mittendrin", "Wir im Viertel", "Offene Tür")
PROGRAMMES = ("Zusammenhalt stärken – Menschen verbinden", "Soziale Stadt", "Demokratie leben!",
              "Starke Quartiere – starke Menschen", "Integration durch Qualifizierung", "ESF Plus Teilhabe",
              "Landesprogramm Gemeinwesenarbeit", "Aktion Mensch")
FUNDERS = ("Bundesministerium für Familie, Senioren, Frauen und Jugend", "Europäische Union über den Europäischen Sozialfonds Plus (ESF Plus)",
           "Land Nordrhein-Westfalen", "Freistaat Sachsen", "Freistaat Thüringen", "Landkreis", "Stadt",
           "Aktion Mensch e.V.", "Deutsche Fernsehlotterie", "Stiftung Wohlfahrtspflege", "Bürgerstiftung")
GENERIC = (
    "Das Angebot richtet sich an {phrase} in {town} und Umgebung.",
    "Sie können ohne Anmeldung vorbeikommen; für ein längeres Gespräch vereinbaren Sie am besten einen Termin.",
    "Die Beratung ist vertraulich und kostenlos. Auf Wunsch bleiben Sie anonym.",
    "Die Räume liegen im Erdgeschoss und sind mit Bus und Bahn gut zu erreichen.",
    "Wir arbeiten eng mit dem Jobcenter, dem Sozialamt und den Vereinen im Stadtteil zusammen.",
    "Bringen Sie gerne Unterlagen mit, zum Beispiel Briefe, Bescheide oder Verträge.",
    "Ehrenamtliche Helferinnen und Helfer unterstützen das hauptamtliche Team.",
    "Bei Bedarf übersetzen Sprachmittlerinnen und Sprachmittler, bitte sagen Sie vorher Bescheid.",
    "Kinder können mitgebracht werden, eine Spielecke ist vorhanden.",
    "Das Angebot gibt es seit {year} im Stadtteil {district} und wird laufend weiterentwickelt.",
    "Wer nicht selbst kommen kann, erreicht uns auch telefonisch oder per E-Mail.",
    "Alle Mitarbeitenden sind an die Schweigepflicht gebunden.",
    "Wir nehmen uns Zeit für Ihr Anliegen und suchen gemeinsam mit Ihnen nach einer Lösung.",
    "Wenn wir selbst nicht weiterhelfen können, vermitteln wir Sie an eine passende Stelle.",
    "In den Schulferien gelten manchmal andere Zeiten; sie stehen rechtzeitig auf dieser Seite.",
    "Die Teilnahme hängt nicht von Herkunft, Religion oder Einkommen ab.",
    "Menschen mit Behinderung sind ausdrücklich willkommen; sprechen Sie uns auf Ihren Bedarf an.",
)
EVENT_TEXT = (
    "Eine Anmeldung ist nicht nötig, kommen Sie einfach vorbei.",
    "Für Getränke und einen kleinen Imbiss ist gesorgt.",
    "Der Veranstaltungsraum ist stufenlos erreichbar.",
    "Bringen Sie gerne Freundinnen, Freunde oder Nachbarn mit.",
    "Die Veranstaltung ist Teil des Programms im Stadtteil {district}.",
    "Bei schlechtem Wetter findet das Treffen drinnen statt.",
    "Fragen beantwortet das Team gerne vorab am Telefon.",
)
EVENT_CLOSING = ("Alle sind herzlich eingeladen.", "Programm, Gespräche und Informationen aus erster Hand.",
                 "Der Eintritt ist frei, eine Anmeldung ist nicht nötig.", "Mit Zeit für Fragen und Austausch.",
                 "Kommen Sie vorbei und bringen Sie gerne jemanden mit.")
MOVES = ((timedelta(days=-1), "Wegen eines Feiertags einen Tag früher."),
         (timedelta(days=1), "Der Raum ist an diesem Tag belegt, daher einen Tag später."),
         (timedelta(days=7), "Wegen der Ferien eine Woche später."),
         (timedelta(hours=2), "An diesem Tag zwei Stunden später."))
TRANSPORT = ("Bushaltestelle {street} direkt vor dem Haus.", "Wenige Gehminuten vom Bahnhof {town}.",
             "Straßenbahnhaltestelle {district}, dann 3 Minuten zu Fuß.", "Parkplätze im Hof, Bushaltestelle Rathaus in der Nähe.",
             "Buslinien 5 und 12, Haltestelle {district} Mitte.")


# -- YAML writing -------------------------------------------------------------

_UNSAFE_START = set("-?:,[]{}#&*!|>'\"%@` ")
_LOOKS_TYPED = re.compile(
    r"^(?:[-+]?[0-9][0-9_.:eE+-]*|[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)|~|null|Null|NULL|true|True|TRUE|false|False|FALSE"
    r"|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$"
)


def q(value: str, flow: bool = False) -> str:
    """A string as a YAML scalar: plain when that reads back as the same text, else double-quoted."""
    s = str(value)
    plain = (
        s and s[0] not in _UNSAFE_START and s[-1] != " " and ": " not in s and " #" not in s
        and not s.endswith(":") and "\n" not in s and "\t" not in s and not _LOOKS_TYPED.match(s)
        and not (flow and any(c in s for c in ",[]{}"))
    )
    return s if plain else json.dumps(s, ensure_ascii=False)


def flow(items) -> str:
    return "[" + ", ".join(q(x, flow=True) for x in items) + "]"


def folded(key: str, text: str, indent: str = "") -> list[str]:
    lines = textwrap.wrap(text, width=78 - len(indent))
    return [f"{indent}{key}: >-"] + [f"{indent}  {ln}" for ln in lines]


def literal(key: str, paragraphs: list[str], indent: str = "") -> list[str]:
    out = [f"{indent}{key}: |"]
    for n, para in enumerate(paragraphs):
        if n:
            out.append("")
        if para.startswith("- "):
            out.extend(f"{indent}  {ln}" for ln in para.split("\n"))
        else:
            out.extend(f"{indent}  {ln}" for ln in textwrap.wrap(para, width=98 - len(indent)))
    return out


def hours_lines(hours: dict, indent: str) -> list[str]:
    out = [f"{indent}hours:"]
    i2 = indent + "  "
    if hours.get("regular"):
        out.append(f"{i2}regular:")
        for slot in hours["regular"]:
            out.append(f"{i2}  - days: {flow(slot['days'])}")
            out.append(f'{i2}    opens: "{slot["opens"]}"')
            out.append(f'{i2}    closes: "{slot["closes"]}"')
            if slot.get("note"):
                out.append(f"{i2}    note: {q(slot['note'])}")
    if hours.get("by_appointment"):
        out.append(f"{i2}by_appointment: true")
    for c in hours.get("closures", ()):
        if c is hours["closures"][0]:
            out.append(f"{i2}closures:")
        out += [f"{i2}  - from: {c['from']}", f"{i2}    until: {c['until']}", f"{i2}    note: {q(c['note'])}"]
    for e in hours.get("exceptions", ()):
        if e is hours["exceptions"][0]:
            out.append(f"{i2}exceptions:")
        out.append(f"{i2}  - date: {e['date']}")
        if e.get("closed"):
            out.append(f"{i2}    closed: true")
        else:
            out += [f'{i2}    opens: "{e["opens"]}"', f'{i2}    closes: "{e["closes"]}"']
        out.append(f"{i2}    note: {q(e['note'])}")
    return out


def translation_lines(term: dict) -> list[str]:
    """A term's translations as in the example taxonomy (the editions show them)."""
    out = []
    for code, texts in (term.get("translations") or {}).items():
        out += ["    translations:"] if not out else []
        out.append(f"      {code}:")
        out += [f"        {k}: {q(v)}" for k, v in texts.items()]
    return out


def phones_lines(phones, indent="") -> list[str]:
    out = [f"{indent}phones:"]
    for p in phones:
        out.append(f"{indent}  - number: {json.dumps(p['number'])}")
        if p.get("type"):
            out.append(f"{indent}    type: {p['type']}")
        if p.get("note"):
            out.append(f"{indent}    note: {q(p['note'])}")
    return out


# -- the generator ------------------------------------------------------------

@dataclass
class Town:
    name: str
    county: str | None
    postcode: str
    area: str
    lat: float
    lon: float
    districts: list  # (region id, label, short name)
    region: str = ""
    domain: str = ""
    orgs: list = field(default_factory=list)
    offices: list = field(default_factory=list)
    persons: list = field(default_factory=list)
    places: list = field(default_factory=list)
    offers: list = field(default_factory=list)


class Generator:
    def __init__(self, n: int, seed: str = SEED, taxonomy: Path | None = None):
        self.n = n
        self.rng = random.Random(f"{seed}/{n}")
        self.ids: dict[str, set] = {k: set() for k in ("offer", "event", "contact", "place")}
        tax = yaml.safe_load((taxonomy or ROOT / "content" / "taxonomy.yaml").read_text("utf-8"))
        self.topics = tax["topics"]
        self.groups = tax["target_groups"]
        self.situations = tax.get("situations") or {}  # the finder's life situations, as in the example
        self.files: dict[str, str] = {}  # relative path -> text
        self.contacts: dict[str, dict] = {}
        self.closed: dict[tuple[str, str], list] = {}  # (offer, place) -> closed (first, last) days

    # helpers
    def pick(self, seq):
        return seq[self.rng.randrange(len(seq))]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def new_id(self, kind: str, base: str) -> str:
        base = slug(base)
        ident, n = base, 1
        while ident in self.ids[kind]:
            n += 1
            ident = f"{base}-{n}"
        self.ids[kind].add(ident)
        return ident

    def day_between(self, a: date, b: date) -> date:
        return a + timedelta(days=self.rng.randrange((b - a).days + 1))

    def reviewed(self) -> tuple[str, int | None]:
        """A recent review date and interval whose next review is still ahead of TODAY."""
        interval = self.pick((None, None, None, 6, 12, 24))
        latest = TODAY - timedelta(days=2)
        earliest = TODAY - timedelta(days=150 if interval == 6 else 300)
        return self.day_between(earliest, latest).isoformat(), interval

    def phone(self, town: Town, mobile: bool = False) -> str:
        for _ in range(50):
            if mobile:
                prefix = self.pick(("0151", "0152", "0157", "0160", "0162", "0170", "0171", "0175", "0176"))
                digits = "".join(str(self.rng.randrange(10)) for _ in range(8 if prefix.startswith("015") else 7))
                number = f"{prefix} {digits}"
            else:
                length = {4: 7, 5: 6, 6: 5}.get(len(town.area), 6)
                first = str(self.rng.randrange(2, 10))
                rest = "".join(str(self.rng.randrange(10)) for _ in range(length - 1))
                sub = first + rest
                style = self.rng.randrange(4)
                if style == 0:
                    number = f"{town.area} {sub[:3]}-{sub[3:]}"
                elif style == 1:
                    number = f"({town.area}) {sub[:3]} {sub[3:]}"
                elif style == 2:
                    number = f"+49 {town.area[1:]} {sub}"
                else:
                    number = f"{town.area} {sub}"
            try:
                if phonenumbers.is_valid_number(phonenumbers.parse(number, "DE")):
                    return number
            except phonenumbers.NumberParseException:
                pass
        raise RuntimeError(f"no valid phone number for area code {town.area}")

    def slots(self, count: int) -> list[dict]:
        spans = (("08:00", "12:00"), ("09:00", "12:00"), ("09:00", "12:30"), ("10:00", "13:00"), ("13:00", "15:30"),
                 ("14:00", "17:00"), ("14:00", "18:00"), ("15:00", "18:00"), ("16:00", "19:00"), ("17:00", "19:30"))
        out, used = [], []
        for _ in range(count):
            days = sorted(self.rng.sample(range(5), self.rng.randint(1, 3)))
            opens, closes = self.pick(spans)
            key = (tuple(days), opens)
            if key in used:
                continue
            used.append(key)
            slot = {"days": [WEEKDAYS[d] for d in days], "opens": opens, "closes": closes}
            if self.chance(0.1):
                slot["note"] = self.pick(("nur in den Schulwochen", "ohne Termin", "mit Termin", "telefonisch"))
            out.append(slot)
        out.sort(key=lambda s: (WEEKDAYS.index(s["days"][0]), s["opens"]))
        return out

    def hours(self, slots: tuple[int, int]) -> dict:
        h = {"regular": self.slots(self.rng.randint(*slots))}
        if self.chance(0.3):
            h["by_appointment"] = True
        if self.chance(0.25):
            year = self.pick((2026, 2027))
            if self.chance(0.5):
                h["closures"] = [{"from": f"{year}-12-22", "until": f"{year + 1}-01-02", "note": "Weihnachtspause"}]
            else:
                start = self.day_between(date(year, 7, 1), date(year, 7, 31))
                h["closures"] = [{"from": start.isoformat(), "until": (start + timedelta(days=13)).isoformat(),
                                  "note": "Sommerpause"}]
        if self.chance(0.15):
            h["exceptions"] = [{"date": "2026-12-24", "closed": True, "note": "Heiligabend"}]
            if self.chance(0.4):
                d = self.day_between(date(2027, 1, 11), date(2027, 3, 26))
                h["exceptions"].append({"date": d.isoformat(), "opens": "09:00", "closes": "11:00",
                                        "note": "verkürzte Zeit wegen Teamsitzung"})
        return h

    # -- regions and taxonomy ------------------------------------------------
    def build_towns(self) -> list[Town]:
        count = max(2, min(len(TOWNS), math.ceil(self.n / 250)))
        towns = []
        for name, county, postcode, area, lat, lon, districts in TOWNS[:count]:
            t = Town(name, county, postcode, area, lat, lon, [])
            t.region = slug(name)
            t.domain = slug(name).replace("-", "") + ".de"
            for d in districts:
                label = f"{name}-{d}" if d in ("Mitte", "Nord", "Süd", "Ost", "West", "Zentrum", "Innenstadt", "Altstadt") else d
                t.districts.append((slug(f"{name}-{d}"), label, d))
            towns.append(t)
        return towns

    def taxonomy_text(self, towns: list[Town]) -> str:
        out = ["# Themen, Zielgruppen und Regionen (erzeugt von bench/generate.py).", "topics:"]
        for vocab, terms in (("topics", self.topics), ("target_groups", self.groups)):
            if vocab != "topics":
                out += ["", f"{vocab}:"]
            for key, term in terms.items():
                out.append(f"  {key}:")
                for field_ in ("label", "phrase", "description", "icon"):
                    if term.get(field_):
                        out.append(f"    {field_}: {q(term[field_])}")
                if term.get("everyone"):  # a group like "Alle": counts for every group in the finder
                    out.append("    everyone: true")
                out += translation_lines(term)
        out += ["", "regions:"]
        counties = []
        for t in towns:
            if t.county and t.county not in counties:
                counties.append(t.county)
                out += [f"  {slug(t.county)}:", f"    label: {q(t.county)}"]
            out += [f"  {t.region}:", f"    label: {q(t.name)}"]
            if t.county:
                out.append(f"    parent: {slug(t.county)}")
            for rid, label, _ in t.districts:
                out += [f"  {rid}:", f"    label: {q(label)}", f"    parent: {t.region}"]
        if self.situations:  # "Worum geht es?": its pages are built and measured too
            out += ["", "situations:"]
            for key, sit in self.situations.items():
                out += [f"  {key}:", f"    label: {q(sit['label'])}"]
                if sit.get("description"):
                    out.append(f"    description: {q(sit['description'])}")
                for field_ in ("topics", "target_groups", "keywords"):
                    if sit.get(field_):
                        out.append(f"    {field_}: {flow(sit[field_])}")
                out += translation_lines(sit)
        return schema_line("taxonomy").replace("../../", "../") + "\n".join(out) + "\n"

    # -- places ----------------------------------------------------------------
    def place(self, town: Town) -> None:
        rid, label, short = self.pick(town.districts)
        pattern = self.pick(("Bürgerhaus {d}", "Stadtteilzentrum {d}", "Gemeindezentrum St. {s}", "Familienzentrum {d}",
                             "Mehrgenerationenhaus {t}", "Begegnungsstätte {street}", "Rathaus {t}, Bürgerbüro",
                             "Stadtbibliothek {t}", "Jugendzentrum {d}", "Seniorenbegegnungsstätte {d}",
                             "Evangelisches Gemeindehaus {d}", "Volkshochschule {t}", "Nachbarschaftstreff {street}",
                             "Beratungszentrum {t}", "Haus der Vereine {d}"))
        street = self.pick(STREETS)
        name = pattern.format(d=label, s=self.pick(SAINTS), t=town.name, street=street)
        pid = self.new_id("place", f"{name} {town.name}" if town.name not in name else name)
        postcode = f"{int(town.postcode) + town.districts.index((rid, label, short)) * 2:05d}"
        lines = [schema_line("place").rstrip("\n"), f"id: {pid}", f"name: {q(name)}", "address:",
                 f"  street: {q(f'{street} {self.rng.randint(1, 120)}')}", f'  postcode: "{postcode}"',
                 f"  town: {q(town.name)}"]
        if label != town.name:
            lines.append(f"  district: {q(label)}")
        lines.append(f"region: {rid}")
        lines += ["coordinates:", f"  lat: {town.lat + self.rng.uniform(-0.03, 0.03):.5f}",
                  f"  lon: {town.lon + self.rng.uniform(-0.04, 0.04):.5f}"]
        wheel = self.pick(("full", "full", "partial", "none"))
        lines += ["accessibility:", f"  wheelchair: {wheel}",
                  f"  accessible_toilet: {'true' if wheel == 'full' and self.chance(0.8) else 'false'}"]
        if self.chance(0.3):
            lines.append("  hearing_loop: true")
        if wheel != "full":
            lines.append("  notes: " + q(self.pick(("Zwei Stufen am Eingang, eine Rampe ist in Arbeit.",
                                                     "Aufzug zum ersten Stock, der Saal im Keller hat Stufen.",
                                                     "Der Eingang hinten am Hof ist stufenlos."))))
        lines.append("transport: " + q(self.pick(TRANSPORT).format(street=street, town=town.name, district=label)))
        if self.chance(0.3):
            lines += literal("description", [f"Das Haus liegt zentral in {label}. Es gibt einen großen Saal für "
                                             f"bis zu {self.rng.randint(4, 20) * 10} Personen und mehrere Gruppenräume."])
        self.files[f"places/{pid}.yaml"] = "\n".join(lines) + "\n"
        town.places.append((pid, rid))

    # -- contacts ----------------------------------------------------------------
    def contact_text(self, cid, kind, name, *, parent=None, extra=()):
        reviewed, interval = self.reviewed()
        lines = [schema_line("contact").rstrip("\n"), f"id: {cid}", f"kind: {kind}", f"name: {q(name)}", *extra]
        if parent:
            lines.append(f"parent: {parent}")
        return lines, reviewed, interval

    def organisation(self, town: Town, k: int) -> None:
        rid, label, short = self.pick(town.districts)
        patterns = ("Stadt {t}", "Caritasverband {t} e.V.", "Diakonisches Werk {t}", "AWO Ortsverein {t} e.V.",
                    "DRK-Kreisverband {t} e.V.", "Paritätischer Wohlfahrtsverband, Kreisgruppe {t}",
                    "Bürgerverein {d} e.V.", "Freiwilligenagentur {t} e.V.", "Mehrgenerationenhaus {t} e.V.",
                    "Evangelische Kirchengemeinde {d}", "Katholische Pfarrei St. {s} {t}", "Verbraucherzentrale, Beratungsstelle {t}",
                    "Nachbarschaftshilfe {d} e.V.", "Internationaler Bund, Standort {t}", "Volkssolidarität {t} e.V.")
        name = patterns[k % len(patterns)].format(t=town.name, d=label, s=self.pick(SAINTS))
        cid = self.new_id("contact", name.replace(" e.V.", ""))
        domain = slug(name.replace(" e.V.", "")).replace("-", "")[:30] + ".de"
        lines, reviewed, interval = self.contact_text(cid, "organisation", name)
        if self.chance(0.5):
            lines += literal("description", [self.pick((
                f"Wir sind seit vielen Jahren in {town.name} aktiv und arbeiten mit Haupt- und Ehrenamtlichen.",
                f"Träger sozialer Angebote in {town.name}: Beratung, Begegnung und Hilfe im Alltag.",
                f"Der Verband bündelt soziale Dienste in {town.name} und Umgebung."))])
        lines += phones_lines([{"number": self.phone(town), "note": "Zentrale"}])
        lines += [f"email: info@{domain}", f"website: https://www.{domain}/"]
        street = self.pick(STREETS)
        lines += ["address:", f"  street: {q(f'{street} {self.rng.randint(1, 80)}')}", f'  postcode: "{town.postcode}"',
                  f"  town: {q(town.name)}"]
        lines.append(f"last_reviewed: {reviewed}")
        if interval:
            lines.append(f"review_interval_months: {interval}")
        self.files[f"contacts/{cid}.yaml"] = "\n".join(lines) + "\n"
        town.orgs.append((cid, domain))

    def office(self, town: Town, k: int) -> None:
        parent, domain = town.orgs[k % len(town.orgs)]
        names = ("Amt für Soziales und Senioren", "Jugendamt", "Integrationsbüro", "Quartiersmanagement",
                 "Beratungsstelle", "Pflegestützpunkt", "Migrationsdienst", "Ehrenamtsbüro", "Seniorenbüro",
                 "Fachbereich Familie und Bildung", "Kontaktbüro", "Stadtteilbüro")
        base = names[k % len(names)]
        rid, label, short = self.pick(town.districts)
        name = f"{base} {label}" if base in ("Quartiersmanagement", "Stadtteilbüro", "Kontaktbüro") else f"{base} {town.name}"
        cid = self.new_id("contact", name)
        lines, reviewed, interval = self.contact_text(cid, "office", name, parent=parent)
        if self.chance(0.5):
            lines.append(f"department: {q(self.pick(('Sachgebiet Soziale Dienste', 'Abteilung Teilhabe', 'Team Gemeinwesenarbeit', 'Sachgebiet Begegnung')))}")
        lines += phones_lines([{"number": self.phone(town)}] + ([{"number": self.phone(town), "type": "fax"}] if self.chance(0.3) else []))
        lines.append(f"email: {slug(base, 20)}@{domain}")
        if town.places and self.chance(0.7):
            lines.append(f"place: {self.pick(town.places)[0]}")
        if self.chance(0.5):
            lines += hours_lines(self.hours((1, 2)), "")
        lines.append(f"last_reviewed: {reviewed}")
        if interval:
            lines.append(f"review_interval_months: {interval}")
        self.files[f"contacts/{cid}.yaml"] = "\n".join(lines) + "\n"
        town.offices.append((cid, domain))

    def person(self, town: Town) -> None:
        first, last = self.pick(FIRST_NAMES), self.pick(LAST_NAMES)
        name = f"{first} {last}"
        cid = self.new_id("contact", name)
        parent, domain = self.pick(town.offices) if town.offices and self.chance(0.7) else self.pick(town.orgs)
        lines, reviewed, interval = self.contact_text(cid, "person", name, parent=parent)
        lines.insert(5, f"role: {q(self.pick(('Sozialarbeiterin', 'Sozialarbeiter', 'Ansprechperson für Ehrenamtliche', 'Beraterin', 'Berater', 'Projektleitung', 'Koordination', 'Quartiersmanagerin', 'Integrationslotse')))}")
        phones = [{"number": self.phone(town)}]
        if self.chance(0.3):
            phones.append({"number": self.phone(town, mobile=True), "type": "mobile", "note": "auch per SMS"})
        lines += phones_lines(phones)
        lines.append(f"email: {slug(first)[0]}.{slug(last)}@{domain}")
        lines.append(f"last_reviewed: {reviewed}")
        if interval:
            lines.append(f"review_interval_months: {interval}")
        self.files[f"contacts/{cid}.yaml"] = "\n".join(lines) + "\n"
        town.persons.append(cid)

    # -- offers ----------------------------------------------------------------
    def terms(self, wanted, pool):
        """The wanted terms that the taxonomy has (else its first term)."""
        return [x for x in wanted if x in pool] or [next(iter(pool))]

    def description(self, kind: Kind, town: Town, label: str, phrase: str) -> list[str]:
        target = self.rng.randint(100, 150)
        year = self.rng.randint(2008, 2024)
        paras = [" ".join(self.rng.sample(kind.intro, len(kind.intro)))]
        words = len(paras[0].split())
        generic = self.rng.sample(GENERIC, len(GENERIC))
        add_list = self.chance(0.5)
        if add_list:
            items = self.rng.sample(kind.items, self.rng.randint(3, 4))
            head = self.pick(("Was wir anbieten:", "**Unser Angebot**", "Das erwartet Sie:"))
            paras.append(head)
            paras.append("\n".join(f"- {it}" for it in items))
            words += sum(len(it.split()) for it in items) + 3
        para, gi = [], 0
        while words < target and gi < len(generic):
            sentence = generic[gi].format(phrase=phrase.removeprefix("für "), town=town.name, district=label, year=year)
            gi += 1
            para.append(sentence)
            words += len(sentence.split())
            if len(para) == 5:
                paras.append(" ".join(para))
                para = []
        if para:
            paras.append(" ".join(para))
        return paras

    def offer(self, town: Town) -> None:
        kind = self.pick(KINDS)
        rid, label, short = self.pick(town.districts)
        base = self.pick(kind.names)
        r = self.rng.random()
        if r < 0.15:
            name = f"„{self.pick(MOTTOS)}“ – {base} in {label}"
        elif r < 0.6:
            name = f"{base} {label}"
        else:
            name = f"{base} {town.name}"
        oid = self.new_id("offer", name)
        topics = self.terms(kind.topics, self.topics)
        groups = self.terms(kind.groups, self.groups)
        phrase = self.groups[groups[0]].get("phrase", "alle")
        roll = self.rng.random()
        status = "ended" if roll < 0.08 else "paused" if roll < 0.13 else "active"
        provider, domain = self.pick(town.orgs + town.offices)
        L = [schema_line("offer").rstrip("\n"), f"id: {oid}", f"name: {q(name)}"]
        L += folded("summary", self.pick(kind.summary))
        L.append(f"status: {status}")
        if status == "ended":
            start = self.day_between(date(2018, 1, 1), date(2022, 12, 31))
            L += ["period:", f"  from: {start.isoformat()}",
                  f"  until: {self.day_between(date(2023, 6, 30), TODAY - timedelta(days=30)).isoformat()}"]
        elif self.chance(0.5):
            L += ["period:", f"  from: {self.day_between(date(2015, 1, 1), date(2026, 9, 1)).isoformat()}"]
            if self.chance(0.3):
                L.append(f"  until: {self.pick(('2027-06-30', '2027-12-31', '2028-12-31'))}")
        L.append(f"topics: {flow(topics)}")
        L.append(f"target_groups: {flow(groups)}")
        regions = [rid] if self.chance(0.6) else [town.region]
        L.append(f"regions: {flow(regions)}")
        if kind.age:
            L += ["age:", f"  min: {kind.age[0]}"] + ([f"  max: {kind.age[1]}"] if kind.age[1] < 120 else [])
        if self.chance(0.5):
            L.append(f"eligibility: {q(f'{phrase[0].upper()}{phrase[1:]} aus {town.name} und Umgebung.'.replace('Für ', ''))}")
        L += literal("description", self.description(kind, town, label, phrase))
        L.append(f"provider: {provider}")
        people = self.rng.sample(town.persons, min(len(town.persons), self.rng.randint(0, 2)))
        if people:
            L.append(f"contacts: {flow(people)}")
        places = self.rng.sample(town.places, min(len(town.places), self.pick((1,) * 14 + (2, 2, 3))))
        L.append("places:")
        for n, (pid, _) in enumerate(places):
            L.append(f"  - place: {pid}")
            if n or self.chance(0.5):
                L.append(f"    label: {q(kind.label if n == 0 else 'Außensprechstunde')}")
            if status != "ended" and self.chance(0.04):
                L.append("    publish_as_events: true")
            hours = self.hours((2, 3) if n == 0 else (1, 1))
            self.closed[(oid, pid)] = [(date.fromisoformat(c["from"]), date.fromisoformat(c["until"]))
                                       for c in hours.get("closures", ())] + [
                (date.fromisoformat(e["date"]),) * 2 for e in hours.get("exceptions", ()) if e.get("closed")]
            L += hours_lines(hours, "    ")
        if kind.cost_note and self.chance(0.7):
            L += ["cost:", "  free: false", f"  note: {q(kind.cost_note)}"]
        else:
            L += ["cost:", "  free: true"]
        langs = list(kind.languages) if len(kind.languages) == 1 else ["de"] + self.rng.sample(kind.languages[1:], self.rng.randint(1, len(kind.languages) - 1))
        L.append(f"languages: {flow(langs)}")
        if self.chance(0.6):
            L += ["appointment:", f"  required: {'true' if self.chance(0.4) else 'false'}"]
            if self.chance(0.5):
                L.append(f"  note: {q(self.pick(('Termine bitte telefonisch vereinbaren.', 'In der offenen Sprechstunde ohne Termin.', 'Für Erstgespräche bitte anmelden.')))}")
        if self.chance(0.5):
            L += phones_lines([{"number": self.phone(town)}])
        if self.chance(0.6):
            L.append(f"email: {slug(kind.key)}@{domain}")
        if self.chance(0.5):
            L.append(f"website: https://www.{domain}/angebote/{oid}/")
        if self.chance(0.2):
            L += ["links:", f"  - label: {q('Flyer zum Angebot (PDF)')}", f"    url: https://www.{domain}/flyer/{oid}.pdf"]
        if self.chance(0.3):
            funders = self.rng.sample(FUNDERS, self.rng.randint(1, 3))
            L += ["funding:", f"  programme: {q(self.pick(PROGRAMMES))}", "  funders:"]
            L += [f"    - {q(f)}" for f in funders]
            if any("Europäische Union" in f for f in funders):
                L.append("  eu_cofunded: true")
        reviewed, interval = self.reviewed()
        L.append(f"last_reviewed: {reviewed}")
        if interval:
            L.append(f"review_interval_months: {interval}")
        L.append(f"keywords: {flow(self.rng.sample(kind.keywords, self.rng.randint(3, len(kind.keywords))))}")
        self.files[f"offers/{oid}.yaml"] = "\n".join(L) + "\n"
        town.offers.append((oid, kind, provider, status))

    # -- events ----------------------------------------------------------------
    def event(self, town: Town) -> None:
        rid, label, short = self.pick(town.districts)
        linked = town.offers and self.chance(0.55)
        if linked:
            oid, kind, organiser, ostatus = self.pick(town.offers)
            title = self.pick(kind.events)
            topics, groups = None, None
            if self.chance(0.3):
                topics = self.terms(kind.topics, self.topics)
                groups = self.terms(kind.groups, self.groups)
        else:
            oid, kind = None, None
            title = self.pick(GENERAL_EVENTS)
            organiser = self.pick(town.orgs + town.offices + [(p, None) for p in town.persons])[0]
            topics = [self.pick(list(self.topics))]
            groups = [self.pick(list(self.groups))]
        if linked and self.chance(0.5):
            organiser = self.pick(town.persons) if town.persons and self.chance(0.3) else organiser
        roll = self.rng.random()
        shape = ("weekly" if roll < 0.35 else "monthly_nth" if roll < 0.55 else "monthly_day" if roll < 0.60
                 else "daily" if roll < 0.62 else "single" if roll < 0.87 else "allday")
        series = shape in ("weekly", "monthly_nth", "monthly_day", "daily")
        if not series:
            title = f"{title} in {label}" if len(title) < 60 and self.chance(0.5) else title
        hour = self.pick((9, 10, 10, 14, 15, 16, 17, 18, 18, 19))
        minute = self.pick((0, 0, 0, 30))
        duration = timedelta(minutes=self.pick((60, 90, 90, 120, 120, 150, 180)))
        first = self.day_between(date(2026, 1, 5), date(2027, 9, 30))
        base_id = title if series else f"{title} {first.strftime('%Y-%m')}"
        eid = self.new_id("event", f"{base_id} {label}" if label not in base_id else base_id)
        L = [schema_line("event").rstrip("\n"), f"id: {eid}", f"title: {q(title)}"]
        rec: dict | None = None
        if series:
            rec = {"weekly": {"frequency": "weekly"}, "monthly_nth": {"frequency": "monthly"},
                   "monthly_day": {"frequency": "monthly"}, "daily": {"frequency": "daily"}}[shape]
            if shape == "weekly":
                rec["weekdays"] = [WEEKDAYS[d] for d in sorted(self.rng.sample(range(6), self.pick((1, 1, 1, 2))))]
                if self.chance(0.15):
                    rec["interval"] = 2
            elif shape == "monthly_nth":
                rec["weekday"] = self.pick(("mo", "di", "mi", "do", "fr", "fr"))
                rec["nth"] = self.pick((1, 2, 3, 4, -1, -1))
            elif shape == "monthly_day":
                rec["month_day"] = self.rng.randint(1, 28)
            else:
                first = first - timedelta(days=first.weekday())  # a Monday
                rec["count"] = self.pick((3, 5, 10))
            provisional = datetime(first.year, first.month, first.day, hour, minute)
            start = next(iter(Recurrence.from_data(rec, provisional).rule(provisional)))
            if shape != "daily":
                end_kind = self.rng.random()
                if end_kind < 0.45:
                    rec["until"] = (start.date() + timedelta(days=self.rng.randint(90, 420))).isoformat()
                elif end_kind < 0.75:
                    rec["count"] = self.rng.randint(4, 40)
            dates = [d.date() for d in series_dates(Recurrence.from_data(rec, start), start, start.date() + timedelta(days=400))]
            if len(dates) > 4 and self.chance(0.45):
                pool = self.rng.sample(dates[1:], min(len(dates) - 1, 4))
                if self.chance(0.7):
                    rec["except"] = sorted(pool[:self.pick((1, 1, 2))])
                    pool = [d for d in pool if d not in rec["except"]]
                if pool and self.chance(0.5):
                    rec["cancelled"] = [pool.pop(0)]
                if pool and self.chance(0.5):
                    d = pool.pop(0)
                    shift, note = self.pick(MOVES) if shape != "daily" else (timedelta(hours=1), "An diesem Tag eine Stunde später.")
                    to = datetime.combine(d, start.time()) + shift
                    rec["moved"] = [{"date": d, "to": to, "end": to + duration, "note": note}]
            if shape in ("weekly", "monthly_nth") and self.chance(0.05):
                extra = datetime.combine(dates[-1] + timedelta(days=3), start.time())
                rec["extra"] = [extra]
            end = start + duration
        elif shape == "single":
            start = datetime(first.year, first.month, first.day, hour, minute)
            end = start + duration
        else:
            start = first
            end = first + timedelta(days=self.pick((0, 0, 1, 2))) if self.chance(0.6) else None
        summary = self.event_summary(title, shape, rec, start, label)
        L += folded("summary", summary)

        def when(v):
            return f'"{v:%Y-%m-%d %H:%M}"' if isinstance(v, datetime) else v.isoformat()
        L.append(f"start: {when(start)}")
        if end is not None and end != start:
            L.append(f"end: {when(end)}")
        # status and place are drawn before the recurrence is written: a date in the
        # closure of the offer at that place is left out (nahbei check warns otherwise)
        status = "scheduled"
        if not series and self.chance(0.1):
            status = self.pick(("cancelled", "postponed"))
        online = self.chance(0.15)
        place = self.pick(town.places)[0] if not online or self.chance(0.5) else None
        if oid and place:
            status = self.avoid_closures(self.closed.get((oid, place), ()), rec, start, status)
        if rec:
            L.append("recurrence:")
            L.append(f"  frequency: {rec['frequency']}")
            for key in ("interval", "month_day", "count"):
                if key in rec:
                    L.append(f"  {key}: {rec[key]}")
            if "weekdays" in rec:
                L.append(f"  weekdays: {flow(rec['weekdays'])}")
            if "weekday" in rec:
                L += [f"  weekday: {rec['weekday']}", f"  nth: {rec['nth']}"]
            if "until" in rec:
                L.append(f"  until: {rec['until']}")
            for key in ("except", "cancelled"):
                if rec.get(key):
                    L.append(f"  {key}: [{', '.join(d.isoformat() for d in rec[key])}]")
            if rec.get("moved"):
                m = rec["moved"][0]
                L += ["  moved:", f"    - date: {m['date'].isoformat()}", f"      to: {when(m['to'])}",
                      f"      end: {when(m['end'])}", f"      note: {q(m['note'])}"]
            if rec.get("extra"):
                L.append(f"  extra: [{', '.join(when(x) for x in rec['extra'])}]")
        L.append(f"status: {status}")
        if place:
            L.append(f"place: {place}")
        if online:
            L.append(f"online_url: https://meet.{town.domain}/{eid[:40]}")
        if oid:
            L.append(f"offer: {oid}")
        L.append(f"organiser: {organiser}")
        if self.chance(0.3):
            L += ["registration:", "  required: true"]
            if not series and isinstance(start, (date, datetime)):
                deadline = (start if not isinstance(start, datetime) else start.date()) - timedelta(days=self.rng.randint(2, 10))
                L.append(f"  deadline: {deadline.isoformat()}")
            L.append(f"  note: {q(self.pick(('Bitte melden Sie sich telefonisch an.', 'Die Plätze sind begrenzt.', 'Anmeldung per E-Mail genügt.')))}")
        if self.chance(0.05):
            L.append("invitation_only: true")
        if self.chance(0.8):
            L += ["cost:", "  free: true"] if self.chance(0.8) else ["cost:", "  free: false", "  note: 5 Euro, ermäßigt 2 Euro"]
        if topics:
            L.append(f"topics: {flow(topics)}")
            L.append(f"target_groups: {flow(groups)}")
        if not oid and self.chance(0.5):
            L.append(f"regions: {flow([rid])}")
        if self.chance(0.3):
            L.append(f"languages: {flow(['de'] + ([self.pick(('en', 'ar', 'uk', 'tr'))] if self.chance(0.4) else []))}")
        if self.chance(0.45):
            sentences = self.rng.sample(EVENT_TEXT, self.rng.randint(2, 4))
            L += literal("description", [" ".join(s.format(district=label) for s in sentences)])
        if self.chance(0.3):
            L.append(f"keywords: {flow(self.rng.sample(kind.keywords if kind else ('Fest', 'Feier', 'Nachbarn', 'Programm', 'Kinder'), 3))}")
        self.files[f"events/{eid}.yaml"] = "\n".join(L) + "\n"

    @staticmethod
    def avoid_closures(closed, rec, start, status) -> str:
        """Leave out the dates that fall in the offer's closures at the event's place:
        series dates go to ``except`` (a moved or extra date is dropped), a single
        event is cancelled. Returns the event's status."""
        def shut(day):
            return any(first <= day <= last for first, last in closed)
        if not closed:
            return status
        if rec is None:
            day = start.date() if isinstance(start, datetime) else start
            return "cancelled" if shut(day) else status
        rec["extra"] = [x for x in rec.get("extra", ()) if not shut(x.date())]
        moved = []
        for m in rec.get("moved", ()):
            (rec.setdefault("except", []).append(m["date"]) if shut(m["to"].date()) else moved.append(m))
        rec["moved"] = moved
        horizon = max(last for _, last in closed)
        off = set(rec.get("except", ())) | set(rec.get("cancelled", ())) | {m["date"] for m in moved}
        rule = {k: v for k, v in rec.items() if k not in ("except", "cancelled", "moved", "extra")}
        for x in series_dates(Recurrence.from_data(rule, start), start, horizon):
            if shut(x.date()) and x.date() not in off:
                rec.setdefault("except", []).append(x.date())
        if rec.get("except"):
            rec["except"] = sorted(set(rec["except"]))
        return status

    def event_summary(self, title, shape, rec, start, label) -> str:
        if shape == "weekly":
            days = " und ".join(WEEKDAY_NAMES[WEEKDAYS.index(d)] for d in rec["weekdays"])
            every = "Jeden zweiten" if rec.get("interval") == 2 else "Jeden"
            head = f"{every} {days} um {start:%H:%M} Uhr"
        elif shape == "monthly_nth":
            head = f"Am {NTH_NAMES[rec['nth']]} {WEEKDAY_NAMES[WEEKDAYS.index(rec['weekday'])]} im Monat"
        elif shape == "monthly_day":
            head = f"Jeden Monat am {rec['month_day']}."
        elif shape == "daily":
            head = f"{rec['count']} Tage hintereinander, jeweils um {start:%H:%M} Uhr"
        elif shape == "single":
            head = f"Am {start.day}. {MONTHS[start.month - 1]} {start.year} um {start:%H:%M} Uhr"
        else:
            head = f"Ab dem {start.day}. {MONTHS[start.month - 1]} {start.year}"
        where = "" if label in title else f" in {label}"
        return f"{head}{where}. " + self.pick(EVENT_CLOSING)

    # -- all -------------------------------------------------------------------
    def run(self) -> dict[str, str]:
        towns = self.build_towns()
        n_offers = round(self.n * OFFER_SHARE)
        n_events = self.n - n_offers
        n_places = max(len(towns) * 2, round(self.n * 0.18))
        n_orgs = max(len(towns), round(self.n * 0.04))
        n_offices = max(len(towns), round(self.n * 0.05))
        n_persons = max(len(towns) * 2, round(self.n * 0.10))
        self.files["taxonomy.yaml"] = self.taxonomy_text(towns)
        for i in range(n_places):
            self.place(towns[i % len(towns)])
        for i in range(n_orgs):
            self.organisation(towns[i % len(towns)], i // len(towns))
        for i in range(n_offices):
            self.office(towns[i % len(towns)], i // len(towns))
        for i in range(n_persons):
            self.person(towns[i % len(towns)])
        for i in range(n_offers):
            self.offer(towns[i % len(towns)])
        for i in range(n_events):
            self.event(towns[i % len(towns)])
        self.files["postcodes.csv"] = self.postcodes_text(towns)
        return self.files

    # -- the postcode table (content/postcodes.csv) --------------------------------
    POSTCODES_PER_TOWN = 25  # about a county's worth each: ~1,000 rows at N=10,000

    def postcodes_text(self, towns: list[Town]) -> str:
        """A postcode table as a site owner would add it: the places' postcodes
        (town postcode + 2 x district) and more of each town's area, around the
        town. Its own random generator: the entries stay as they were without it."""
        rng = random.Random(f"{self.n}/postcodes")
        lines, taken = ["postcode,town,lat,lon"], set()
        for t in towns:
            for k in range(self.POSTCODES_PER_TOWN):
                code = f"{int(t.postcode) + 2 * k:05d}"
                if code in taken:
                    continue
                taken.add(code)
                lines.append(f"{code},{q(t.name) if ',' in t.name else t.name},"
                             f"{t.lat + rng.uniform(-0.06, 0.06):.4f},{t.lon + rng.uniform(-0.08, 0.08):.4f}")
        return "\n".join(lines) + "\n"


#: Words of the made-up translations (issue 13's budget: a fifth of the offers and
#: events translated into each other site language): names and summaries of
#: realistic length, in the language's script, so the search indexes per language
#: and the pages' sizes are like real ones.
TRANSLATION_WORDS = {
    "en": ("advice", "meeting", "support", "families", "help", "open", "group", "counselling", "children",
           "older", "people", "together", "neighbourhood", "language", "school", "work", "home", "health"),
    "ar": ("استشارة", "لقاء", "دعم", "عائلات", "مساعدة", "مفتوح", "مجموعة", "أطفال", "كبار", "السن",
           "معا", "الحي", "لغة", "مدرسة", "عمل", "بيت", "صحة", "نصيحة"),
    "uk": ("консультація", "зустріч", "підтримка", "сім'ї", "допомога", "відкрита", "група", "діти",
           "літні", "люди", "разом", "район", "мова", "школа", "робота", "дім", "здоров'я", "порада"),
}


def add_translations(files: dict[str, str], *, seed: str = SEED, share: float = 0.2,
                     languages: tuple[str, ...] = ("en", "ar", "uk")) -> int:
    """Give ``share`` of the offers and events (each language drawn on its own)
    a translated name/title and summary; returns how many blocks were added. A
    random stream of its own per file: the rest of the content stays as without."""
    added = 0
    for rel in sorted(files):
        kind = rel.split("/", 1)[0]
        if kind not in ("offers", "events"):
            continue
        blocks = []
        for lang in languages:
            rng = random.Random(f"{seed}/translation/{rel}/{lang}")
            if rng.random() >= share:
                continue
            words = TRANSLATION_WORDS[lang]
            name = " ".join(rng.choice(words) for _ in range(rng.randint(3, 6)))
            summary = " ".join(rng.choice(words) for _ in range(rng.randint(12, 24))) + "."
            blocks += [f"  {lang}:", f"    {'name' if kind == 'offers' else 'title'}: {q(name.capitalize())}",
                       f"    summary: {q(summary.capitalize())}"]
            added += 1
        if blocks:
            files[rel] = files[rel] + "\n".join(["translations:", *blocks]) + "\n"
    return added


def generate(n: int, out: Path, *, seed: str = SEED, translated: float = 0.2) -> dict:
    """Write N entries into ``out`` (a content/ folder, replaced). Returns counts.
    ``translated``: the share of offers and events translated into each of en, ar, uk."""
    files = Generator(n, seed).run()
    translations = add_translations(files, seed=seed, share=translated) if translated else 0
    out = Path(out)
    if out.exists():
        if not (out / MARKER).exists() and any(out.iterdir()):
            raise SystemExit(f"{out} exists and was not written by bench.generate; not replacing it")
        shutil.rmtree(out)
    for folder in ("offers", "events", "contacts", "places"):
        (out / folder).mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("Generated by bench/generate.py; replaced on every run.\n", "utf-8")
    for rel in sorted(files):
        (out / rel).write_text(files[rel], "utf-8", newline="\n")
    counts = {k: sum(1 for r in files if r.startswith(k + "/")) for k in ("offers", "events", "contacts", "places")}
    counts["files"] = len(files)
    counts["bytes"] = sum(len(t.encode()) for t in files.values())
    counts["translations"] = translations
    return counts


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1000, help="offers + events (default 1000)")
    ap.add_argument("--out", type=Path, help="content folder to write (default bench/out/n<N>/content)")
    ap.add_argument("--seed", default=SEED)
    args = ap.parse_args(argv)
    out = args.out or ROOT / "bench" / "out" / f"n{args.n}" / "content"
    counts = generate(args.n, out, seed=args.seed)
    print(f"{out}: {counts['offers']} offers, {counts['events']} events, {counts['contacts']} contacts, "
          f"{counts['places']} places ({counts['files']} files, {counts['bytes'] / 1e6:.1f} MB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
