/* nahbei maps: the overview page (/karte/) and the small map of place, offer
 * and event pages. nahbei.mkdocs.maps writes nahbeiMapConfig in front of this
 * file (the style's two palettes, the tiles file, the texts).
 *
 * Everything comes from this site: MapLibre GL JS and pmtiles (copied from
 * npm at build), the style (shapes only: no fonts, no sprites) and the region's
 * PMTiles file, read in parts with HTTP range requests to the same origin.
 *
 * When MapLibre (~1 MB, ~280 KB gzip) loads:
 * - entry pages: only when the resident presses "Karte zeigen". These pages must
 *   stay light on slow phones (issue 12: Lighthouse mobile >= 97 on an offer
 *   page), and the address with its route links already says where; a map
 *   nobody asked for would cost every visitor the download.
 * - the overview page (/karte/): on wide screens when its map box comes into
 *   view (the page is there for the map); on narrow screens (phones) by the same
 *   button: starting MapLibre blocks a phone's main thread for seconds
 *   (Lighthouse mobile, map loaded at once: TBT 2.4 s, score 46), and the list
 *   above it already names every place the map shows.
 *
 * API for other scripts (the search page shows its results on the map):
 *   var m = window.nahbeiMap.mount(container, points)
 *     container: an empty element with a height (CSS class nb-map__canvas)
 *     points: [{name, address, url, lat, lon, approximate}]; url is relative to
 *       the site's root ("orte/x/") or absolute; approximate: the centre of a
 *       postcode area or town, not the address (shown and announced as such)
 *   m.setPoints(points)  replaces the markers and fits the map to them
 *   m.ready              a Promise of the maplibregl.Map (rejects if WebGL fails)
 *   m.map()              the maplibregl.Map once made (null before)
 *   m.remove()
 *   window.nahbeiMap.load() loads MapLibre without a map (Promise of the module)
 * Markers are links (Tab reaches each, Enter opens the entry); their accessible
 * name is name, address and "Lage ungefähr" where approximate. The map must
 * never show more than the list beside it (WCAG 1.1.1).
 */
