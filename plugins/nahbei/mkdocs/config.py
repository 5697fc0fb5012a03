"""Options of the ``nahbei/directory`` plugin (mkdocs.yml ``plugins:`` entry)."""
from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import phonenumbers
from mkdocs.config import config_options as c
from mkdocs.config.base import Config, ValidationError

from ..model.clock import DEFAULT_COUNTRY, DEFAULT_TZ
from ..sitesize import GITHUB_PAGES_MB


class LegalConfig(Config):
    """Facts for the imprint, privacy notice and accessibility statement.

    The pages are generated from these settings (templates
    ``nahbei/legal/*.html``; override them in ``overrides/nahbei/legal/``).
    """

    operator = c.Type(str, default="")  # who runs the site (name of organisation or person)
    address = c.Type(str, default="")  # postal address, lines separated by newlines
    email = c.Type(str, default="")
    phone = c.Type(str, default="")
    responsible = c.Type(str, default="")  # responsible for content (§ 18 Abs. 2 MStV)
    register = c.Type(str, default="")  # e.g. "Vereinsregister Amtsgericht Siegburg, VR 1234"
    vat_id = c.Type(str, default="")
    # Accessibility statement (BITV 2.0 § 12b)
    accessibility_contact = c.Type(str, default="")  # e-mail for feedback on barriers
    accessibility_status = c.Choice(("full", "partial", "none"), default="partial")
    accessibility_known_issues = c.ListOfItems(c.Type(str), default=[])
    accessibility_date = c.Type(str, default="")  # when the statement was made (YYYY-MM-DD)
    accessibility_method = c.Type(str, default="")  # e.g. "Selbstbewertung mit automatischen Tests"
    enforcement_body = c.Type(str, default="")  # Schlichtungs- oder Durchsetzungsstelle (name)
    enforcement_url = c.Type(str, default="")
    # Privacy notice
    hosting = c.Type(str, default="")  # who hosts the site and what the host logs
    privacy_contact = c.Type(str, default="")  # data protection officer or contact
    privacy_notes = c.ListOfItems(c.Type(str), default=[])  # extra paragraphs
    supervisory_authority = c.Type(str, default="")  # Aufsichtsbehörde (name, address)
    example_data = c.Type(str, default="")  # shown as "Beispieldaten: …" on the legal pages


# http:// is allowed only for these hosts (tests, a local preview); everything
# published is fetched by visitors' browsers, so it must be https://.
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1"})
NEIGHBOUR_EXAMPLE = "{name: Stadt Beispielstadt, url: https://nahbei.beispielstadt.de/}"


