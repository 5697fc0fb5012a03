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

const SCRIPT_URL = new URL(import.meta.url);
const SITE_ROOT = new URL("../../", SCRIPT_URL); // assets/nahbei-search/search.js
const BUNDLE = new URL("pagefind/", SITE_ROOT);
const SETTINGS = new URL("settings.json", SCRIPT_URL);
const PAGE_INSTANCE = "default";
const HEADER_INSTANCE = "nb-header";
const OUR_STYLESHEET = 'link[rel="stylesheet"][href$="assets/nahbei-search/search.css"]';

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
  // The page's language (German) before any element renders: Pagefind 1.5.2
  // sets it only when the first element registers, after that one rendered.
  if (!instance._languageSet) instance.setLanguage();
  return instance;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

// One result: title link, kind (and next date, status), excerpt or summary.
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
    link.href = meta.url || result.url;
    title.append(link);
    content.append(title);
    const facts = el("p", "nb-result-facts");
    if (meta.kind) facts.append(el("span", "nb-result-kind", meta.kind));
    if (meta.date) facts.append(el("span", "nb-result-date", `${labels.nextDate || ""} ${meta.date}`.trim()));
    if (meta.status) facts.append(el("strong", "nb-result-status", meta.status));
    if (facts.childNodes.length) content.append(facts);
    const text = el("p", "pf-result-excerpt");
    const browsing = instance && !(instance.searchTerm && /\S/.test(instance.searchTerm));
    if (!browsing && result.excerpt && /\S/.test(result.excerpt)) {
      text.innerHTML = result.excerpt;
    } else if (meta.summary) {
      text.textContent = meta.summary;
    }
    if (text.childNodes.length) content.append(text);
    // "Merken" for offers, events and places (assets/nahbei/shortlist.js; absent without it)
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
  template.content.append(
    make("pagefind-modal", { instance, "reset-on-close": "" },
      make("pagefind-modal-header", {}, make("pagefind-input", { instance })),
      make("pagefind-modal-body", {},
        make("pagefind-summary", { instance }),
        make("pagefind-results", { instance, "hide-sub-results": "" })),
      make("pagefind-modal-footer", {}, links)));
  return template;
}

// The header dialog shows no filters: load Pagefind without its filter index
// (Pagefind's Component UI loads every filter chunk first – at 10,000 entries
// more than the rest of a search together) and clear without reloading it.
function withoutFilters(instance) {
  instance.__doLoad__ = async function () {
    if (this.__pagefind__) return;
    try {
      const pagefind = await import(this.options.bundlePath + "pagefind.js");
      this.__pagefind__ = pagefind.createInstance(this.pagefindOptions || {});
    } catch (e) {
      this.__dispatch__("error", { type: "bundle_load_failed", message: "Could not load search bundle",
                                   bundlePath: this.options.bundlePath, error: e });
    }
  };
  instance.__clear__ = async function () {
    this.__dispatch__("results", { results: [], unfilteredTotalCount: 0 });
  };
}

// Searches without a word (browsing by filters) look for the word every entry
// page carries in its metadata: Pagefind 1.5.2 would otherwise download its
// whole word index for them. Browsing only events lists them by next date.
function adaptSearch(instance, settings) {
  const pf = instance.__pagefind__;
  if (!pf || pf.__nbAdapted) return;
  const search = pf.search.bind(pf);
  const only = settings.eventsFilter;
  pf.search = (term, options = {}) => {
    if (term && /\S/.test(term)) return search(term, options);
    const values = only && options?.filters?.[only.name];
    if (Array.isArray(values) && values.length === 1 && values[0] === only.value && !options.sort) {
      options = { ...options, sort: { date: "asc" } };
    }
    return search(settings.browseTerm || null, options);
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

// The settings (settings.json, about 1 KB): once, with the UI.
function loadSettings() {
  return fetch(SETTINGS.href, { credentials: "same-origin" }).then((response) => {
    if (!response.ok) throw new Error(`${SETTINGS.pathname}: HTTP ${response.status}`);
    return response.json();
  });
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
    withoutFilters(instance);
    if (!template) {
      template = headerTemplate(settings, name);
      header.append(template);
    }
    stamp(template);
    useTemplates(header, settings, instance);
    modal = header.querySelector("pagefind-modal");
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

  // Search page.
  let pageInstance = null;
  const pageSearch = (components, settings) => {
    if (pageInstance) return pageInstance;
    pageInstance = configure(components, PAGE_INSTANCE, settings);
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
      delete this.dataset.loading;
      this.dataset.ready = "";
      const term = new URL(location.href).searchParams.get("q") || "";
      await instance.triggerLoad();
      adaptSearch(instance, settings);
      // Browse mode: filters alone list entries. Set after loading, so
      // Pagefind does not list every entry before anything is chosen.
      instance.faceted = true;
      if (term) instance.triggerSearchWithFilters(term, {});
    }
  }
  if (!customElements.get("nahbei-search-page")) {
    customElements.define("nahbei-search-page", NahbeiSearchPage);
  }
}

main();
