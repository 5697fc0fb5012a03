// nahbei/search: Pagefind's Component UI in the header (search dialog) and on
// the search page (input, filters, results). Everything comes from this site:
// <site>/pagefind/ is written by Pagefind at build time.
//
// Pages carry no settings and no dialog: on first use (the header button
// pointed at, focused or pressed; the search page) this loads Pagefind's UI,
// its stylesheet and settings.json (texts, ranking, the dialog's links; written
// once per build by the plugin, next to this script), then builds the header
// dialog. A page view without searching makes no request for any of them.
// The Pagefind elements are put in place only after their instances are
// configured (bundle path, base URL, ranking, German texts): Pagefind reads
// its settings when an element connects. Without JavaScript the plain link to
// the search page and, there, the list of browse pages stay.
//
// mkdocs-material's instant navigation swaps the page content: the search page
// is the custom element <nahbei-search-page>, so it starts again whenever it
// is inserted; the header keeps its dialog.
//
// Neighbouring directories (settings.neighbours, the option `neighbours`):
// their Pagefind indexes are merged into this site's (Pagefind's multisite
// search, mergeIndex), fetched from their servers (CORS). Their results carry
// the directory's name and link there; one that cannot be reached is named in
// a live region ([data-nb-neighbours-status]) and the search goes on without it.

const SCRIPT_URL = new URL(import.meta.url);
const SITE_ROOT = new URL("../../", SCRIPT_URL); // assets/nahbei-search/search.js
const BUNDLE = new URL("pagefind/", SITE_ROOT);
// settings in the page's language (settings.<lang>.json, one per language of the site);
// settings.json (the site's own language) for a page in a language the site lacks
const SETTINGS = new URL("settings.json", SCRIPT_URL);
const PAGE_LANGUAGE = document.documentElement.lang || "";
const LANGUAGE_SETTINGS = /^[A-Za-z]{2,3}(-[A-Za-z0-9]+)*$/.test(PAGE_LANGUAGE)
  ? new URL(`settings.${PAGE_LANGUAGE}.json`, SCRIPT_URL) : SETTINGS;
const PAGE_INSTANCE = "default";
const HEADER_INSTANCE = "nb-header";
const OUR_STYLESHEET = 'link[rel="stylesheet"][href$="assets/nahbei-search/search.css"]';
// How long a neighbour may take to answer before the search goes on without it.
const NEIGHBOUR_TIMEOUT_MS = 10000;

