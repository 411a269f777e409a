/* The e-paper viewer: pages zoomable with OpenSeadragon over their IIIF tiles, article
   regions that open the article's text, jumps, search and deep links. All data comes
   from data/edition.js (window.EPAPER), so the folder works opened from disk (file://,
   where a page may not fetch() its JSON) as well as from any static web host. */
(function () {
  "use strict";

  var E = window.EPAPER;
  var L = E.ui;
  var pages = E.pages;
  var byId = {};
  E.articles.forEach(function (a) { byId[a.id] = a; });
  var state = { page: 1, article: null, q: "" };
  var viewer = null;
  var shownPage = 0;
  var hits = {};  // article id -> true, for the current search
  var trackers = [];  // the overlays' mouse trackers, released when the page changes

  // ---- text -------------------------------------------------------------------------
  var BN = "০১২৩৪৫৬৭৮৯";
  function num(n) {
    var s = String(n);
    return E.lang === "bn" ? s.replace(/[0-9]/g, function (d) { return BN[+d]; }) : s;
  }
  function fmt(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_m, k) { return values[k]; });
  }

  /* The search spelling, the same as the cleanup step's (epaper/content/clean.py) and
     epaper/web/search.py's: separators are spaces, control characters and soft hyphens
     go, the old khanda-ta is ৎ, NFC (so য় typed precomposed or as য + nukta is one
     spelling); then zero-width joiners go, punctuation is a space, case is folded. */
  var SEPARATORS = /[\u000b\u000c\u001c-\u001f\u0085\u2028\u2029\u00a0\t\n\r]/g;
  var CONTROLS = /[\u0000-\u0008\u000e-\u001b\u007f-\u0084\u0086-\u009f\ufeff\u00ad]/g;
  var JOINERS = /[\u200b-\u200d\u2060]/g;
  var PUNCT = /[\u0964\u0965.,;:?!"'\u2018\u2019\u201c\u201d()[\]{}\u2013\u2014\/\-]/g;
  function canon(s) {
    s = s.replace(SEPARATORS, " ").replace(CONTROLS, "");
    s = s.replace(/\u09a4\u09cd\u200d/g, "\u09ce").normalize("NFC");
    s = s.replace(JOINERS, "").replace(PUNCT, " ").toLowerCase();
    return s.replace(/ +/g, " ").trim();
  }
  window.epaperCanon = canon;  // for tests: the spelling must match the Python side's

  /* The search key of a text with, for every key character, the index of the text
     character it came from: to mark hits in the original text. */
  function keyed(text) {
    text = text.normalize("NFC");
    var key = "", map = [];
    for (var i = 0; i < text.length; i++) {
      var k = canonChar(text, i);
      for (var j = 0; j < k.length; j++) { key += k[j]; map.push(i); }
    }
    return { key: key, map: map, text: text };
  }
  var ONE_JOINER = /[\u200b-\u200d\u2060\u0000-\u0008\u000e-\u001b\u007f-\u0084\u0086-\u009f\ufeff\u00ad]/;
  var ONE_SPACE = /[\u0964\u0965.,;:?!"'\u2018\u2019\u201c\u201d()[\]{}\u2013\u2014\/\-\s]/;
  function canonChar(text, i) {
    var c = text[i];
    if (ONE_JOINER.test(c)) return "";
    if (ONE_SPACE.test(c)) return " ";
    return c.toLowerCase();
  }

  // ---- search -----------------------------------------------------------------------
  var index = E.articles.map(function (a) {
    var body = a.text.map(function (b) { return b.text; }).join(" ");
    var captions = a.photos.map(function (p) { return p.caption + " " + p.credit; }).join(" ");
    return {
      id: a.id,
      head: canon(a.headline),
      top: canon([a.kicker, a.subheadline, a.byline, a.dateline, a.source].join(" ")),
      body: canon(body + " " + captions)
    };
  });

  function count(hay, needle) {
    var n = 0, at = hay.indexOf(needle);
    while (at !== -1) { n++; at = hay.indexOf(needle, at + needle.length); }
    return n;
  }

  function search(q) {
    var words = canon(q).split(" ").filter(Boolean);
    if (!words.length) return [];
    var found = [];
    index.forEach(function (doc, k) {
      var score = 0;
      for (var i = 0; i < words.length; i++) {
        var w = words[i];
        var s = 5 * count(doc.head, w) + 3 * count(doc.top, w) + count(doc.body, w);
        if (!s) return;  // every word must be there
        score += s;
      }
      found.push({ article: E.articles[k], score: score, order: k });
    });
    found.sort(function (a, b) { return b.score - a.score || a.order - b.order; });
    return found;
  }

  /* `text` as DOM nodes with every occurrence of the query's words in <mark>. */
  function marked(text, words) {
    var frag = document.createDocumentFragment();
    if (!words.length) { frag.appendChild(document.createTextNode(text)); return frag; }
    var k = keyed(text);
    var spans = [];
    words.forEach(function (w) {
      var at = k.key.indexOf(w);
      while (at !== -1) {
        spans.push([k.map[at], k.map[at + w.length - 1] + 1]);
        at = k.key.indexOf(w, at + w.length);
      }
    });
    spans.sort(function (a, b) { return a[0] - b[0]; });
    var pos = 0;
    spans.forEach(function (s) {
      if (s[0] < pos) return;
      frag.appendChild(document.createTextNode(k.text.slice(pos, s[0])));
      var m = document.createElement("mark");
      m.textContent = k.text.slice(s[0], s[1]);
      frag.appendChild(m);
      pos = s[1];
    });
    frag.appendChild(document.createTextNode(k.text.slice(pos)));
    return frag;
  }

  function snippet(a, words) {
    var all = a.text.map(function (b) { return b.text; });
    for (var i = 0; i < all.length; i++) {
      var k = keyed(all[i]);
      for (var j = 0; j < words.length; j++) {
        var at = k.key.indexOf(words[j]);
        if (at !== -1) {
          var start = Math.max(0, k.map[at] - 60);
          var text = (start ? "…" : "") + k.text.slice(start, k.map[at] + 100) + "…";
          return text;
        }
      }
    }
    return (all[0] || "").slice(0, 140) + "…";
  }

  // ---- DOM helpers ------------------------------------------------------------------
  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function link(href, cls, text) {
    var a = el("a", cls, text);
    a.href = href;
    return a;
  }
  function hashFor(s) {
    var parts = [];
    if (s.page) parts.push("page=" + s.page);
    if (s.article) parts.push("article=" + encodeURIComponent(s.article));
    if (s.q) parts.push("q=" + encodeURIComponent(s.q));
    return "#" + parts.join("&");
  }
  function parseHash() {
    var out = { page: 0, article: null, q: "" };
    location.hash.replace(/^#/, "").split("&").forEach(function (kv) {
      var i = kv.indexOf("=");
      if (i < 0) return;
      var k = kv.slice(0, i), v;
      try { v = decodeURIComponent(kv.slice(i + 1).replace(/\+/g, " ")); } catch (e) { return; }
      if (k === "page") out.page = parseInt(v, 10) || 0;
      else if (k === "article") out.article = v;
      else if (k === "q") out.q = v;
    });
    return out;
  }
  function go(s) {
    var h = hashFor(s);
    if (h === location.hash || (h === "#" && !location.hash)) apply(); else location.hash = h;
  }

  // ---- the page view ----------------------------------------------------------------
  function tileSource(p) {
    var z = p.zoom;
    return {
      "@context": "http://iiif.io/api/image/3/context.json",
      id: z.id, type: "ImageService3", protocol: "http://iiif.io/api/image",
      profile: "level0", width: z.width, height: z.height,
      tiles: [{ width: z.tile, height: z.tile, scaleFactors: z.scale_factors }]
    };
  }

  function rect(p, px) {  // reading-image pixels -> viewport units (image width = 1)
    var w = p.image.width;
    return new OpenSeadragon.Rect(px[0] / w, px[1] / w, (px[2] - px[0]) / w, (px[3] - px[1]) / w);
  }

  function overlay(p, px, cls, label, onOpen) {
    var a = el("a", cls);
    a.href = "#";
    a.setAttribute("aria-label", label);
    a.title = label;
    a.addEventListener("click", function (e) {
      e.preventDefault();
      if (e.detail === 0) onOpen();  // Enter on a focused region; mouse clicks: below
    });
    trackers.push(new OpenSeadragon.MouseTracker({
      element: a,
      clickHandler: function (e) { if (e.quick) onOpen(); }
    }));
    viewer.addOverlay({ element: a, location: rect(p, px) });
    return a;
  }

  function addOverlays(p) {
    trackers.forEach(function (t) { t.destroy(); });
    trackers = [];
    viewer.clearOverlays();
    E.articles.forEach(function (a) {
      a.regions.forEach(function (r) {
        if (r.page !== p.number) return;
        var o = overlay(p, r.px, "region", a.headline, function () {
          go({ page: p.number, article: a.id, q: state.q });
        });
        o.dataset.article = a.id;
        if (hits[a.id]) o.classList.add("hit");
        if (state.article === a.id) o.classList.add("active");
      });
      a.jumps.forEach(function (j) {
        if (j.from_page === p.number) {
          overlay(p, j.from.px, "jump", fmt(L.continued_on, { page: num(j.to_page) }),
            function () { showPart(a, j.to_page); }).dataset.article = a.id;
        }
        if (j.to_page === p.number && j.to) {
          overlay(p, j.to.px, "jump back", fmt(L.continued_from, { page: num(j.from_page) }),
            function () { showPart(a, j.from_page); }).dataset.article = a.id;
        }
      });
    });
  }

  /* Go to an article's part on another page (a jump), lighting it up there. */
  function showPart(a, page) {
    go({ page: page, article: state.article === a.id ? a.id : null, q: state.q });
    flash(a.id, page);
  }
  function flash(id, page) {
    var tries = 0;
    (function look() {
      var found = false;
      if (shownPage === page) {
        document.querySelectorAll(".region").forEach(function (o) {
          if (o.dataset.article === id) {
            found = true;
            o.classList.add("flash");
            setTimeout(function () { o.classList.remove("flash"); }, 1600);
          }
        });
      }
      if (!found && tries++ < 40) setTimeout(look, 50);
    })();
  }

  function showPage(n) {
    var p = pages[n - 1];
    state.page = n;
    if (shownPage !== n) {
      shownPage = 0;
      viewer.open(tileSource(p));
    } else {
      addOverlays(p);
    }
    $("pageinfo").textContent = fmt(L.page_of, { page: num(n), pages: num(pages.length) }) +
      (p.section ? " · " + p.section : "");
    $("prev").disabled = n <= 1;
    $("next").disabled = n >= pages.length;
    $("dl-page").href = p.pdf;
    document.querySelectorAll(".thumb").forEach(function (t) {
      var on = +t.dataset.page === n;
      if (on) { t.setAttribute("aria-current", "page"); } else { t.removeAttribute("aria-current"); }
      if (on && t.scrollIntoView) t.scrollIntoView({ block: "nearest", inline: "nearest" });
    });
    document.title = E.title + " — " + fmt(L.page_of, { page: num(n), pages: num(pages.length) });
  }

  // ---- the side panel: an article, or search results ---------------------------------
  function openPanel(title) {
    var panel = $("panel");
    panel.hidden = false;
    document.body.classList.add("panel-open");
    $("panel-title").textContent = title;
    var body = $("panel-body");
    body.textContent = "";
    body.scrollTop = 0;
    return body;
  }
  function closePanel() {
    $("panel").hidden = true;
    document.body.classList.remove("panel-open");
  }

  function paragraph(b, words) {
    var tag = b.kind === "subhead" ? "h3" : b.kind === "quote" ? "blockquote" : "p";
    var e = el(tag, b.kind === "item" ? "item" : null);
    if (b.kind === "item" && b.marker) e.appendChild(el("span", "marker", b.marker + " "));
    if (!b.spans) { e.appendChild(marked(b.text, words)); return e; }
    b.spans.forEach(function (s) {
      var inner = s.bold ? el("strong") : s.italic ? el("em") : el("span");
      inner.appendChild(marked(s.text, words));
      if (s.link) { var a = link(s.link, null); a.appendChild(inner); inner = a; }
      e.appendChild(inner);
    });
    return e;
  }

  function renderArticle(a) {
    var words = canon(state.q).split(" ").filter(Boolean);
    var body = openPanel(a.section || "");
    var art = el("article", "story");
    art.lang = a.lang;
    art.dataset.article = a.id;
    if (a.kicker) art.appendChild(el("p", "kicker", a.kicker));
    var h = el("h2", "headline");
    h.appendChild(marked(a.headline, words));
    art.appendChild(h);
    if (a.subheadline) art.appendChild(el("p", "subheadline", a.subheadline));
    var by = [a.byline, a.dateline].filter(Boolean).join(", ");
    if (a.source) by = by ? by + " (" + a.source + ")" : a.source;
    if (by) art.appendChild(el("p", "byline", by));
    var where = el("p", "where");
    a.pages.forEach(function (n, i) {
      if (i) where.appendChild(document.createTextNode(" · "));
      var l = link("#page=" + n, "pagelink", fmt(L.on_page, { page: num(n) }));
      l.addEventListener("click", function (e) { e.preventDefault(); showPart(a, n); });
      where.appendChild(l);
    });
    art.appendChild(where);
    a.jumps.forEach(function (j) {
      // The way on from the part on the page shown, or the way back to where it began.
      var nav = el("p", "jumps");
      var back = state.page === j.to_page;
      var l = back
        ? link("#page=" + j.from_page, "jump-from", "← " + fmt(L.continued_from, { page: num(j.from_page) }))
        : link("#page=" + j.to_page, "jump-to", fmt(L.continued_on, { page: num(j.to_page) }) + " →");
      l.addEventListener("click", function (e) {
        e.preventDefault();
        showPart(a, back ? j.from_page : j.to_page);
      });
      nav.appendChild(l);
      art.appendChild(nav);
    });
    a.photos.forEach(function (p) {
      if (!p.image && !p.caption) return;
      var fig = el("figure", "photo");
      if (p.image) {
        var img = el("img");
        img.src = p.image.file;
        img.width = p.image.width;
        img.height = p.image.height;
        img.alt = p.caption || L.photo;
        img.loading = "lazy";
        fig.appendChild(img);
      }
      var cap = el("figcaption", null, p.caption);
      if (p.credit) cap.appendChild(el("span", "credit", " " + p.credit));
      fig.appendChild(cap);
      art.appendChild(fig);
    });
    var text = el("div", "text");
    a.text.forEach(function (b) { text.appendChild(paragraph(b, words)); });
    art.appendChild(text);
    if (a.printed_words < a.words) art.appendChild(el("p", "note", L.not_all_printed));
    art.appendChild(tools(a));
    body.appendChild(art);
    $("panel-close").focus({ preventScroll: true });
  }

  function tools(a) {
    var box = el("section", "tools");
    box.appendChild(el("h3", null, L.clipping));
    a.regions.forEach(function (r) {
      if (!r.clip) return;
      var fig = el("figure", "clip");
      var img = el("img");
      img.src = r.clip.file;
      img.width = r.clip.width;
      img.height = r.clip.height;
      img.alt = fmt(L.clipping_of, { page: num(r.page) });
      img.loading = "lazy";
      var open = link(r.clip.file, null);
      open.appendChild(img);
      fig.appendChild(open);
      var dl = link(r.clip.file, "download", fmt(L.download_clipping, { page: num(r.page) }));
      dl.setAttribute("download", "");
      fig.appendChild(el("figcaption")).appendChild(dl);
      box.appendChild(fig);
    });
    var share = el("div", "share");
    var url = location.href.split("#")[0] + "#article=" + encodeURIComponent(a.id);
    var input = el("input", "share-url");
    input.type = "text";
    input.readOnly = true;
    input.value = url;
    input.setAttribute("aria-label", L.share_link);
    var copy = el("button", "copy", L.copy_link);
    copy.type = "button";
    copy.addEventListener("click", function () {
      input.select();
      var done = function () { copy.textContent = L.copied; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(url).then(done, function () { legacyCopy(done); });
      } else {
        legacyCopy(done);
      }
    });
    share.appendChild(el("label", null, L.share_link));
    share.appendChild(input);
    share.appendChild(copy);
    if (navigator.share) {
      var sh = el("button", "share-native", L.share);
      sh.type = "button";
      sh.addEventListener("click", function () {
        navigator.share({ title: a.headline, url: url }).catch(function () {});
      });
      share.appendChild(sh);
    }
    box.appendChild(share);
    var more = el("p", "more");
    more.appendChild(link(a.html, "standalone", L.article_page));
    box.appendChild(more);
    return box;
  }
  function legacyCopy(done) {
    try { if (document.execCommand("copy")) done(); } catch (e) { /* selected: copy by hand */ }
  }

  function renderResults(q) {
    var words = canon(q).split(" ").filter(Boolean);
    var found = search(q);
    hits = {};
    found.forEach(function (f) { hits[f.article.id] = true; });
    document.querySelectorAll(".region").forEach(function (o) {
      o.classList.toggle("hit", !!hits[o.dataset.article]);
    });
    var body = openPanel(fmt(L.results_for, { q: q }));
    body.appendChild(el("p", "count", found.length ? fmt(L.results, { n: num(found.length) }) : L.no_results));
    var list = el("ol", "results");
    found.forEach(function (f) {
      var a = f.article;
      var li = el("li");
      var l = link(hashFor({ article: a.id, q: q }), "result");
      l.dataset.article = a.id;
      var h = el("strong");
      h.appendChild(marked(a.headline, words));
      l.appendChild(h);
      l.appendChild(el("span", "result-page", " · " + fmt(L.on_page, { page: num(a.pages[0]) })));
      li.appendChild(l);
      var s = el("p", "snippet");
      s.appendChild(marked(snippet(a, words), words));
      li.appendChild(s);
      list.appendChild(li);
    });
    body.appendChild(list);
  }

  // ---- state from the address -------------------------------------------------------
  function apply() {
    var s = parseHash();
    var a = s.article ? byId[s.article] : null;
    var page = s.page;
    if (a && !(page && a.pages.indexOf(page) !== -1)) page = a.pages[0];
    if (!(page >= 1 && page <= pages.length)) page = state.page || 1;
    state.article = a ? a.id : null;
    if (s.q !== state.q) {
      state.q = s.q;
      $("q").value = s.q;
      if (!s.q) { hits = {}; }
    }
    showPage(page);
    if (a) renderArticle(a);
    else if (state.q) renderResults(state.q);
    else closePanel();
    document.querySelectorAll(".region").forEach(function (o) {
      o.classList.toggle("active", o.dataset.article === state.article);
    });
  }

  function zoomBy(f) {
    viewer.viewport.zoomBy(f);
    viewer.viewport.applyConstraints();
  }

  function keys(e) {
    var t = e.target;
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA")) {
      if (e.key === "Escape") t.blur();
      return;
    }
    var inPanel = t && $("panel").contains(t);
    var k = e.key;
    if (k === "Escape") {
      if (!$("panel").hidden) { go({ page: state.page, q: "" }); e.preventDefault(); }
    } else if (k === "/") {
      $("q").focus(); e.preventDefault();
    } else if ((k === "ArrowRight" || k === "PageDown") && !inPanel) {
      if (state.page < pages.length) go({ page: state.page + 1, q: state.q });
      e.preventDefault();
    } else if ((k === "ArrowLeft" || k === "PageUp") && !inPanel) {
      if (state.page > 1) go({ page: state.page - 1, q: state.q });
      e.preventDefault();
    } else if (k === "Home" && !inPanel) {
      go({ page: 1, q: state.q }); e.preventDefault();
    } else if (k === "End" && !inPanel) {
      go({ page: pages.length, q: state.q }); e.preventDefault();
    } else if (k === "+" || k === "=") {
      zoomBy(1.5); e.preventDefault();
    } else if (k === "-" || k === "_") {
      zoomBy(1 / 1.5); e.preventDefault();
    } else if (k === "0") {
      viewer.viewport.goHome(); e.preventDefault();
    }
  }

  function start() {
    // Hide the no-script fallback first: the viewer measures its box when it is made.
    document.body.classList.add("js");
    viewer = OpenSeadragon({
      element: $("osd"),
      showNavigationControl: false,
      keyboardNavEnabled: false,  // the viewer's own keys (page turns) are below
      drawer: "canvas",  // WebGL cannot draw tiles opened from file:// (tainted images)
      visibilityRatio: 0.6,
      minZoomImageRatio: 0.8,
      maxZoomPixelRatio: 2.5,
      animationTime: 0.5,
      gestureSettingsMouse: { clickToZoom: false, dblClickToZoom: true },
      gestureSettingsTouch: { clickToZoom: false, dblClickToZoom: true, pinchToZoom: true },
      crossOriginPolicy: false
    });
    window.epaperViewer = viewer;  // for tests and for the curious
    viewer.addHandler("open", function () {
      var p = pages[state.page - 1];
      shownPage = state.page;
      viewer.viewport.goHome(true);  // each page opens whole
      addOverlays(p);
      document.body.dataset.shownPage = String(state.page);
    });
    $("prev").addEventListener("click", function () { go({ page: state.page - 1, q: state.q }); });
    $("next").addEventListener("click", function () { go({ page: state.page + 1, q: state.q }); });
    $("zoom-in").addEventListener("click", function () { zoomBy(1.5); });
    $("zoom-out").addEventListener("click", function () { zoomBy(1 / 1.5); });
    $("zoom-home").addEventListener("click", function () { viewer.viewport.goHome(); });
    $("panel-close").addEventListener("click", function () { go({ page: state.page, q: "" }); });
    $("search").addEventListener("submit", function (e) {
      e.preventDefault();
      go({ page: state.page, q: $("q").value.trim() });
    });
    document.addEventListener("keydown", keys);
    window.addEventListener("hashchange", apply);
    apply();
    document.body.dataset.ready = "1";
  }

  start();
})();
