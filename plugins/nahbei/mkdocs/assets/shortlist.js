/* nahbei – the Merkzettel (shortlist). The build puts this site's texts and URL
   segments in front of this file (nahbeiShortlistConfig; nahbei/mkdocs/shortlist.py).

   - Offer, event and place pages get a "Merken" button after their heading;
     search results too (search.js asks window.nahbeiShortlist for one).
   - The list lives only in this browser: localStorage, under the site's path.
     No cookie, no server. Without JavaScript nothing of this is shown.
   - The Merkzettel page shows each entry's essentials, read from the entry's
     own page (same site), with its QR code (made at build time, carried by the
     page as bits, drawn here);
     printed, it is the handout. A list passed on as a link travels in the
     fragment (#m=offer:id,event:id), which browsers never send to a server;
     #drucken=… opens the handout of one or more entries without storing them. */
(function () {
  "use strict";
  var C = window.nahbeiShortlistConfig;
  if (!C || !document.currentScript) return;
  var ROOT = new URL("../../", document.currentScript.src); // assets/nahbei/shortlist.js
  var KEY = ROOT.pathname + ".nahbei.merkzettel";
  var PAGE = new URL(C.page, ROOT);
  var KINDS = Object.keys(C.segments);
  var kindOfSegment = {};
  KINDS.forEach(function (k) { kindOfSegment[C.segments[k]] = k; });

  function text(key, params) {
    var s = C.texts[key] || key;
    if (params && params.n === 1 && C.texts[key + "_one"]) s = C.texts[key + "_one"];
    return s.replace(/\{(\w+)\}/g, function (m, name) {
      return params && name in params ? String(params[name]) : m;
    });
  }

  function el(tag, className, content) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (content != null) node.textContent = content;
    return node;
  }

  // -- the list ----------------------------------------------------------------
  var IDENT = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

  function valid(item) {
    return item && KINDS.indexOf(item.k) >= 0 && typeof item.id === "string" && IDENT.test(item.id);
  }

  function load() {
    try {
      var value = JSON.parse(localStorage.getItem(KEY));
      return Array.isArray(value) ? value.filter(valid) : [];
    } catch (e) {
      return [];
    }
  }

  function save(list) {
    try {
      if (list.length) localStorage.setItem(KEY, JSON.stringify(list));
      else localStorage.removeItem(KEY);
      return true;
    } catch (e) {
      return false;
    }
  }

  function same(a, b) { return a.k === b.k && a.id === b.id; }
  function indexIn(list, item) {
    for (var i = 0; i < list.length; i++) if (same(list[i], item)) return i;
    return -1;
  }

  function pathOf(item) { return C.segments[item.k] + "/" + item.id + "/"; }
  function urlOf(item) { return new URL(pathOf(item), ROOT); }

  // {k, id} of an offer, event or place page of this site; null for any other URL
  function entryOf(url) {
    var u = new URL(url, location.href);
    if (u.origin !== ROOT.origin || u.pathname.indexOf(ROOT.pathname) !== 0) return null;
    var parts = u.pathname.slice(ROOT.pathname.length).replace(/index\.html$/, "").split("/");
    if (parts.length !== 3 || parts[2] !== "") return null;
    var item = { k: kindOfSegment[parts[0]], id: parts[1] };
    return valid(item) ? item : null;
  }

  function toFragment(mode, list) {
    return "#" + mode + "=" + list.map(function (x) { return x.k + ":" + x.id; }).join(",");
  }

  function fromFragment(hash) {
    var m = /^#(m|drucken)=([^&]*)$/.exec(hash || "");
    if (!m) return null;
    var items = [];
    decodeURIComponent(m[2]).split(",").forEach(function (part) {
      var pair = part.split(":");
      var item = { k: pair[0], id: pair[1] };
      if (pair.length === 2 && valid(item) && indexIn(items, item) < 0) items.push(item);
    });
    return { mode: m[1], items: items };
  }

  // -- "Merken" buttons ------------------------------------------------------------
  function syncButtons() {
    var list = load();
    var buttons = document.querySelectorAll("button[data-nb-keep]");
    for (var i = 0; i < buttons.length; i++) {
      var b = buttons[i];
      var on = indexIn(list, { k: b.getAttribute("data-nb-kind"), id: b.getAttribute("data-nb-keep") }) >= 0;
      b.setAttribute("aria-pressed", on ? "true" : "false");
    }
    var views = document.querySelectorAll("[data-nb-view]");
    for (var j = 0; j < views.length; j++) views[j].textContent = text("view", { n: list.length });
  }

  function keepButton(item, name, label) {
    var b = el("button", "nb-keep__button", text("keep"));
    b.type = "button";
    b.setAttribute("data-nb-keep", item.id);
    b.setAttribute("data-nb-kind", item.k);
    b.setAttribute("data-nb-name", name);
    if (label) b.setAttribute("aria-label", text("keep") + ": " + name);
    return b;
  }

  function toggle(button) {
    var item = { k: button.getAttribute("data-nb-kind"), id: button.getAttribute("data-nb-keep"),
                 n: button.getAttribute("data-nb-name") || "" };
    var list = load();
    var at = indexIn(list, item);
    if (at >= 0) list.splice(at, 1);
    else list.push(item);
    var ok = save(list);
    syncButtons();
    var status = button.parentNode.querySelector("[data-nb-keep-status]");
    if (status) {
      status.textContent = !ok ? text("storage_failed")
        : at >= 0 ? text("removed_status") : text("kept_status", { n: list.length });
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-nb-keep]") : null;
    if (button) toggle(button);
  });
  window.addEventListener("storage", function (event) {
    if (event.key === KEY || event.key === null) {
      syncButtons();
      if (shortlistRoot && !fromFragment(location.hash)) renderList();
    }
  });

  function entryPage() {
    var article = document.querySelector("article.nb-page");
    var heading = article && article.querySelector("h1");
    var item = entryOf(location.href);
    if (!heading || !item || !article.classList.contains("nb-page--" + item.k)) return;
    var name = headingName(heading);
    // the page's own slot after the heading (its room is kept by the stylesheet), else a new box
    var slot = article.querySelector("[data-nb-keep-slot]");
    var box = slot || el("div", "nb-keep");
    box.append(keepButton(item, name, false));
    var view = el("a", "nb-keep__view");
    view.href = PAGE.href;
    view.setAttribute("data-nb-view", "");
    box.append(view);
    var handout = el("a", "nb-keep__handout", text("handout"));
    handout.href = PAGE.href + toFragment("drucken", [item]);
    box.append(handout);
    var status = el("span", "nb-keep__status");
    status.setAttribute("role", "status");
    status.setAttribute("data-nb-keep-status", "");
    box.append(status);
    if (!slot) heading.after(box);
    syncButtons();
  }

  // The heading's own text, without its status mark ("beendet", "abgesagt").
  function headingName(heading) {
    var copy = heading.cloneNode(true);
    var marks = copy.querySelectorAll(".nb-status");
    for (var i = 0; i < marks.length; i++) marks[i].remove();
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  // -- the Merkzettel page (and handout) -----------------------------------------
  var shortlistRoot = null;
  var pending = [];

  function dateLabel(d) {
    try {
      return new Intl.DateTimeFormat(C.lang, { dateStyle: "long" }).format(d);
    } catch (e) {
      return d.toISOString().slice(0, 10);
    }
  }

  function stampPrinted() {
    var printed = shortlistRoot.querySelector("[data-nb-printed]");
    if (printed) printed.textContent = text("printed_on", { date: dateLabel(new Date()) });
  }

  function imported(node) {
    var copy = document.importNode(node, true);
    var withId = copy.querySelectorAll("[id]");
    for (var i = 0; i < withId.length; i++) withId[i].removeAttribute("id");
    if (copy.removeAttribute) copy.removeAttribute("id");
    return copy;
  }

  function label(content) {
    return el("p", "nb-label", content);
  }

  // What the handout shows of an entry, read from its page.
  function essentials(doc, item) {
    var out = document.createDocumentFragment();
    var article = doc.querySelector("article.nb-page");
    if (!article) return { nodes: out, name: null };
    var heading = article.querySelector("h1");
    var status = heading && heading.querySelector(".nb-status");
    if (status) out.append(el("p", "nb-shortlist__status", text("status", { status: status.textContent.trim() })));
    var lead = article.querySelector(".nb-lead");
    if (lead && item.k !== "place") out.append(el("p", "nb-shortlist__lead", lead.textContent.replace(/\s+/g, " ").trim()));
    var example = article.querySelector(".nb-example");
    if (example) out.append(el("p", "nb-shortlist__example", example.textContent.replace(/\s+/g, " ").trim()));
    var addresses = article.querySelectorAll(".nb-address");
    for (var i = 0; i < addresses.length; i++) {
      var before = addresses[i].previousElementSibling;
      if (before && before.tagName === "H3") out.append(label(before.textContent.replace(/\s+/g, " ").trim()));
      out.append(imported(addresses[i]));
    }
    var tables = article.querySelectorAll("table.nb-hours");
    for (var t = 0; t < tables.length; t++) out.append(imported(tables[t]));
    var dates = article.querySelector("ul.nb-dates");
    if (dates && dates.children.length) {
      out.append(label(text("next_dates")));
      var list = el("ul", "nb-dates");
      for (var d = 0; d < dates.children.length && d < 3; d++) list.append(imported(dates.children[d]));
      out.append(list);
    }
    var phones = [];
    var links = article.querySelectorAll('.nb-reach a[href^="tel:"]');
    for (var p = 0; p < links.length && phones.length < 3; p++) {
      var line = links[p].closest("li").textContent.replace(/\s+/g, " ").trim();
      if (phones.indexOf(line) < 0) phones.push(line);
    }
    if (phones.length) {
      var reach = el("ul", "nb-reach");
      phones.forEach(function (line) { reach.append(el("li", null, line)); });
      out.append(reach);
    }
    var reviewed = article.querySelector(".nb-change time");
    out.append(el("p", "nb-shortlist__reviewed",
      reviewed ? text("reviewed", { date: reviewed.textContent.trim() }) : text("not_reviewed")));
    var canonical = doc.querySelector('link[rel="canonical"]');
    return { nodes: out, name: heading ? headingName(heading) : null,
             url: canonical ? canonical.getAttribute("href") : null };
  }

  // A page's QR code (data-nb-qr, nahbei/qrcodes.py: "<width>:<base64>", the
  // modules row by row, a set bit dark, highest bit first) as SVG: a quiet zone
  // of four modules, each run of dark modules in a row one stroke. null when
  // the value is not such a code.
  var QUIET = 4;
  function qrCode(value) {
    var m = /^(\d{2,3}):([A-Za-z0-9+\/]+={0,2})$/.exec(value || "");
    if (!m) return null;
    var width = +m[1], bytes;
    try { bytes = atob(m[2]); } catch (e) { return null; }
    if (width < 21 || width > 177 || bytes.length * 8 < width * width) return null;
    function dark(i) { return (bytes.charCodeAt(i >> 3) >> (7 - (i & 7))) & 1; }
    var runs = [], x0 = 0, y0 = 0;
    for (var y = 0; y < width; y++) {
      for (var x = 0; x < width; x++) {
        if (!dark(y * width + x)) continue;
        var start = x;
        while (x + 1 < width && dark(y * width + x + 1)) x++;
        var px = start + QUIET, py = y + QUIET, length = x + 1 - start;
        runs.push(runs.length ? "m" + (px - x0) + " " + (py - y0) + "h" + length
                              : "M" + px + " " + py + ".5h" + length);
        x0 = px + length;
        y0 = py;
      }
    }
    var size = width + 2 * QUIET, NS = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(NS, "svg");
    svg.setAttribute("class", "nb-shortlist__qr");
    svg.setAttribute("viewBox", "0 0 " + size + " " + size);
    svg.setAttribute("width", "132");
    svg.setAttribute("height", "132");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", text("qr_alt"));
    var ground = document.createElementNS(NS, "path");
    ground.setAttribute("fill", "#fff");
    ground.setAttribute("d", "M0 0h" + size + "v" + size + "H0z");
    var ink = document.createElementNS(NS, "path");
    ink.setAttribute("stroke", "#000");
    ink.setAttribute("d", runs.join(""));
    svg.append(ground, ink);
    return svg;
  }

  function entryItem(item, stored) {
    var li = el("li", "nb-shortlist__entry");
    var head = el("h2");
    var link = el("a", null, item.n || item.id);
    link.href = urlOf(item).href;
    head.append(link);
    li.append(head);
    li.append(el("p", "nb-shortlist__kind", text("kind_" + item.k)));
    var body = el("div", "nb-shortlist__body");
    var details = el("div", "nb-shortlist__details", text("loading"));
    body.append(details);
    // the QR code's room, kept while the page is read (its code comes with it)
    var qrRoom = C.qr ? el("div", "nb-shortlist__qr") : null;
    if (qrRoom) body.append(qrRoom);
    li.append(body);
    // the page's public address (its canonical URL), as the QR code holds it
    var online = el("p", "nb-shortlist__online", text("online", { url: urlOf(item).href }));
    li.append(online);
    if (stored) {
      var remove = el("button", "nb-button-quiet", text("remove"));
      remove.type = "button";
      remove.setAttribute("aria-label", text("remove") + ": " + (item.n || item.id));
      remove.addEventListener("click", function () {
        var list = load();
        var at = indexIn(list, item);
        if (at >= 0) list.splice(at, 1);
        save(list);
        renderList();
        shortlistRoot.querySelector("[data-nb-count]").focus();
      });
      var removeLine = el("p", "nb-shortlist__remove");
      removeLine.append(remove);
      li.append(removeLine);
    }
    pending.push(fetch(urlOf(item).href, { credentials: "same-origin" }).then(function (response) {
      if (response.status === 404) {
        if (qrRoom) qrRoom.remove();
        li.classList.add("nb-shortlist__entry--gone");
        details.textContent = text("gone");
        link.removeAttribute("href");
        return;
      }
      if (!response.ok) throw new Error(response.status);
      return response.text().then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var found = essentials(doc, item);
        if (qrRoom) {
          var coded = doc.querySelector("[data-nb-qr]");
          var code = coded && qrCode(coded.getAttribute("data-nb-qr"));
          if (code) qrRoom.replaceWith(code);
          else qrRoom.remove();
        }
        details.textContent = "";
        details.append(found.nodes);
        if (found.name) link.textContent = found.name;
        if (found.url) online.textContent = text("online", { url: found.url });
      });
    }).catch(function () {
      if (qrRoom) qrRoom.remove();
      details.textContent = text("failed");
    }));
    return li;
  }

  function renderList() {
    var link = fromFragment(location.hash);
    var list = link ? link.items : load();
    var entries = shortlistRoot.querySelector("[data-nb-entries]");
    var notice = shortlistRoot.querySelector("[data-nb-notice]");
    var count = shortlistRoot.querySelector("[data-nb-count]");
    var actions = shortlistRoot.querySelector("[data-nb-actions]");
    pending = [];
    entries.textContent = "";
    notice.textContent = "";
    notice.hidden = !link;
    if (link) {
      var stored = load();
      list.forEach(function (x) { var at = indexIn(stored, x); if (at >= 0) x.n = stored[at].n; });
      notice.append(el("p", null, text(link.mode === "m" ? "shared" : "handout_for", { n: list.length })));
      var p = el("p");
      if (link.mode === "m") {
        var take = el("button", "md-button", text("take_over"));
        take.type = "button";
        take.addEventListener("click", function () {
          var mine = load();
          list.forEach(function (x) { if (indexIn(mine, x) < 0) mine.push(x); });
          var ok = save(mine);
          history.replaceState(null, "", PAGE.pathname);
          renderList();
          count.textContent = ok ? text("taken_over") : text("storage_failed");
          count.focus();
        });
        p.append(take);
      } else {
        var mineLink = el("a", null, text("to_my_list"));
        mineLink.href = PAGE.pathname;
        p.append(mineLink);
      }
      notice.append(p);
    }
    count.textContent = list.length ? text("count", { n: list.length }) : text("empty");
    list.forEach(function (item) { entries.append(entryItem(item, !link)); });
    actions.hidden = !list.length;
    var share = shortlistRoot.querySelector("[data-nb-share]");
    if (share) share.value = list.length ? PAGE.href + toFragment("m", list) : "";
    stampPrinted();
  }

  function shortlistPage() {
    shortlistRoot = document.querySelector("[data-nb-shortlist]");
    if (!shortlistRoot) return;
    var nojs = document.querySelector(".nb-shortlist-nojs");
    if (nojs) nojs.hidden = true;
    shortlistRoot.hidden = false;
    shortlistRoot.querySelector("[data-nb-count]").tabIndex = -1;
    shortlistRoot.querySelector("[data-nb-print]").addEventListener("click", function () {
      // print once every entry's details and QR code are in
      Promise.all(pending).then(function () { stampPrinted(); window.print(); });
    });
    shortlistRoot.querySelector("[data-nb-clear]").addEventListener("click", function () {
      if (!window.confirm(text("clear_confirm"))) return;
      save([]);
      if (fromFragment(location.hash)) history.replaceState(null, "", PAGE.pathname);
      renderList();
      syncButtons();
      shortlistRoot.querySelector("[data-nb-count]").focus();
    });
    window.addEventListener("hashchange", renderList);
    window.addEventListener("beforeprint", stampPrinted);
    renderList();
  }

  // for search.js: a "Merken" button for a result, null when the URL is no entry page
  window.nahbeiShortlist = {
    entryOf: entryOf,
    button: function (url, name) {
      var item = entryOf(url);
      if (!item) return null;
      var b = keepButton(item, name || item.id, true);
      var list = load();
      b.setAttribute("aria-pressed", indexIn(list, item) >= 0 ? "true" : "false");
      return b;
    },
    // the Merkzettel page's entries have been read from their pages (tests, print)
    ready: function () { return Promise.all(pending); }
  };

  entryPage();
  shortlistPage();
})();
