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
    const distance = nearby ? nearby.nearbyFacts(result, settings.nearby || {}) : null;
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
  const byDistance = (result) => (nearby ? nearby.orderByDistance(result) : result);
  pf.search = (term, options = {}) => {
    if (term && /\S/.test(term)) return search(term, options).then(byDistance);
    const values = only && options?.filters?.[only.name];
    if (Array.isArray(values) && values.length === 1 && values[0] === only.value && !options.sort) {
      options = { ...options, sort: { date: "asc" } };
    }
    // (with a place given, "In meiner Nähe" orders them by distance instead)
    return search(settings.browseTerm || null, options).then(byDistance);
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

// "In meiner Nähe" and the results map (nearby.js, next to this script): loaded
// only by a page that has them (the home page's place box, the search page), so
// a search from any other page downloads none of it. `nearby` is the module
// once loaded (the search page waits for it before it searches).
let nearby = null;
let nearbyImport = null;
function loadNearbyModule() {
  if (!nearbyImport) {
    nearbyImport = import(new URL("nearby.js", SCRIPT_URL).href).then((module) => (nearby = module));
    nearbyImport.catch(() => {
      nearbyImport = null; // tried again on the next page that needs it
    });
  }
  return nearbyImport;
}

function enhanceHomeNearby() {
  if (!document.querySelector(".nb-nearby--home[data-nb-nearby]")) return;
  loadNearbyModule().then((module) => module.enhanceHomeNearby(), () => {}); // the box stays a plain form
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
      // (nearby.js with the UI: without it the page searches, unordered, with no map)
      const nearbyLoaded = loadNearbyModule().catch(() => null);
      try {
        ({ components, settings } = await loadUi());
      } catch (e) {
        delete this.dataset.loading;
        return; // the list of browse pages stays
      }
      const module = await nearbyLoaded;
      if (!this.isConnected) return;
      const instance = pageSearch(components, settings);
      stamp(template);
      useTemplates(this, settings, instance);
      const nearbyReady = module ? module.enhancePageNearby(this, instance, settings).catch(() => {}) : null;
      if (module) module.enhanceResultsMap(this, instance);
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
      if (term || nearby?.nearbyState.here) instance.triggerSearchWithFilters(term, {});
    }
  }
  if (!customElements.get("nahbei-search-page")) {
    customElements.define("nahbei-search-page", NahbeiSearchPage);
  }
}

main();