def neighbour_url(value: object) -> str:
    """A neighbour's address as search.js and the pages use it: https (http only
    for localhost), no user, query or fragment, ending in "/". Raises ValidationError."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("url is missing (the address of the other nahbei site)")
    text = value.strip()
    try:
        parts = urlsplit(text)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise ValidationError(f"url {text!r} is not a valid address") from None
    scheme = parts.scheme.lower()
    if not host or not (scheme == "https" or (scheme == "http" and host in LOCAL_HOSTS)):
        raise ValidationError(f"url {text!r} is not allowed: expected an https:// address "
                              "(http:// only for localhost or 127.0.0.1)")
    if parts.username is not None or parts.password is not None or parts.query or parts.fragment:
        raise ValidationError(f"url {text!r}: no user name, password, '?' or '#' allowed")
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return urlunsplit((scheme, parts.netloc.lower(), path, "", ""))


class NeighbourConfig(Config):
    """One other nahbei site whose search index the search includes (Pagefind's
    multisite search) and whose open data the open-data page links."""

    name = c.Type(str)  # shown on its search results, e.g. "Stadt Beispielstadt"
    url = c.Type(str)  # its home page, e.g. https://nahbei.beispielstadt.de/ (checked by Neighbours)


class Neighbours(c.ListOfItems):
    """``neighbours:`` – a list of {name, url}; each URL checked by neighbour_url,
    names and URLs once each. Errors name the entry (mkdocs names the option)."""

    def __init__(self):
        super().__init__(c.SubConfig(NeighbourConfig), default=[])

    def run_validation(self, value: object) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            raise ValidationError(f"expected a list of other nahbei sites, e.g. [{NEIGHBOUR_EXAMPLE}]")
        out, names, urls = [], set(), set()
        for number, item in enumerate(value, 1):
            where = f"entry {number}"
            if not isinstance(item, dict):
                raise ValidationError(f"{where}: expected name and url, e.g. {NEIGHBOUR_EXAMPLE}")
            neighbour = NeighbourConfig()
            neighbour.load_dict(item)
            failed, warnings = neighbour.validate()
            unknown = sorted(set(item) - {"name", "url"})
            if failed or unknown:
                problem = (f"unknown key {unknown[0]!r}" if unknown
                           else f"{failed[0][0]}: {failed[0][1]}")
                raise ValidationError(f"{where}: {problem} (expected name and url, e.g. {NEIGHBOUR_EXAMPLE})")
            name = (neighbour.name or "").strip()
            if not name:
                raise ValidationError(f"{where}: name is missing (shown on the search results from that site)")
            where = f"{where} ({name!r})"
            try:
                neighbour.url = neighbour_url(item.get("url"))
            except ValidationError as e:
                raise ValidationError(f"{where}: {e}") from None
            neighbour.name = name
            if name in names or neighbour.url in urls:
                raise ValidationError(f"{where}: listed twice (name or url)")
            names.add(name)
            urls.add(neighbour.url)
            out.append(neighbour)
        return out


class Bounds(c.ListOfItems):
    """``map: bounds:`` – [west, south, east, north] in degrees (WGS 84), the
    region the tiles cover and ``make tiles`` cuts; None: no bounds."""

    def __init__(self):
        super().__init__(c.Type((int, float)), default=None)

    def run_validation(self, value: object):
        if value is None:
            return None
        example = "[10.9, 51.0, 11.6, 51.3]"
        if (not isinstance(value, list) or len(value) != 4
                or not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in value)):
            raise ValidationError(f"expected four numbers [west, south, east, north], e.g. {example}")
        west, south, east, north = (float(x) for x in value)
        if not (-180 <= west < east <= 180 and -85 <= south < north <= 85):
            raise ValidationError(f"{value!r}: expected west < east (-180…180) and south < north (-85…85), "
                                  f"e.g. {example}")
        return [west, south, east, north]


class MapConfig(Config):
    """``map:`` – the maps (overview page and the small map of each place),
    rendered in the browser with MapLibre GL JS from the site's own files."""

    # The region's vector tiles: one PMTiles file (Protomaps basemap layers), cut by
    # `make tiles` (not in git); relative to mkdocs.yml. Missing: pages show the
    # address with its route links instead of a map.
    tiles = c.Type(str, default="tiles/region.pmtiles")
    # The region: [west, south, east, north]; `make tiles` cuts this box, the map
    # cannot be moved beyond it.
    bounds = Bounds()
    # `make tiles` cuts zoom levels 0 to max_zoom (15: streets and buildings; the
    # map zooms further by enlarging them)
    max_zoom = c.Type(int, default=15)
    # Where MapLibre GL JS and pmtiles come from (npm ci); relative to mkdocs.yml.
    node_modules = c.Type(str, default="node_modules")
    # A public-transport planner of the region, linked beside OpenStreetMap's
    # directions: an address with {lat}, {lon} and/or {name} (URL-encoded), e.g.
    # "https://www.vmt-thueringen.de/fahrplanauskunft?ziel={lat},{lon}".
    transit_url = c.Optional(c.Type(str))
    transit_name = c.Optional(c.Type(str))  # its name in the link, e.g. "VMT-Fahrplanauskunft"


class Languages(c.ListOfItems):
    """``languages:`` – the site's languages, its own first (German at the root),
    e.g. [de, en, ar, uk]; each a code babel knows, each once. Empty: one language."""

    def __init__(self):
        super().__init__(c.Type(str), default=[])

    def run_validation(self, value: object) -> list:
        from ..model.translations import is_language

        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
            raise ValidationError("expected a list of language codes, the site's own first, e.g. [de, en, ar, uk]")
        for code in value:
            if not is_language(code):
                raise ValidationError(f"{code!r} is not a language code babel knows (e.g. en, ar, uk, tr, fa)")
        if len(set(value)) != len(value):
            raise ValidationError(f"{value!r}: a language is listed twice")
        return list(value)