(function () {
  "use strict";
  var cfg = window.nahbeiMapConfig;
  var me = document.currentScript;
  if (!cfg || !me || window.nahbeiMap) return;
  var here = new URL(".", me.src); // assets/nahbei/
  var root = new URL("../../", here); // the site's root
  var texts = cfg.texts || {};
  var loading = null;
  // from this width on the overview's map loads by itself (nahbei.css: list beside map)
  var WIDE = "(min-width: 60em)";

  function addScript(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = src;
      s.onload = resolve;
      s.onerror = function () { reject(new Error("not loaded: " + src)); };
      document.head.appendChild(s);
    });
  }

  function addStylesheet(href) {
    return new Promise(function (resolve) {
      var l = document.createElement("link");
      l.rel = "stylesheet";
      l.href = href;
      l.onload = l.onerror = resolve;
      document.head.appendChild(l);
    });
  }

  function load() {
    if (!loading) {
      loading = Promise.all([
        import(new URL("map/maplibre-gl.mjs", here).href),
        addScript(new URL("map/pmtiles.js", here).href),
        addStylesheet(new URL("map/maplibre-gl.css", here).href),
        addStylesheet(new URL("map/map.css", here).href)
      ]).then(function (r) {
        var ml = r[0];
        var protocol = new window.pmtiles.Protocol();
        ml.addProtocol("pmtiles", protocol.tile);
        return ml;
      });
    }
    return loading;
  }

  function dark() {
    return document.body.getAttribute("data-md-color-scheme") === "slate";
  }

  function styleFor(isDark) {
    var style = JSON.parse(JSON.stringify(cfg.styles[isDark ? "dark" : "light"]));
    style.sources.protomaps.url = "pmtiles://" + new URL(cfg.tiles, here).href;
    return style;
  }

  function label(p) {
    var parts = [p.name];
    if (p.address) parts.push(p.address);
    if (p.approximate) parts.push(texts.approximate);
    return parts.join(", ");
  }

  function uiStrings() {
    return {
      "Map.Title": texts.map_title,
      "NavigationControl.ZoomIn": texts.zoom_in,
      "NavigationControl.ZoomOut": texts.zoom_out,
      "NavigationControl.ResetBearing": texts.reset_north,
      "AttributionControl.ToggleAttribution": texts.attribution,
      "Marker.Title": texts.marker
    };
  }

  function mount(container, points) {
    var state = { points: points || [], markers: [], map: null, ml: null };

    function fit() {
      var map = state.map, ml = state.ml, pts = state.points;
      if (!map) return;
      if (!pts.length) {
        if (cfg.bounds) map.fitBounds(cfg.bounds, { animate: false });
        return;
      }
      if (pts.length === 1) {
        map.jumpTo({ center: [pts[0].lon, pts[0].lat], zoom: pts[0].approximate ? 12 : 15 });
        return;
      }
      var b = new ml.LngLatBounds();
      pts.forEach(function (p) { b.extend([p.lon, p.lat]); });
      map.fitBounds(b, { padding: 40, maxZoom: 15, animate: false });
    }

    function placeMarkers() {
      state.markers.forEach(function (m) { m.remove(); });
      state.markers = state.points.map(function (p) {
        var a = document.createElement("a");
        a.href = new URL(p.url, root).href;
        a.className = "nb-marker" + (p.approximate ? " nb-marker--approx" : "");
        a.setAttribute("aria-label", label(p));
        a.title = label(p);
        return new state.ml.Marker({ element: a, anchor: "center" }).setLngLat([p.lon, p.lat]).addTo(state.map);
      });
    }

    var ready = load().then(function (ml) {
      state.ml = ml;
      var isDark = dark();
      var map = new ml.Map({
        container: container,
        style: styleFor(isDark),
        bounds: cfg.bounds || undefined,
        maxBounds: cfg.bounds ? padded(cfg.bounds) : undefined,
        attributionControl: { compact: true },
        locale: uiStrings(),
        dragRotate: false,
        pitchWithRotate: false,
        touchPitch: false
      });
      map.touchZoomRotate.disableRotation();
      map.keyboard.disableRotation();
      map.addControl(new ml.NavigationControl({ showCompass: false }), "top-right");
      state.map = map;
      placeMarkers();
      fit();
      // the palette switch (mkdocs-material sets data-md-color-scheme on <body>)
      new MutationObserver(function () {
        if (dark() !== isDark) {
          isDark = dark();
          map.setStyle(styleFor(isDark));
        }
      }).observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
      return new Promise(function (resolve, reject) {
        map.once("load", function () { resolve(map); });
        map.once("error", function (e) { if (!map.loaded()) reject(e.error || e); });
      });
    });

    return {
      ready: ready,
      map: function () { return state.map; }, // the maplibregl.Map once made, else null
      setPoints: function (pts) {
        state.points = pts || [];
        if (state.map) { placeMarkers(); fit(); }
      },
      remove: function () {
        if (state.map) state.map.remove();
        state.map = null;
      }
    };
  }

  // room around the region: a wide region still fits a tall map box (320 px
  // phones), and markers at its edge stay reachable
  function padded(b) {
    var half = Math.max(b[2] - b[0], b[3] - b[1]) * 0.75;
    var x = (b[0] + b[2]) / 2, y = (b[1] + b[3]) / 2;
    return [Math.max(-180, x - half), Math.max(-85, y - half), Math.min(180, x + half), Math.min(85, y + half)];
  }

  // a box's points: its own (data-nb-points), else the cards of the page's list
  // (the overview: data-lat, data-lon, data-approximate on each [data-nb-point])
  function pointsOf(box) {
    if (box.hasAttribute("data-nb-points")) {
      try {
        return JSON.parse(box.getAttribute("data-nb-points"));
      } catch (e) {
        return [];
      }
    }
    return Array.prototype.map.call(document.querySelectorAll("[data-nb-point]"), function (li) {
      var link = li.querySelector("a[href]");
      var address = li.querySelector(".nb-meta");
      return {
        name: link ? link.textContent.trim() : "",
        url: link ? link.href : "",
        address: address ? address.textContent.trim() : "",
        lat: parseFloat(li.getAttribute("data-lat")),
        lon: parseFloat(li.getAttribute("data-lon")),
        approximate: li.hasAttribute("data-approximate")
      };
    }).filter(function (p) { return p.url && isFinite(p.lat) && isFinite(p.lon); });
  }

  function start(box) {
    var canvas = box.querySelector(".nb-map__canvas");
    if (!canvas || box.hasAttribute("data-nb-map-started")) return;
    box.setAttribute("data-nb-map-started", "");
    canvas.hidden = false;
    var placeholder = canvas.querySelector("[data-nb-map-placeholder]");
    if (placeholder) placeholder.remove();
    var status = box.querySelector("[data-nb-map-status]");
    var m = mount(canvas, pointsOf(box));
    box.nahbeiMap = m;
    m.ready.then(function () {
      box.setAttribute("data-nb-map-ready", "");
    }, function () {
      canvas.hidden = true;
      if (status) status.textContent = texts.failed;
    });
  }

  function setUp() {
    document.querySelectorAll("[data-nb-map]").forEach(function (box) {
      var button = box.querySelector("[data-nb-map-show]");
      var wide = box.getAttribute("data-nb-map") === "overview" && window.matchMedia(WIDE).matches;
      if (button && !wide) {
        button.hidden = false;
        button.addEventListener("click", function () {
          button.hidden = true;
          start(box);
          var canvas = box.querySelector(".nb-map__canvas");
          if (canvas) canvas.focus();
        });
      } else if ("IntersectionObserver" in window) {
        var seen = new IntersectionObserver(function (entries) {
          if (entries.some(function (e) { return e.isIntersecting; })) {
            seen.disconnect();
            start(box);
          }
        }, { rootMargin: "200px" });
        seen.observe(box);
      } else {
        start(box);
      }
    });
  }

  window.nahbeiMap = { mount: mount, load: load };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
