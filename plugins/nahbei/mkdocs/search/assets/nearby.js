// nahbei/search, "In meiner Nähe" and "Treffer auf der Karte": the part of
// the search that only the home page's and the search page's place box and the
// results map use. search.js imports this module only on those pages, so a
// header search on any other page downloads none of it (issue 13's first-search
// budget). It shares nothing with search.js but what search.js passes in.

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
let NEARBY_FILE = new URL("nearby.json", import.meta.url);
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
export const nearbyState = { here: null, radius: null, index: null };

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
export async function orderByDistance(result) {
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

export function nearbyFacts(result, labels) {
  const near = result.nbNearby;
  if (!near) return null;
  const span = document.createElement("span");
  span.className = "nb-result-distance";
  if (near.noPlace) span.textContent = labels.noPlace || "";
  else if (near.unknown) span.textContent = labels.unknownPosition || "";
  else {
    const label = document.createElement("span");
    label.className = "md-visually-hidden";
    label.textContent = `${labels.distanceLabel || ""} `;
    span.append(label, distanceText(near.km, near.approx, labels));
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
export function enhanceHomeNearby() {
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
export function enhancePageNearby(root, instance, settings) {
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

export async function enhanceResultsMap(root, instance) {
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