class DirectoryConfig(Config):
    enabled = c.Type(bool, default=True)
    content_dir = c.Type(str, default="content")  # relative to mkdocs.yml
    schemas_dir = c.Optional(c.Type(str))  # default: the schemas/ folder nahbei ships with
    timezone = c.Type(str, default=DEFAULT_TZ)
    # ISO 3166 country of the directory (Directory.country): phone numbers without
    # a country code are read as its numbers, addresses in JSON-LD are in it
    country = c.Choice(sorted(phonenumbers.SUPPORTED_REGIONS), default=DEFAULT_COUNTRY)
    language = c.Optional(c.Type(str))  # default: theme.language, else "de"
    # The site's languages, its own first, e.g. [de, en, ar, uk]: `nahbei check` and
    # the build warn about entries without a translation of name and summary into
    # the others (translation_warnings: false switches that off)
    languages = Languages()
    # The site's own locale files (relative to mkdocs.yml; optional): locales/tr.yaml
    # adds Turkish to the languages nahbei ships with (de, en, ar, uk), locales/de.yaml
    # changes German texts. Same keys as plugins/nahbei/locales/.
    locales_dir = c.Type(str, default="locales")
    translation_warnings = c.Type(bool, default=True)
    calendar_weeks = c.Type(int, default=8)
    # A calendar page lists at most this many dates (whole days); on a large
    # directory the rest is reached through the calendars per topic, group or region.
    calendar_max_dates = c.Type(int, default=300)
    home_events = c.Type(int, default=5)  # next dates on the home page
    home_recent = c.Type(int, default=5)  # recently reviewed offers on the home page
    next_dates = c.Type(int, default=6)  # next dates listed on an event or offer page
    # Write the iCalendar feeds (nahbei.feeds) after the build; pages link only feeds that exist
    feeds = c.Type(bool, default=True)
    # Open data in HSDS 3.0 (api/hsds/, nahbei.exchange.hsds), and the licence
    # the open-data page and index.json name for all open data (e.g.
    # "CC BY 4.0" with https://creativecommons.org/licenses/by/4.0/deed.de)
    hsds = c.Type(bool, default=True)
    open_data_licence = c.Optional(c.Type(str))
    open_data_licence_url = c.Optional(c.Type(str))
    # The state (Bundesland) the directory's places lie in: HSDS addresses need
    # one; without it the export leaves addresses out (e.g. "Thüringen")
    state = c.Optional(c.Type(str))
    # QR codes of the entry pages (in the page, data-nb-qr) for the Merkzettel
    # and its printed handout (nahbei.qrcodes; needs site_url)
    qr_codes = c.Type(bool, default=True)
    # URL segments, e.g. {offer: angebote, calendar: kalender}; see nahbei.urls
    urls = c.DictOfItems(c.Type(str), default={})
    # Search form on the home page: null = when a page exists at the search URL
    search_form = c.Optional(c.Type(bool))
    # "Änderung melden" and "edit source" links (GitHub)
    repo_url = c.Optional(c.Type(str))  # https://github.com/<owner>/<repo>
    edit_uri = c.Type(str, default="edit/main/")  # repo_url + edit_uri + content/offers/x.yaml
    issue_template = c.Type(str, default="aenderung-melden.yml")
    # Render the theme's frame (head, nav, footer) once per kind of page, not for
    # every entry page (nahbei.mkdocs.frames); false renders each page in full.
    reuse_frames = c.Type(bool, default=True)
    # From this many framed pages on, `mkdocs build` renders a share of them in a
    # second process (nahbei.mkdocs.prefetch; NAHBEI_WORKERS=1 switches it off).
    parallel_min_pages = c.Type(int, default=400)
    # The finished site (Pagefind's bundle included) may be at most this many MB:
    # a larger one stops the build, so nothing is published and the old site stays
    # online. GitHub Pages' limit is 1 GB; 0: no limit (another host).
    max_site_mb = c.Type((int, float), default=GITHUB_PAGES_MB)
    # Other nahbei sites: the search includes their Pagefind indexes (their
    # bundle must allow CORS), results labelled with the name; the open-data page
    # links their data; the privacy page names them. E.g.
    # [{name: Stadt Beispielstadt, url: https://nahbei.beispielstadt.de/}]
    neighbours = Neighbours()
    legal = c.SubConfig(LegalConfig)
    map = c.SubConfig(MapConfig)


PLUGIN = "nahbei/directory"


def directory_options(config_file) -> DirectoryConfig | None:
    """The ``nahbei/directory`` options of a mkdocs.yml, checked and with their
    defaults, for the command line (``nahbei check``); None without the file or
    the plugin. Raises ValidationError naming the first bad option."""
    from pathlib import Path

    from mkdocs.utils.yaml import yaml_load

    path = Path(config_file)
    if not path.is_file():
        return None
    with path.open("rb") as f:
        data = yaml_load(f) or {}
    raw = None
    for item in data.get("plugins") or ():
        if item == PLUGIN:
            raw = {}
        elif isinstance(item, dict) and PLUGIN in item:
            raw = item[PLUGIN] or {}
    if raw is None:
        return None
    options = DirectoryConfig(config_file_path=str(path))
    options.load_dict(raw)
    failed, _ = options.validate()
    if failed:
        raise ValidationError(f"{path}: {PLUGIN} → {failed[0][0]}: {failed[0][1]}")
    return options