function configure(components, name, settings) {
  const manager = components.getInstanceManager();
  const ranking = { metaWeights: { title: 5, keywords: settings.keywordWeight ?? 3 } };
  let instance;
  if (manager.hasInstance(name)) {
    instance = manager.getInstance(name);
    instance.options.bundlePath = BUNDLE.pathname;
    Object.assign(instance.pagefindOptions, { baseUrl: SITE_ROOT.pathname, ranking });
  } else {
    instance = components.configureInstance(name, {
      bundlePath: BUNDLE.pathname,
      baseUrl: SITE_ROOT.pathname,
      ranking,
    });
  }
  if (settings.strings && Object.keys(settings.strings).length) {
    instance.setTranslations(settings.strings);
  }
  // The page's language (it picks Pagefind's index of that language) before any
  // element renders: Pagefind 1.5.2 sets it only when the first element
  // registers, after that one rendered.
  if (!instance._languageSet) instance.setLanguage();
  return instance;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

// The neighbour a result comes from, or null for this site's own: merged
// indexes get the neighbour's address as baseUrl, so their results' URLs are
// absolute; this site's are paths (baseUrl SITE_ROOT.pathname).
function neighbourOf(settings, url) {
  if (!/^https?:\/\//.test(url || "")) return null;
  let found = null;
  for (const n of settings.neighbours || []) {
    if (url.startsWith(n.url) && (!found || n.url.length > found.url.length)) found = n;
  }
  return found;
}

// One result: title link, kind (and next date, status), excerpt or summary;
// a neighbour's result also names its directory. An entry without a page in
// the page's language (its record's meta "lang", the site's language) links its
// page in that language: its title and text are marked so, with a note
// "(in German only)" in the page's language.
// Texts go in as text; only Pagefind's excerpt (escaped, with <mark>) as HTML.
function resultTemplate(settings, instance) {
  const labels = settings.labels || {};
  return (result) => {
    const meta = result.meta || {};
    const li = el("li", "pf-result nb-result");
    const card = el("div", "pf-result-card");
    const content = el("div", "pf-result-content");
    const title = el("p", "pf-result-title");
    const link = el("a", "pf-result-link", meta.title || result.url);
    const source = neighbourOf(settings, result.url);
    link.href = source ? new URL(meta.url || result.url, source.url).href : meta.url || result.url;
    const other = meta.lang && meta.lang !== settings.lang ? meta.lang : null;
    title.append(link);
    if (other) {
      // (its record's URL has the language after "#": one record per URL in Pagefind)
      link.href = link.href.replace(/#.*$/, "");
      li.dataset.nbLang = other;
      link.lang = other;
      link.hreflang = other;
      const note = labels.otherLanguage?.[other];
      if (note) title.append(" ", el("span", "nb-de-only", `(${note})`));
    }
    content.append(title);
    const facts = el("p", "nb-result-facts");
    if (source) {
      li.dataset.nbNeighbour = source.name;
      facts.append(el("span", "nb-result-source", (labels.neighbour || "{name}").replace("{name}", source.name)));
    }
    if (meta.kind) facts.append(el("span", "nb-result-kind", meta.kind));
    if (meta.date) facts.append(el("span", "nb-result-date", `${labels.nextDate || ""} ${meta.date}`.trim()));
    if (meta.status) facts.append(el("strong", "nb-result-status", meta.status));
    const distance = nearbyFacts(result, settings.nearby || {});
    if (distance) facts.append(distance);
    if (facts.childNodes.length) content.append(facts);
    const text = el("p", "pf-result-excerpt");
    const browsing = instance && !(instance.searchTerm && /\S/.test(instance.searchTerm));
    if (!browsing && result.excerpt && /\S/.test(result.excerpt)) {
      text.innerHTML = result.excerpt;
    } else if (meta.summary) {
      text.textContent = meta.summary;
    }
    if (other) text.lang = other;
    if (text.childNodes.length) content.append(text);
    // "Merken" for offers, events and places (assets/nahbei/shortlist.js; absent without
    // it; none for a neighbour's entries: the Merkzettel reads entries from this site)
    const keep = window.nahbeiShortlist ? window.nahbeiShortlist.button(link.href, meta.title || "") : null;
    if (keep) content.append(keep);
    card.append(content);
    li.append(card);
    return li;
  };
}

function stamp(template) {
  template.replaceWith(template.content.cloneNode(true));
}

function useTemplates(root, settings, instance) {
  for (const results of root.querySelectorAll("pagefind-results")) {
    results.resultTemplate = resultTemplate(settings, instance);
  }
}

function updateFeedback(settings, term) {
  for (const a of document.querySelectorAll("a[data-nb-feedback]")) {
    try {
      const url = new URL(a.href);
      const title = (settings.feedbackTitle || "{query}").replace("{query}", term || "");
      url.searchParams.set("title", title.trim());
      a.href = url.toString();
    } catch (e) {
      /* leave the link as it is */
    }
  }
}

let SEARCH_PAGE = null; // absolute URL of the search page, set from the header link

function searchPageUrl(settings, term) {
  const url = new URL(SEARCH_PAGE || new URL(settings.searchPage || "suche/", SITE_ROOT).href);
  if (term) url.searchParams.set("q", term);
  else url.searchParams.delete("q");
  return url;
}

// The header dialog, as a <template> like a site's own (partials/search.html
// override): Pagefind's modal with its input, summary and results, and the
// links to the search page and to "Nichts gefunden?". Built in the template's
// inert document, so Pagefind's elements connect only when put in place.
// Links are absolute: the header stays across instant navigation.
function headerTemplate(settings, instance) {
  const template = document.createElement("template");
  template.setAttribute("data-nb-search-ui", "");
  const doc = template.content.ownerDocument;
  const make = (tag, attributes, ...children) => {
    const node = doc.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    node.append(...children);
    return node;
  };
  const labels = settings.labels || {};
  const links = make("div", { class: "nb-search-links" },
    make("a", { href: searchPageUrl(settings, "").href, "data-nb-search-more": "" }, labels.more || ""));
  if (settings.feedbackUrl) {
    links.append(make("a", { href: new URL(settings.feedbackUrl, document.baseURI).href, "data-nb-feedback": "",
                             rel: "noopener" }, labels.feedback || ""));
  }
  const body = make("pagefind-modal-body", {},
    make("pagefind-summary", { instance }),
    make("pagefind-results", { instance, "hide-sub-results": "" }));
  if (settings.neighbours?.length) {
    body.prepend(make("p", { class: "nb-search-unreachable", "data-nb-neighbours-status": "", role: "status" }));
  }
  template.content.append(
    make("pagefind-modal", { instance, "reset-on-close": "" },
      make("pagefind-modal-header", {}, make("pagefind-input", { instance })),
      body,
      make("pagefind-modal-footer", {}, links)));
  return template;
}

// -- neighbouring directories ----------------------------------------------------

// Does a neighbour's bundle answer, with CORS allowed? Its pagefind-entry.json
// (what Pagefind reads first), within NEIGHBOUR_TIMEOUT_MS.
async function answers(neighbour) {
  try {
    const response = await fetch(new URL("pagefind-entry.json", neighbour.bundle), {
      mode: "cors", credentials: "omit", cache: "no-store", signal: AbortSignal.timeout(NEIGHBOUR_TIMEOUT_MS),
    });
    if (!response.ok) return false;
    const entry = await response.json();
    return Boolean(entry && entry.languages && Object.keys(entry.languages).length);
  } catch (e) {
    return false;
  }
}

// Pagefind with this site's index and those of the neighbours that answer.
// Pagefind 1.5.2 keeps a merged index that failed to load, and then every
// search fails (it waits for all indexes): so a neighbour is merged only after
// it answered, and if merging fails all the same, Pagefind starts again
// without it. Resolves to {pagefind, missing: the neighbours left out}.
async function createPagefind(instance, settings) {
  const pagefindModule = await import(instance.options.bundlePath + "pagefind.js");
  const neighbours = settings.neighbours || [];
  const answered = await Promise.all(neighbours.map(answers));
  const missing = neighbours.filter((n, i) => !answered[i]);
  let merge = neighbours.filter((n, i) => answered[i]);
  const ranking = instance.pagefindOptions?.ranking;
  for (;;) {
    const pagefind = pagefindModule.createInstance(instance.pagefindOptions || {});
    let failed = null;
    for (const n of merge) {
      try {
        await pagefind.mergeIndex(n.bundle, { baseUrl: n.url, ...(ranking ? { ranking } : {}) });
      } catch (e) {
        console.warn(`nahbei: could not merge the search index of ${n.name} (${n.bundle}):`, e);
        failed = n;
        break;
      }
    }
    if (!failed) return { pagefind, missing };
    missing.push(failed);
    merge = merge.filter((n) => n !== failed);
    pagefind.destroy().catch(() => {});
  }
}

// Names the neighbours left out, in every status region of this instance
// (role="status": screen readers announce it); empties them when all answered.
function showMissing(instance, settings) {
  const names = (instance.__nbMissing__ || []).map((n) => n.name);
  const text = names.length ? (settings.labels?.unreachable || "{names}").replace("{names}", names.join(", ")) : "";
  for (const region of document.querySelectorAll(instance.__nbStatus__ || "[data-nb-neighbours-status]")) {
    if (region.textContent !== text) region.textContent = text;
  }
}

// Loads Pagefind for an instance with the neighbours' indexes (and, with
// `filters`, the filter index and browse mode as Pagefind's Component UI does).
// The header dialog shows no filters: it loads Pagefind without its filter
// index (Pagefind's Component UI loads every filter chunk first – at 10,000
// entries more than the rest of a search together) and clears without it.
function loadWithNeighbours(instance, settings, { filters, status }) {
  instance.__nbStatus__ = status;
  instance.__doLoad__ = async function () {
    if (this.__pagefind__) return;
    let loaded;
    try {
      loaded = await createPagefind(this, settings);
    } catch (e) {
      this.__dispatch__("error", { type: "bundle_load_failed", message: "Could not load search bundle",
                                   bundlePath: this.options.bundlePath, error: e });
      return;
    }
    this.__pagefind__ = loaded.pagefind;
    this.__nbMissing__ = loaded.missing;
    showMissing(this, settings);
    if (!filters) return;
    this.availableFilters = await this.__pagefind__.filters();
    this.totalFilters = this.availableFilters;
    this.__dispatch__("filters", { available: this.availableFilters, total: this.totalFilters });
    if (this.faceted && this.__searchID__ === 0) this.triggerSearch("");
  };
  if (!filters) {
    instance.__clear__ = async function () {
      this.__dispatch__("results", { results: [], unfilteredTotalCount: 0 });
    };
  }
}

// Searches without a word (browsing by filters) look for the word every entry
// page carries in its metadata: Pagefind 1.5.2 would otherwise download its
// whole word index for them. Browsing only events lists them by next date.
// With a place given ("In meiner Nähe"), results come nearest first.
function adaptSearch(instance, settings) {
  const pf = instance.__pagefind__;
  if (!pf || pf.__nbAdapted) return;
  const search = pf.search.bind(pf);
  const only = settings.eventsFilter;
  pf.search = (term, options = {}) => {
    if (term && /\S/.test(term)) return search(term, options).then(orderByDistance);
    const values = only && options?.filters?.[only.name];
    if (Array.isArray(values) && values.length === 1 && values[0] === only.value && !options.sort) {
      options = { ...options, sort: { date: "asc" } };
    }
    // (with a place given, "In meiner Nähe" orders them by distance instead)
    return search(settings.browseTerm || null, options).then(orderByDistance);
  };
  pf.__nbAdapted = true;
}

// Pagefind's stylesheet (42 KB) only where its UI is used, right before ours
// (ours sets its colours and wins ties). mkdocs-material's instant navigation
// keeps only the head elements the next page lists, so it drops this one:
// it is put back at once (before the next frame), while the header dialog
// or the search page may need it.
let stylesheet = null;
let stylesheetLoaded = null;
let headWatch = null;
function placeStylesheet() {
  const ours = document.querySelector(OUR_STYLESHEET);
  if (ours) ours.before(stylesheet);
  else document.head.append(stylesheet);
}
function loadStylesheet() {
  if (!stylesheet) {
    stylesheet = document.createElement("link");
    stylesheet.rel = "stylesheet";
    stylesheet.href = BUNDLE.pathname + "pagefind-component-ui.css";
    stylesheetLoaded = new Promise((resolve, reject) => {
      stylesheet.addEventListener("load", resolve, { once: true });
      stylesheet.addEventListener("error", reject, { once: true });
    });
  }
  if (!headWatch) {
    headWatch = new MutationObserver(() => {
      if (stylesheet && !stylesheet.isConnected) placeStylesheet();
    });
    headWatch.observe(document.head, { childList: true });
  }
  if (!stylesheet.isConnected) placeStylesheet();
  return stylesheetLoaded;
}

// The settings (settings.<lang>.json, about 2 KB): once, with the UI; the site's
// own (settings.json) where the site has none in the page's language.
function loadSettings() {
  const get = (url) => fetch(url.href, { credentials: "same-origin" }).then((response) => {
    if (!response.ok) throw new Error(`${url.pathname}: HTTP ${response.status}`);
    return response.json();
  });
  return get(LANGUAGE_SETTINGS).catch((e) => (LANGUAGE_SETTINGS === SETTINGS ? Promise.reject(e) : get(SETTINGS)));
}

// Pagefind's Component UI (about 45 KB compressed), its stylesheet and our
// settings load on first use: when the header button is pointed at, focused
// or pressed, or on the search page. Resolves to {components, settings}.
let uiLoading = null;
function loadUi() {
  if (!uiLoading) {
    const script = import(BUNDLE.pathname + "pagefind-component-ui.js").then(() => {
      if (!window.PagefindComponents) throw new Error("PagefindComponents missing");
      return window.PagefindComponents;
    });
    uiLoading = Promise.all([script, loadStylesheet(), loadSettings()])
      .then(([components, , settings]) => ({ components, settings: settings || {} }));
    uiLoading.catch(() => {
      uiLoading = null;
      stylesheet?.remove();
      stylesheet = null;
      // No index (e.g. mkdocs serve): the search page says so.
      document.documentElement.classList.add("nb-search-unavailable");
    });
  }
  return uiLoading;
}

// Header: the link to the search page becomes a button that opens the
// search dialog; if Pagefind cannot load, it still goes to the search page.
function enhanceHeader() {
  const header = document.querySelector(".nb-header-search");
  const link = header && header.querySelector("a.nb-header-search__link");
  if (!link) return;
  // The header stays when mkdocs-material's instant navigation swaps the page:
  // its links must not depend on the page they were written for.
  SEARCH_PAGE = link.href;
  // A site's own dialog (override of partials/search.html), else ours (headerTemplate).
  let template = header.querySelector("template[data-nb-search-ui]");
  for (const a of template ? template.content.querySelectorAll("a[href]") : []) {
    a.setAttribute("href", new URL(a.getAttribute("href"), document.baseURI).href);
  }
  const button = document.createElement("button");
  button.type = "button";
  button.className = link.className.replace("nb-header-search__link", "nb-header-search__button");
  button.setAttribute("aria-haspopup", "dialog");
  button.setAttribute("aria-expanded", "false");
  button.append(...link.cloneNode(true).childNodes);
  link.replaceWith(button);

  let modal = null;
  const build = ({ components, settings }) => {
    const name = settings.headerInstance || HEADER_INSTANCE;
    const instance = configure(components, name, settings);
    loadWithNeighbours(instance, settings, { filters: false, status: ".nb-header-search [data-nb-neighbours-status]" });
    if (!template) {
      template = headerTemplate(settings, name);
      header.append(template);
    }
    stamp(template);
    useTemplates(header, settings, instance);
    modal = header.querySelector("pagefind-modal");
    // a site's own dialog without a status region gets one (before anything is written into it)
    if (settings.neighbours?.length && !header.querySelector("[data-nb-neighbours-status]")) {
      const region = el("p", "nb-search-unreachable");
      region.setAttribute("data-nb-neighbours-status", "");
      region.setAttribute("role", "status");
      (header.querySelector("pagefind-modal-body") || modal).prepend(region);
    }
    button.setAttribute("aria-controls", modal.dialogEl?.id || "");
    modal.dialogEl?.addEventListener("close", () => {
      button.setAttribute("aria-expanded", "false");
      if (!document.activeElement || document.activeElement === document.body || modal.contains(document.activeElement)) {
        button.focus();
      }
    });
    instance.on("search", (term) => updateFeedback(settings, term));
    const more = header.querySelector("a[data-nb-search-more]");
    more?.addEventListener("click", () => {
      more.href = searchPageUrl(settings, instance.searchTerm).toString();
      modal.close();
    });
    for (const a of header.querySelectorAll("a[data-nb-feedback]")) {
      a.addEventListener("click", () => modal.close());
    }
  };
  const open = async () => {
    let ui;
    try {
      ui = await loadUi();
    } catch (e) {
      location.href = SEARCH_PAGE;
      return;
    }
    if (!modal) build(ui);
    modal.open();
    button.setAttribute("aria-expanded", "true");
  };
  button.addEventListener("click", open);
  const warm = () => loadUi().catch(() => {});
  button.addEventListener("pointerenter", warm, { once: true });
  button.addEventListener("focus", warm, { once: true });
}

// -- "In meiner Nähe": results nearest first -------------------------------------
//
// nearby.json (written by the plugin right after Pagefind's bundle, nearby.py)
// maps each result id (Pagefind's fragment hash: results carry it before their
// fragment is loaded) to the positions of the entry's places, and carries the
// postcodes and town/region names for the completion. It is fetched only when a
// resident uses the feature (types a place, presses a button, or arrives with
// ?ort=…). The search wraps Pagefind's search: its results are ordered by
// distance before the Component UI renders them, so every filter and the
// free-text query still apply. The browser's own position never leaves the
// browser: it is not put in any address (a query parameter would be sent) and
// nothing is stored.

// (the distance file of the page's language: the box names it, data-nb-nearby-file)
let NEARBY_FILE = new URL("nearby.json", SCRIPT_URL);
const EARTH_RADIUS_KM = 6371.0088; // as model/geo.py
const HERE_HASH = "standort"; // the home page hands the browser's position over in the fragment (never sent)
const FALLBACK_LIMIT = 200; // results missing from the file whose fragment is read for their position
const NEARBY_MEASURE = "nb-nearby-order";
// Ordered by distance, the list shows this many at a time ("Weitere … zeigen"):
// Pagefind's results element makes a placeholder for every result, and for all
// 10,000 entries of a county that takes seconds on a phone.
const NEARBY_PAGE = 50;

// A town or region name as looked up: as model/geo.py name_key.
function nameKey(text) {
  return String(text).toLowerCase().replace(/ß/g, "ss").normalize("NFKD").replace(/\p{M}/gu, "")
    .replace(/ae/g, "a").replace(/oe/g, "o").replace(/ue/g, "u")
    .replace(/[^0-9a-z]+/g, " ").trim();
}

class NearbyIndex {
  constructor(data) {
    this.p = Array.from(data.p || []);
    this.approx = new Set(data.a || []);
    this.entries = data.e || {};
    this.postcodes = data.z || {};
    this.names = (data.n || []).map(([label, i]) => ({ label, i, key: nameKey(label) }));
    this.byKey = new Map();
    for (const x of this.names) if (!this.byKey.has(x.key)) this.byKey.set(x.key, x);
    this.added = new Map(); // positions read from fragments ("~51.16,11.12" -> index)
    this.cache = { here: null, distances: null };
  }

  // A known postcode for a message: the one sharing the longest start with `query`.
  example(query = "") {
    let best = "", length = -1;
    for (const code of Object.keys(this.postcodes).sort()) {
      let n = 0;
      while (n < code.length && code[n] === query[n]) n++;
      if (n > length) { best = code; length = n; }
    }
    return best || (this.names[0] && this.names[0].label) || "";
  }

  at(i, approximate) {
    return { lat: this.p[2 * i], lon: this.p[2 * i + 1], approx: approximate || this.approx.has(i) };
  }

  // A postcode or town/district/region name -> {lat, lon, approx, label}; null when unknown.
  locate(text) {
    const query = String(text || "").trim();
    if (/^\d{5}$/.test(query)) {
      const z = this.postcodes[query];
      return z ? { ...this.at(z[0], true), label: `${query} ${z[1] || ""}`.trim() } : null;
    }
    const hit = this.byKey.get(nameKey(query));
    return hit ? { ...this.at(hit.i, true), label: hit.label } : null;
  }

  // Up to `limit` completions for what was typed: [value, label].
  suggestions(text, limit = 12) {
    const query = String(text || "").trim();
    const out = [];
    if (!query) return out;
    if (/^\d+$/.test(query)) {
      for (const [code, z] of Object.entries(this.postcodes)) {
        if (code.startsWith(query)) out.push([code, z[1] || ""]);
        if (out.length >= limit) break;
      }
      return out;
    }
    const key = nameKey(query);
    const starts = [], inside = [];
    for (const x of this.names) {
      if (x.key.startsWith(key)) starts.push([x.label, ""]);
      else if (x.key.includes(key)) inside.push([x.label, ""]);
    }
    return starts.concat(inside).slice(0, limit);
  }

  // Distance in km from `here` to every position (one pass; kept for the same point).
  distancesFrom(here) {
    if (this.cache.here === here && this.cache.distances && this.cache.distances.length === this.p.length / 2) {
      return this.cache.distances;
    }
    const n = this.p.length / 2;
    const out = new Float64Array(n);
    const rad = Math.PI / 180;
    const lat1 = here.lat * rad, cos1 = Math.cos(lat1), lon1 = here.lon * rad;
    for (let i = 0; i < n; i++) {
      const lat2 = this.p[2 * i] * rad;
      const dLat = lat2 - lat1, dLon = this.p[2 * i + 1] * rad - lon1;
      const h = Math.sin(dLat / 2) ** 2 + cos1 * Math.cos(lat2) * Math.sin(dLon / 2) ** 2;
      out[i] = 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
    }
    this.cache = { here, distances: out };
    return out;
  }

  // An entry's value from its fragment's metadata `geo` (model/geo.py entry_positions_text),
  // for results the file does not list (a neighbour's, or after a change in Pagefind).
  fromGeoText(text) {
    if (text === "none") return [];
    if (!text || text === "?") return -1;
    const found = [];
    for (const at of geoPositions(text)) {
      let i = this.added.get(at.text);
      if (i === undefined) {
        i = this.p.length / 2;
        this.p.push(at.lat, at.lon);
        if (at.approx) this.approx.add(i);
        this.added.set(at.text, i);
      }
      found.push(i);
    }
    return found.length ? found : -1;
  }
}

// The positions in a fragment's metadata `geo` (model/geo.py entry_positions_text:
// "51.16,11.12 ~51.19,11.24"; "~" = approximate): [{text, lat, lon, approx}].
function geoPositions(text) {
  const out = [];
  for (const part of String(text || "").split(/\s+/)) {
    const m = /^(~?)(-?[\d.]+),(-?[\d.]+)$/.exec(part);
    if (m) out.push({ text: part, lat: Number(m[2]), lon: Number(m[3]), approx: m[1] === "~" });
  }
  return out;
}

let nearbyLoading = null;
function useNearbyFile(box) {
  const file = box?.dataset.nbNearbyFile;
  const url = file ? new URL(file, document.baseURI) : null;
  if (url && url.href !== NEARBY_FILE.href) {
    NEARBY_FILE = url;
    nearbyLoading = null;
  }
}
function loadNearby() {
  if (!nearbyLoading) {
    nearbyLoading = fetch(NEARBY_FILE.href, { credentials: "same-origin" })
      .then((response) => {
        if (!response.ok) throw new Error(`${NEARBY_FILE.pathname}: HTTP ${response.status}`);
        return response.json();
      })
      .then((data) => new NearbyIndex(data));
    nearbyLoading.catch(() => {
      nearbyLoading = null;
    });
  }
  return nearbyLoading;
}

// What the search page orders by: the point, its label, the radius (km or null).
const nearbyState = { here: null, radius: null, index: null };

function pageLanguage() {
  return document.documentElement.lang || "de";
}

function distanceText(km, approximate, labels) {
  const digits = km < 10 ? 1 : 0;
  let text;
  try {
    text = new Intl.NumberFormat(pageLanguage(), { style: "unit", unit: "kilometer", maximumFractionDigits: digits })
      .format(km);
  } catch (e) {
    text = `${km.toFixed(digits)} km`;
  }
  return approximate ? (labels.approx || "{distance}").replace("{distance}", text) : text;
}

// The entry's place in the distance order, handed to resultTemplate with the
// loaded fragment (Pagefind calls result.data() when the result comes into
// view). The result is changed in place, with one shared loader: a copy or a
// closure for each of 10,000 results would cost more than the ordering.
function nearbyData() {
  return this.__nbLoad().then((data) => ({ ...data, nbNearby: this.__nbNearby }));
}

function withNearby(result, info) {
  if (!result.__nbLoad) result.__nbLoad = result.data;
  result.__nbNearby = info;
  result.data = nearbyData;
  return result;
}

// Sort keys: the distance in metres, then the result's index, in one number, so
// a Float64Array sorts natively (no comparator call per pair: 10,000 results in
// a few milliseconds). Exact below 2^53: up to 2^20 results and 8,000 km.
const INDEX_BITS = 1048576;

// Orders a Pagefind search result by distance from nearbyState.here: located
// entries nearest first (within the radius), then those whose place is not
// known, then those without a place (online, by phone). Results the file does
// not list are located from their fragments first (FALLBACK_LIMIT of them).
async function orderByDistance(result) {
  const { here, index, radius } = nearbyState;
  if (!here || !index || !result || !Array.isArray(result.results)) return result;
  const results = result.results;
  const entries = index.entries;
  const missing = [];
  for (const r of results) if (entries[r.id] === undefined) missing.push(r);
  if (missing.length) {
    const read = await Promise.all(missing.slice(0, FALLBACK_LIMIT).map((r) => r.data().catch(() => null)));
    read.forEach((data, k) => {
      entries[missing[k].id] = index.fromGeoText(data?.meta?.geo);
    });
  }
  performance.mark(`${NEARBY_MEASURE}-start`);
  const distances = index.distancesFrom(here);
  const n = results.length;
  const keys = new Float64Array(n);
  const nearest = new Int32Array(n);
  const unknown = [], noPlace = [];
  let located = 0;
  for (let k = 0; k < n; k++) {
    const v = entries[results[k].id];
    let at = -1;
    if (typeof v === "number") at = v;
    else if (Array.isArray(v)) {
      if (v.length === 0) {
        noPlace.push(k);
        continue;
      }
      let best = Infinity;
      for (const i of v) {
        if (distances[i] < best) {
          best = distances[i];
          at = i;
        }
      }
    }
    if (at < 0) {
      unknown.push(k);
      continue;
    }
    const d = distances[at];
    if (radius && d > radius) continue;
    nearest[k] = at;
    keys[located++] = n < INDEX_BITS ? Math.round(d * 1000) * INDEX_BITS + k : k;
  }
  const sorted = keys.subarray(0, located);
  if (n < INDEX_BITS) sorted.sort();
  else sorted.sort((a, b) => distances[nearest[a]] - distances[nearest[b]] || a - b);
  const ordered = new Array(located + unknown.length + noPlace.length);
  const approx = here.approx;
  for (let j = 0; j < located; j++) {
    const k = n < INDEX_BITS ? sorted[j] % INDEX_BITS : sorted[j];
    const at = nearest[k];
    ordered[j] = withNearby(results[k], { km: distances[at], approx: approx || index.approx.has(at) });
  }
  let j = located;
  for (const k of unknown) ordered[j++] = withNearby(results[k], { unknown: true });
  for (const k of noPlace) ordered[j++] = withNearby(results[k], { noPlace: true });
  performance.measure(NEARBY_MEASURE, `${NEARBY_MEASURE}-start`);
  return { ...result, results: ordered };
}

function nearbyFacts(result, labels) {
  const near = result.nbNearby;
  if (!near) return null;
  const span = el("span", "nb-result-distance");
  if (near.noPlace) span.textContent = labels.noPlace || "";
  else if (near.unknown) span.textContent = labels.unknownPosition || "";
  else {
    span.append(el("span", "md-visually-hidden", `${labels.distanceLabel || ""} `));
    span.append(distanceText(near.km, near.approx, labels));
  }
  return span;
}

// The box on the search page (inside the stamped template) and on the home page.
function setupNearbyBox(box, { onPlace, onClear, onRadius } = {}) {
  useNearbyFile(box);
  const form = box.querySelector("[data-nb-nearby-form]");
  const input = box.querySelector("[data-nb-nearby-place]");
  const list = box.querySelector("[data-nb-nearby-names]");
  const locateButton = box.querySelector("[data-nb-nearby-locate]");
  const radius = box.querySelector("[data-nb-nearby-radius]");
  const clear = box.querySelector("[data-nb-nearby-clear]");
  const status = box.querySelector("[data-nb-nearby-status]");
  const say = (text) => {
    if (status && status.textContent !== text) status.textContent = text || "";
  };
  let shown = "";
  const complete = () => {
    const text = input.value;
    loadNearby().then((index) => {
      const key = text.trim();
      if (key === shown || input.value !== text) return;
      shown = key;
      const options = index.suggestions(key).map(([value, label]) => {
        const option = document.createElement("option");
        option.value = value;
        if (label) option.label = label;
        return option;
      });
      list.replaceChildren(...options);
    }).catch(() => {});
  };
  input.addEventListener("input", (event) => {
    complete();
    // a completion picked from the list applies at once
    if (onPlace && (!event.inputType || event.inputType === "insertReplacementText")) onPlace(input.value, say);
  });
  form.addEventListener("submit", (event) => {
    if (!onPlace) return; // the home page: a plain GET to the search page with ?ort=…
    event.preventDefault();
    onPlace(input.value, say);
  });
  radius?.addEventListener("change", () => onRadius && onRadius(radius.value ? Number(radius.value) : null, say));
  clear?.addEventListener("click", () => {
    input.value = "";
    clear.hidden = true;
    onClear && onClear(say);
    input.focus();
  });
  locateButton?.addEventListener("click", () => {
    if (!navigator.geolocation) {
      say(form.dataset.noGeolocation);
      return;
    }
    say(form.dataset.locating);
    // Asked only here, on the press; the position stays in this page.
    navigator.geolocation.getCurrentPosition(
      (position) => box.dispatchEvent(new CustomEvent("nb-nearby-position", {
        detail: { lat: position.coords.latitude, lon: position.coords.longitude,
                  approx: !(position.coords.accuracy <= 500) },
      })),
      (error) => say(error && error.code === 1 ? form.dataset.denied : form.dataset.unavailable),
      { enableHighAccuracy: false, timeout: 20000, maximumAge: 300000 });
  });
  return { form, input, radius, clear, say };
}

// Home page: the box leads to the search page (?ort=…, or the position after #);
// here it adds the completion and the browser's position.
function enhanceHomeNearby() {
  const box = document.querySelector(".nb-nearby--home[data-nb-nearby]");
  if (!box || box.dataset.ready !== undefined) return;
  box.dataset.ready = ""; // shows the button for the browser's position (search.css)
  const { form, radius } = setupNearbyBox(box);
  box.addEventListener("nb-nearby-position", (event) => {
    const { lat, lon, approx } = event.detail;
    const url = new URL(form.action, location.href);
    if (radius.value) url.searchParams.set("umkreis", radius.value);
    // after "#": browsers never send it to the server
    url.hash = `${HERE_HASH}=${lat.toFixed(5)},${lon.toFixed(5)}${approx ? ",~" : ""}`;
    location.assign(url.href);
  });
}

// Search page: the box orders the results of the page's Pagefind instance.
function enhancePageNearby(root, instance, settings) {
  const box = root.querySelector("[data-nb-nearby]");
  if (!box) return Promise.resolve();
  const labels = settings.nearby || {};
  const rerun = () => {
    if (instance.__pagefind__) instance.triggerSearchWithFilters(instance.searchTerm || "", instance.searchFilters || {});
  };
  const remember = (query) => {
    const url = new URL(location.href);
    if (query) url.searchParams.set("ort", query);
    else url.searchParams.delete("ort");
    if (nearbyState.radius) url.searchParams.set("umkreis", String(nearbyState.radius));
    else url.searchParams.delete("umkreis");
    url.hash = "";
    if (url.href !== location.href) history.replaceState(history.state, "", url);
  };
  const announce = (say) => {
    const here = nearbyState.here;
    if (!here) return;
    const text = nearbyState.radius ? labels.orderedRadius : labels.ordered;
    say((text || "").replace("{place}", here.label).replace("{km}", String(nearbyState.radius)));
  };
  let ui;
  const use = async (here, query, say) => {
    ui.clear.hidden = false;
    nearbyState.here = here;
    remember(query);
    announce(say);
    rerun();
  };
  const off = (say, message) => {
    const was = nearbyState.here;
    nearbyState.here = null;
    remember("");
    say(message || "");
    if (was) rerun();
  };
  const onPlace = async (text, say) => {
    const query = String(text || "").trim();
    let index;
    try {
      say(labels.loading);
      index = nearbyState.index = await loadNearby();
    } catch (e) {
      off(say, labels.noData);
      return;
    }
    if (!query) {
      off(say, (labels.empty || "").replace("{example}", index.example()));
      return;
    }
    const here = index.locate(query);
    if (!here) {
      const key = /^\d+$/.test(query) ? labels.unknownPostcode : labels.unknownPlace;
      off(say, (key || "").replace("{query}", query).replace("{example}", index.example(query)));
      return;
    }
    await use(here, query, say);
  };
  ui = setupNearbyBox(box, {
    onPlace,
    onClear: (say) => off(say, labels.unordered),
    onRadius: (km, say) => {
      nearbyState.radius = km;
      if (nearbyState.here) {
        remember(new URL(location.href).searchParams.get("ort") || "");
        announce(say);
        rerun();
      }
    },
  });
  box.addEventListener("nb-nearby-position", async (event) => {
    try {
      nearbyState.index = await loadNearby();
    } catch (e) {
      off(ui.say, labels.noData);
      return;
    }
    ui.input.value = "";
    await use({ ...event.detail, label: labels.yourPosition }, "", ui.say);
  });
  // A page at a time while ordered by distance; every result otherwise (as before).
  const resultsEl = root.querySelector("pagefind-results");
  const more = root.querySelector("[data-nb-nearby-more]");
  const formatCount = (n) => new Intl.NumberFormat(pageLanguage()).format(n);
  // (a site's own template may set another page size: data-page on the button)
  const pageSize = () => Number(more?.dataset.page) || NEARBY_PAGE;
  instance.on("search", () => {
    if (resultsEl) resultsEl.maxResults = nearbyState.here ? pageSize() : 0;
  });
  instance.on("results", (found) => {
    if (!more) return;
    const total = found?.results?.length || 0;
    const shownCount = resultsEl?.maxResults > 0 ? Math.min(resultsEl.maxResults, total) : total;
    more.parentElement.hidden = shownCount >= total;
    more.textContent = (labels.more || "").replace("{n}", formatCount(Math.min(pageSize(), total - shownCount)))
      .replace("{shown}", formatCount(shownCount)).replace("{total}", formatCount(total));
  });
  more?.addEventListener("click", () => {
    if (!resultsEl || !instance.searchResult) return;
    resultsEl.maxResults += pageSize();
    // the same results, more of them: no new search (focus stays on the button, below the new ones)
    instance.__dispatch__("results", instance.searchResult);
  });
  // Arriving with ?ort=…&umkreis=… (the home page's box, a link) or the position after #.
  const url = new URL(location.href);
  const km = Number(url.searchParams.get("umkreis"));
  if ([5, 10, 25].includes(km)) {
    ui.radius.value = String(km);
    nearbyState.radius = km;
  }
  const hash = new URLSearchParams(url.hash.slice(1)).get(HERE_HASH);
  if (hash) {
    const [lat, lon, approx] = hash.split(",");
    url.hash = "";
    history.replaceState(history.state, "", url); // not kept in the address
    nearbyState.here = null;
    if (Number.isFinite(Number(lat)) && Number.isFinite(Number(lon))) {
      return loadNearby().then((index) => {
        nearbyState.index = index;
        nearbyState.here = { lat: Number(lat), lon: Number(lon), approx: approx === "~", label: labels.yourPosition };
        ui.clear.hidden = false;
        announce(ui.say);
      }).catch(() => ui.say(labels.noData));
    }
  }
  const place = url.searchParams.get("ort");
  if (place) {
    ui.input.value = place;
    return onPlace(place, ui.say);
  }
  return Promise.resolve();
}

// "Treffer auf der Karte": the places of the results the list shows, on the
// site's map (assets/nahbei/map.js, window.nahbeiMap; only where the site has
// one). At most MAP_LIMIT results (their fragments give title, address and
// positions; Pagefind keeps loaded ones), and never one the list does not show
// (WCAG 1.1.1: the list says everything the map says).
const MAP_LIMIT = 100;
const resultsMap = { box: null, map: null, run: 0 };

function resultPoints(data) {
  const points = [];
  for (const d of data) {
    if (!d) continue;
    for (const at of geoPositions(d.meta?.geo)) {
      points.push({ name: d.meta?.title || d.url, url: d.url, lat: at.lat, lon: at.lon, approximate: at.approx });
    }
  }
  return points;
}

async function showResultsOnMap(instance, found = instance.searchResult) {
  const { box, map } = resultsMap;
  if (!box || !map) return;
  const run = ++resultsMap.run;
  const note = box.querySelector("[data-nb-results-map-note]");
  const results = found?.results;
  if (!Array.isArray(results) || !results.length) {
    map.setPoints([]);
    note.textContent = box.dataset.empty;
    return;
  }
  const list = box.closest(".nb-search-results")?.querySelector("pagefind-results");
  const listed = list?.maxResults > 0 ? Math.min(list.maxResults, results.length) : results.length;
  const shown = Math.min(listed, MAP_LIMIT);
  const data = await Promise.all(results.slice(0, shown).map((r) => r.data().catch(() => null)));
  if (run !== resultsMap.run || resultsMap.map !== map) return; // a newer search, or closed
  const points = resultPoints(data);
  map.setPoints(points);
  const count = (n) => new Intl.NumberFormat(pageLanguage()).format(n);
  note.textContent = points.length
    ? box.dataset.note.replace("{shown}", count(shown)).replace("{places}", count(points.length))
    : box.dataset.none;
  box.dataset.points = String(points.length); // (tests wait for this)
}

async function enhanceResultsMap(root, instance) {
  const box = root.querySelector("[data-nb-results-map]");
  if (!box) return;
  // map.js is a deferred script: run by DOMContentLoaded at the latest
  if (!window.nahbeiMap && document.readyState === "loading") {
    await new Promise((resolve) => document.addEventListener("DOMContentLoaded", resolve, { once: true }));
  }
  if (!window.nahbeiMap || !box.isConnected) return;
  if (resultsMap.map) resultsMap.map.remove();
  Object.assign(resultsMap, { box, map: null });
  box.hidden = false;
  const toggle = box.querySelector("[data-nb-results-map-toggle]");
  const panel = box.querySelector(".nb-results-map__box");
  const canvas = box.querySelector("[data-nb-results-map-canvas]");
  const note = box.querySelector("[data-nb-results-map-note]");
  const close = () => {
    if (resultsMap.map) resultsMap.map.remove();
    resultsMap.map = box.nahbeiMap = null;
    panel.hidden = true;
    delete box.dataset.points;
    toggle.setAttribute("aria-expanded", "false");
    toggle.textContent = box.dataset.show;
  };
  toggle.addEventListener("click", () => {
    if (resultsMap.map) {
      close();
      return;
    }
    panel.hidden = false;
    canvas.hidden = false;
    toggle.setAttribute("aria-expanded", "true");
    toggle.textContent = box.dataset.hide;
    const map = resultsMap.map = box.nahbeiMap = window.nahbeiMap.mount(canvas, []);
    map.ready.then(() => {
      box.dataset.ready = "";
    }, () => {
      canvas.hidden = true;
      note.textContent = box.dataset.failed;
    });
    showResultsOnMap(instance);
  });
  if (!instance.__nbMapHooked) {
    instance.__nbMapHooked = true;
    // (once per instance: instant navigation back to the search page connects it again)
    instance.on("results", (found) => showResultsOnMap(instance, found));
  }
}

function main() {
  enhanceHeader();
  // the home page's "In meiner Nähe" (again after mkdocs-material's instant navigation, if on)
  if (window.document$?.subscribe) window.document$.subscribe(() => enhanceHomeNearby());
  else enhanceHomeNearby();

  // Search page.
  let pageInstance = null;
  const pageSearch = (components, settings) => {
    if (pageInstance) return pageInstance;
    pageInstance = configure(components, PAGE_INSTANCE, settings);
    if (settings.neighbours?.length) {
      loadWithNeighbours(pageInstance, settings, { filters: true, status: "nahbei-search-page [data-nb-neighbours-status]" });
    }
    pageInstance.on("search", (term) => {
      updateFeedback(settings, term);
      if (!document.querySelector("nahbei-search-page")) return;
      const url = new URL(location.href);
      if (term) url.searchParams.set("q", term);
      else url.searchParams.delete("q");
      if (url.href !== location.href) history.replaceState(history.state, "", url);
    });
    return pageInstance;
  };

  class NahbeiSearchPage extends HTMLElement {
    async connectedCallback() {
      if (this.dataset.ready !== undefined || this.dataset.loading !== undefined) return;
      const template = this.querySelector("template[data-nb-search-ui]");
      if (!template) return;
      this.dataset.loading = "";
      let components, settings;
      try {
        ({ components, settings } = await loadUi());
      } catch (e) {
        delete this.dataset.loading;
        return; // the list of browse pages stays
      }
      if (!this.isConnected) return;
      const instance = pageSearch(components, settings);
      stamp(template);
      useTemplates(this, settings, instance);
      const nearbyReady = enhancePageNearby(this, instance, settings).catch(() => {});
      enhanceResultsMap(this, instance);
      // loaded before (instant navigation back to this page): say again who is missing
      if (instance.__nbMissing__) showMissing(instance, settings);
      delete this.dataset.loading;
      this.dataset.ready = "";
      const term = new URL(location.href).searchParams.get("q") || "";
      await instance.triggerLoad();
      adaptSearch(instance, settings);
      // Browse mode: filters alone list entries. Set after loading, so
      // Pagefind does not list every entry before anything is chosen.
      instance.faceted = true;
      await nearbyReady;
      if (term || nearbyState.here) instance.triggerSearchWithFilters(term, {});
    }
  }
  if (!customElements.get("nahbei-search-page")) {
    customElements.define("nahbei-search-page", NahbeiSearchPage);
  }
}

main();
