/* kg.render network page. Every string from the data block is untrusted: it is only ever
   put into the page with textContent / createTextNode / setAttribute of a checked href,
   and vis-network draws labels on a canvas. No innerHTML anywhere. */
(function () {
  "use strict";

  function mark(name) { if (window.performance && performance.mark) { performance.mark(name); } }
  mark("kg-start");
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  mark("kg-data-parsed");
  var container = document.getElementById("kg-network");
  var tooltip = document.getElementById("kg-tooltip");
  var info = document.getElementById("kg-info");
  var SVG_NS = "http:" + "//www.w3.org/2000/svg"; /* a namespace name, not a resource */

  var styles = {};
  data.categories.forEach(function (c) { styles[c.key] = c; });

  var records = new Map();
  data.nodes.forEach(function (n) { records.set(n.id, n); });
  var edgeRecords = new Map();
  data.edges.forEach(function (e) { edgeRecords.set(e.id, e); });

  /* ---------- DOM helpers (text only) ---------- */
  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }

  function safeHref(url) {
    if (typeof url !== "string" || url === "") { return null; }
    if (/[\s\u0000-\u001f\u007f-\u009f\\]/.test(url) || url.indexOf("//") === 0) { return null; }
    var head = url.split(/[\/?#]/, 1)[0];
    if (head.indexOf(":") !== -1) { return null; }
    return url;
  }

  function categoryText(r) {
    var s = styles[r.group];
    var known = s && r.group !== "Other" && r.category === r.group;
    var t = known ? s.zh + " · " + s.en : (r.category || (s ? s.zh + " · " + s.en : ""));
    if (r.kind) { t += " · " + r.kind; }
    return t;
  }

  function evidenceList(items, total) {
    var ul = el("ul", "kg-evidence");
    items.forEach(function (ev) {
      var li = el("li");
      li.appendChild(el("q", "kg-ev-text", ev.text));
      if (ev.article) {
        var cite = el("cite", "kg-ev-article"), href = safeHref(ev.url);
        var title = el(href ? "a" : "span", null, ev.article);
        if (href) { title.href = href; }  // the sentence, highlighted in its article's page
        cite.appendChild(title);
        li.appendChild(cite);
      }
      ul.appendChild(li);
    });
    if (total > items.length) {
      ul.appendChild(el("li", "kg-more", "另有 " + (total - items.length) + " 条证据"));
    }
    return ul;
  }

  function aliasesBlock(r, cls) {
    var d = el("div", cls);
    d.appendChild(el("span", "kg-tip-meta", "别名："));
    r.aliases.forEach(function (a) { d.appendChild(el("span", "kg-alias", a)); });
    return d;
  }

  function nodeTooltip(r) {
    var box = el("div", "kg-tip");
    box.appendChild(el("div", "kg-tip-name", r.label));
    box.appendChild(el("div", "kg-tip-meta kg-tip-category", categoryText(r)));
    if (r.aliases.length) { box.appendChild(aliasesBlock(r, "kg-tip-aliases")); }
    box.appendChild(el("div", "kg-tip-meta kg-tip-articles", "相关报道 " + r.articles + " 篇"));
    if (r.evidence.length) { box.appendChild(evidenceList(r.evidence.slice(0, 3), r.evidenceCount)); }
    return box;
  }

  function edgeTooltip(e) {
    var box = el("div", "kg-tip");
    var from = records.get(e.from), to = records.get(e.to);
    box.appendChild(el("div", "kg-tip-name kg-tip-edge", e.label));
    box.appendChild(el("div", "kg-tip-meta kg-tip-en", e.labelEn));
    box.appendChild(el("div", "kg-tip-meta kg-tip-ends",
      (from ? from.label : e.from) + " → " + (to ? to.label : e.to)));
    if (e.evidence.length) { box.appendChild(evidenceList(e.evidence.slice(0, 3), e.evidenceCount)); }
    return box;
  }

  /* ---------- filters: categories, isolated nodes, dates ---------- */
  /* Dates are ISO days or "first/last" intervals (a fact's period); ISO strings compare as dates. */
  function spans(dates) {
    return (dates || []).map(function (d) { var p = d.split("/"); return [p[0], p[1] || p[0]]; });
  }
  records.forEach(function (r) { r.spans = spans(r.dates); });
  edgeRecords.forEach(function (e) { e.spans = spans(e.dates); });

  var hiddenCategories = new Set();
  var filter = { hideIsolates: !!data.hideIsolates, from: "", to: "", undated: false };
  function datesActive() { return !!(filter.from || filter.to); }
  /* Shown when one of its dates overlaps the range; undated items only when asked for. */
  function inDates(item) {
    if (!datesActive()) { return true; }
    if (!item.spans.length) { return filter.undated; }
    var lo = filter.from || "0000-01-01", hi = filter.to || "9999-12-31";
    return item.spans.some(function (s) { return s[0] <= hi && s[1] >= lo; });
  }
  function nodeShown(r) {
    return !hiddenCategories.has(r.group) && !(filter.hideIsolates && r.isolated) && inDates(r);
  }
  var nodeHidden = new Map();  /* id -> hidden, as last given to vis-network */
  var edgeHidden = new Map();
  records.forEach(function (r, id) { nodeHidden.set(id, !nodeShown(r)); });
  function edgeShown(e) {
    return inDates(e) && !nodeHidden.get(e.from) && !nodeHidden.get(e.to);
  }

  /* ---------- vis data ---------- */
  var edgeDefaults = data.options.edges || {};
  var edgeColour = edgeDefaults.color || {};
  var edgeFont = edgeDefaults.font || {};
  var DIM_FONT = { color: "rgba(60,70,80,0.25)", strokeColor: "rgba(255,255,255,0)" };
  var NODE_FONT = { color: (data.options.nodes && data.options.nodes.font && data.options.nodes.font.color) || "#1f2933",
                    strokeColor: "#ffffff" };

  var visNodes = data.nodes.map(function (r) {
    /* Large graphs: labels are set by placeLabels() where they fit. */
    var n = { id: r.id, label: data.large ? "" : r.label, group: r.group, size: r.size };
    if (nodeHidden.get(r.id)) { n.hidden = true; }
    if (typeof r.x === "number") { n.x = r.x; n.y = r.y; }
    if (r.borderWidth) { n.borderWidth = r.borderWidth; }
    if (r.shadow) { n.shadow = r.shadow; }
    return n;
  });
  /* Above max_physics_nodes the zh edge labels are drawn only for the selected node's
     edges (and are always in tooltips/info): 20,000 canvas labels cost seconds per draw. */
  var lazyEdgeLabels = !!data.large;
  var labelledEdges = new Set();
  var visEdges = data.edges.map(function (e) {
    var v = { id: e.id, from: e.from, to: e.to };  /* arrows come from options.edges */
    if (!lazyEdgeLabels) { v.label = e.label; }
    if (e.smooth) { v.smooth = e.smooth; }
    return v;
  });
  var nodes = new vis.DataSet(visNodes);
  var edges = new vis.DataSet(visEdges);

  var physicsOn = !!(data.options.physics && data.options.physics.enabled);
  var stabilizing = physicsOn && !!(data.options.physics.stabilization &&
                                    data.options.physics.stabilization.enabled);
  mark("kg-datasets");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  mark("kg-network-created");

  var readyResolve;
  var readyDone = false;
  var ready = new Promise(function (resolve) { readyResolve = resolve; });
  network.once("stabilizationIterationsDone", function () { stabilizing = false; });
  network.on("afterDrawing", function () {
    if (readyDone || stabilizing) { return; }
    readyDone = true;
    mark("kg-ready");
    var t = performance.now();
    document.body.setAttribute("data-kg-ready", "1");
    if (window.kgNetwork) { window.kgNetwork.readyAt = t; }
    readyResolve(t);
  });

  /* ---------- tooltip ---------- */
  var lastPointer = { x: 0, y: 0 };
  function showTooltip(content, pointer) {
    clear(tooltip);
    tooltip.appendChild(content);
    tooltip.hidden = false;
    var p = pointer || lastPointer;
    var w = container.clientWidth, h = container.clientHeight;
    var tw = tooltip.offsetWidth, th = tooltip.offsetHeight;
    var x = p.x + 14, y = p.y + 14;
    if (x + tw > w - 4) { x = Math.max(4, p.x - tw - 14); }
    if (y + th > h - 4) { y = Math.max(4, p.y - th - 14); }
    tooltip.style.left = x + "px";
    tooltip.style.top = y + "px";
  }
  function hideTooltip() { tooltip.hidden = true; clear(tooltip); }
  network.on("hoverNode", function (p) {
    var r = records.get(p.node);
    if (r) { showTooltip(nodeTooltip(r), p.pointer && p.pointer.DOM); }
  });
  network.on("hoverEdge", function (p) {
    var e = edgeRecords.get(p.edge);
    if (e) { showTooltip(edgeTooltip(e), p.pointer && p.pointer.DOM); }
  });
  network.on("blurNode", hideTooltip);
  network.on("blurEdge", hideTooltip);
  network.on("dragStart", hideTooltip);
  network.on("zoom", hideTooltip);

  /* ---------- batching + zoom-dependent arrows ---------- */
  /* Every DataSet update makes vis-network redraw synchronously; with 20,000 edges a
     redraw costs ~0.3 s, so changes are made with redraws blocked and drawn once. */
  function batch(fn) {
    var emitter = network.body && network.body.emitter;
    if (!emitter) { fn(); return; }
    emitter.emit("_blockRedraw");
    try { fn(); } finally { emitter.emit("_allowRedraw"); network.redraw(); }
  }

  /* Arrow heads dominate drawing time of large graphs and are sub-pixel when zoomed out:
     above max_physics_nodes they are drawn only from ARROW_SCALE zoom on. */
  var ARROW_SCALE = 0.45;
  var arrowsShown = true;
  function updateArrows() {
    if (!data.large) { return; }
    var want = network.getScale() >= ARROW_SCALE;
    if (want !== arrowsShown) {
      arrowsShown = want;
      network.setOptions({ edges: { arrows: { to: { enabled: want } } } });
    }
  }
  if (data.large) {
    arrowsShown = false;  /* the page is written with arrows off for large graphs */
    network.on("zoom", updateArrows);
    network.on("animationFinished", updateArrows);
  }

  /* ---------- labels where they fit (large graphs) ---------- */
  /* Thousands of labels drawn at once overlap into a grey mass. Above max_physics_nodes a
     label is drawn at a constant screen size only where it does not overlap a label already
     placed: the selected node and its neighbours first, then by PageRank (labelRank, computed
     in Python). Zooming in spreads the nodes apart, so more labels fit. */
  var LABEL_PX = (data.options.nodes && data.options.nodes.font && data.options.nodes.font.size) || 14;
  var LABEL_MAX_PX = 30;  /* vis-network's scaling.label.maxVisible: never drawn larger */
  var MAX_LABELS = 300;   /* bounds drawing time whatever the zoom */
  var labelSize = new Map();  /* id -> canvas font size of a drawn label */
  var focusIds = [];
  var labelOrder = data.nodes.slice().sort(function (a, b) { return a.labelRank - b.labelRank; })
    .map(function (r) { return r.id; });
  var measure = document.createElement("canvas").getContext("2d");
  var textWidths = new Map();
  function textWidth(text) {
    var w = textWidths.get(text);
    if (w === undefined) {
      measure.font = LABEL_PX + "px " + ((data.options.nodes.font && data.options.nodes.font.face) || "sans-serif");
      w = measure.measureText(text).width;
      textWidths.set(text, w);
    }
    return w;
  }

  /* Screen boxes of placed labels, bucketed on a grid so that each test is local. */
  function BoxGrid(cell) { this.cell = cell; this.cells = new Map(); }
  BoxGrid.prototype.keys = function (b, fn) {
    var c = this.cell;
    for (var gx = Math.floor(b[0] / c); gx <= Math.floor(b[2] / c); gx++) {
      for (var gy = Math.floor(b[1] / c); gy <= Math.floor(b[3] / c); gy++) {
        if (fn(gx + ":" + gy)) { return true; }
      }
    }
    return false;
  };
  BoxGrid.prototype.hits = function (b) {
    var cells = this.cells;
    return this.keys(b, function (k) {
      return (cells.get(k) || []).some(function (o) {
        return b[0] < o[2] && o[0] < b[2] && b[1] < o[3] && o[1] < b[3];
      });
    });
  };
  BoxGrid.prototype.add = function (b) {
    var cells = this.cells;
    this.keys(b, function (k) { if (!cells.has(k)) { cells.set(k, []); } cells.get(k).push(b); });
  };

  /* The screen box a node's label takes: vis-network hangs it half a line and 4 units below
     the shape (its Label.calculateLabelSize with "hanging"); 3 px of room around it. */
  function labelBox(r, p, view) {
    var x = (p.x - view.x) * view.scale + view.width / 2;
    var y = (p.y - view.y) * view.scale + view.height / 2;
    var w = textWidth(r.label) * view.px / LABEL_PX;
    var top = y + (r.size + 4) * view.scale + view.px / 2;
    return [x - w / 2 - 3, top - 3, x + w / 2 + 3, top + view.px + 3];
  }

  function placeLabels() {
    if (!data.large) { return; }
    placedView = viewKey();
    var scale = network.getScale(), centre = network.getViewPosition();
    placedScale = scale;
    var view = { x: centre.x, y: centre.y, scale: scale, width: container.clientWidth,
                 height: container.clientHeight, px: Math.min(LABEL_MAX_PX, LABEL_PX * Math.max(1, scale)) };
    var size = view.px / scale;
    var grid = new BoxGrid(64);
    var want = new Map();
    var positions = network.getPositions();
    var ids = focusIds.concat(labelOrder);
    for (var i = 0; i < ids.length && want.size < MAX_LABELS; i++) {
      var id = ids[i], r = records.get(id), p = positions[id];
      if (!r || !p || want.has(id) || nodeHidden.get(id) || !r.label) { continue; }
      var box = labelBox(r, p, view);
      if (box[0] < 0 || box[2] > view.width || box[1] < 0 || box[3] > view.height) { continue; }  /* whole labels only */
      if (grid.hits(box)) { continue; }
      grid.add(box);
      want.set(id, size);
    }
    var updates = [];
    labelSize.forEach(function (old, id) {
      if (!want.has(id)) { labelSize.delete(id); updates.push({ id: id, label: "", font: fontFor(id) }); }
    });
    want.forEach(function (sz, id) {
      var old = labelSize.get(id);
      if (old === sz) { return; }
      labelSize.set(id, sz);
      var u = { id: id, font: fontFor(id) };
      if (old === undefined) { u.label = records.get(id).label; }
      updates.push(u);
    });
    if (updates.length) { batch(function () { restyle(updates, []); }); }
  }
  var labelTimer = null;
  function scheduleLabels(delay) {
    if (!data.large) { return; }
    if (labelTimer !== null) { clearTimeout(labelTimer); }
    labelTimer = setTimeout(function () { labelTimer = null; placeLabels(); }, delay);
  }
  /* Any change of view (zoom, pan, fit, focus, resize) shows in a redraw: labels are placed
     again once the view has been still for a moment. Their size is set for one zoom level, so
     while the zoom moves far from it they are taken away rather than drawn far too big or small. */
  var placedView = "", placedScale = 1, clearing = false;
  function viewKey() {
    var c = network.getViewPosition();
    return [network.getScale().toPrecision(6), c.x.toFixed(1), c.y.toFixed(1),
            container.clientWidth, container.clientHeight].join(" ");
  }
  function dropLabels() {
    clearing = false;
    if (!labelSize.size) { return; }
    var ids = Array.from(labelSize.keys());
    labelSize.clear();
    batch(function () { restyle(ids.map(function (id) { return { id: id, label: "", font: fontFor(id) }; }), []); });
  }
  if (data.large) {
    network.on("afterDrawing", function () {
      if (!readyDone || viewKey() === placedView) { return; }
      var ratio = network.getScale() / placedScale;
      if (labelSize.size && !clearing && (ratio > 1.25 || ratio < 0.8)) {
        clearing = true;
        setTimeout(dropLabels, 0);
      }
      scheduleLabels(120);
    });
  }

  /* ---------- neighbourhood highlight ---------- */
  var DIM_OPACITY = 0.18;
  var dimmedNodes = new Set();
  var dimmedEdges = new Set();
  var DIM_EDGE_COLOUR = { color: edgeColour.color, highlight: edgeColour.highlight,
                          hover: edgeColour.hover, opacity: 0.12 };
  var EDGE_COLOUR = { color: edgeColour.color, highlight: edgeColour.highlight,
                      hover: edgeColour.hover, opacity: 1 };
  var DIM_EDGE_FONT = { color: "rgba(0,0,0,0)", strokeColor: "rgba(0,0,0,0)" };
  var EDGE_FONT = { color: edgeFont.color, strokeColor: edgeFont.strokeColor || "#ffffff" };
  /* Large graphs hide the other edges instead of fading them: thousands of faint edges
     still add up to a dark mass, and hidden edges are not drawn at all (faster).
     An edge is hidden while the date filter leaves it out, whatever the highlight. */
  function edgeHiddenNow(eid) {
    return !inDates(edgeRecords.get(eid)) || (data.large && dimmedEdges.has(eid));
  }
  /* Records an edge's hidden state; true when it changed. */
  function edgeVisibility(eid) {
    var hide = edgeHiddenNow(eid);
    if (hide === (edgeHidden.get(eid) || false)) { return false; }
    edgeHidden.set(eid, hide);
    return true;
  }
  /* Large graphs: changes go to vis-network's node and edge objects (vendored 9.1.2), drawn
     once by batch(). Each DataSet update ends in vis-network's "_dataUpdated", which re-reads
     clusters and reconnects every edge: ~0.5 s with 20,000 edges, several times per click.
     Hidden states: set on the objects, then only the list of what is drawn is recomputed. */
  function restyle(nodeUpdates, edgeUpdates) {
    if (!data.large) {
      if (nodeUpdates.length) { nodes.update(nodeUpdates); }
      if (edgeUpdates.length) { edges.update(edgeUpdates); }
      return;
    }
    var body = network.body;
    nodeUpdates.forEach(function (u) { if (body.nodes[u.id]) { body.nodes[u.id].setOptions(u); } });
    edgeUpdates.forEach(function (u) { if (body.edges[u.id]) { body.edges[u.id].setOptions(u); } });
  }
  function showHide(nodeIds, edgeIds) {
    if (!nodeIds.length && !edgeIds.length) { return; }
    var body = network.body;
    nodeIds.forEach(function (id) { if (body.nodes[id]) { body.nodes[id].options.hidden = !!nodeHidden.get(id); } });
    edgeIds.forEach(function (id) { if (body.edges[id]) { body.edges[id].options.hidden = !!edgeHidden.get(id); } });
    if (data.large) { network._updateVisibleIndices(); } else { body.emitter.emit("_dataChanged"); }
  }
  /* A node's label font: faded when dimmed; in large graphs sized by placeLabels(). */
  function fontFor(id) {
    var f = dimmedNodes.has(id) ? { color: DIM_FONT.color, strokeColor: DIM_FONT.strokeColor }
                                : { color: NODE_FONT.color, strokeColor: NODE_FONT.strokeColor };
    if (data.large) { f.size = labelSize.get(id) || LABEL_PX; }
    return f;
  }
  /* The DataSet update an edge needs when it is dimmed or undimmed, and its (lazy) label. */
  function edgeStyle(eid, dim, label) {
    var u = { id: eid };
    if (!data.large) {
      u.color = dim ? DIM_EDGE_COLOUR : EDGE_COLOUR;
      u.font = dim ? DIM_EDGE_FONT : EDGE_FONT;
    }
    if (label !== undefined) { u.label = label; }
    return (u.color || u.label !== undefined) ? u : null;
  }

  function highlightNeighbourhood(id) {
    if (!records.has(id)) { return; }
    var keepNodes = new Set([id]);
    network.getConnectedNodes(id).forEach(function (n) { keepNodes.add(n); });
    var keepEdges = new Set(network.getConnectedEdges(id));
    focusIds = [id].concat(network.getConnectedNodes(id));
    var faded = [], edgeUpdates = [], shown = [];
    records.forEach(function (r, nid) {
      var dim = !keepNodes.has(nid);
      if (dim === dimmedNodes.has(nid)) { return; }
      if (dim) { dimmedNodes.add(nid); } else { dimmedNodes.delete(nid); }
      faded.push(nid);
    });
    edgeRecords.forEach(function (e, eid) {
      var keep = keepEdges.has(eid);
      var changed = keep ? dimmedEdges.delete(eid) : !dimmedEdges.has(eid);
      if (changed && !keep) { dimmedEdges.add(eid); }
      var label;  /* large graphs: zh labels only on the selected node's edges */
      if (lazyEdgeLabels && keep !== labelledEdges.has(eid)) {
        label = keep ? e.label : "";
        if (keep) { labelledEdges.add(eid); } else { labelledEdges.delete(eid); }
      }
      var update = (changed || label !== undefined) ? edgeStyle(eid, !keep, label) : null;
      if (update) { edgeUpdates.push(update); }
      if (changed && edgeVisibility(eid)) { shown.push(eid); }
    });
    batch(function () {
      fade(faded);
      restyle([], edgeUpdates);
      showHide([], shown);
    });
    placeLabels();
  }

  /* Dimmed or not, as dimmedNodes says. Large graphs: the opacity goes straight to the node
     objects (a DataSet update of 5,000 nodes costs most of a second) and only labelled nodes
     need a new font; small graphs: through the DataSet. */
  function fade(ids) {
    if (!ids.length) { return; }
    var updates = [];
    ids.forEach(function (id) {
      var opacity = dimmedNodes.has(id) ? DIM_OPACITY : 1;
      if (!data.large) {
        updates.push({ id: id, opacity: opacity, font: fontFor(id) });
        return;
      }
      var node = network.body.nodes[id];
      if (node) { node.options.opacity = opacity; }
      if (labelSize.has(id)) { updates.push({ id: id, font: fontFor(id) }); }
    });
    restyle(updates, []);
  }

  function clearHighlight() {
    focusIds = [];
    batch(function () {
      var undim = Array.from(dimmedNodes);
      dimmedNodes.clear();
      fade(undim);
      var updates = new Map(), changed = [];
      var undimEdges = Array.from(dimmedEdges);
      dimmedEdges.clear();
      undimEdges.forEach(function (eid) {
        var u = edgeStyle(eid, false);
        if (u) { updates.set(eid, u); }
        if (edgeVisibility(eid)) { changed.push(eid); }
      });
      labelledEdges.forEach(function (eid) {
        var u = updates.get(eid) || { id: eid };
        u.label = "";
        updates.set(eid, u);
      });
      labelledEdges.clear();
      restyle([], Array.from(updates.values()));
      showHide([], changed);
    });
    placeLabels();
  }

  /* ---------- info panel ---------- */
  function dlRow(dl, key, valueNode) {
    dl.appendChild(el("dt", null, key));
    var dd = el("dd");
    if (typeof valueNode === "string") { dd.textContent = valueNode; } else { dd.appendChild(valueNode); }
    dl.appendChild(dd);
  }

  var hint = info.firstElementChild ? info.firstElementChild.cloneNode(true) : null;
  function clearSelection() {
    network.unselectAll();
    clearHighlight();
    clear(info);
    if (hint) { info.appendChild(hint.cloneNode(true)); }
  }

  function datesText(item) {
    if (!item.spans.length) { return ""; }
    var first = item.spans[0][0], last = item.spans[0][1];
    item.spans.forEach(function (s) { if (s[1] > last) { last = s[1]; } });
    return first === last ? first : first + " 至 " + last;
  }

  function showNodeInfo(id) {
    var r = records.get(id);
    if (!r) { return; }
    clear(info);
    info.appendChild(el("h2", "kg-info-name", r.label));
    var dl = el("dl");
    dlRow(dl, "类别", categoryText(r));
    if (r.aliases.length) { dlRow(dl, "别名", r.aliases.join("、")); }
    dlRow(dl, "报道", r.articles + " 篇");
    if (r.spans.length) { dlRow(dl, "日期", datesText(r)); }
    dlRow(dl, "标识", r.id);
    info.appendChild(dl);
    var href = safeHref(r.url);
    if (href) {
      var a = el("a", "kg-entity-link", "打开实体页 →");
      a.setAttribute("href", href);
      info.appendChild(a);
    }
    if (r.evidence.length) {
      info.appendChild(el("h3", null, "证据"));
      info.appendChild(evidenceList(r.evidence, r.evidenceCount));
    }
    var neighbours = network.getConnectedNodes(id);
    if (neighbours.length) {
      info.appendChild(el("h3", null, "相邻实体 (" + neighbours.length + ")"));
      var ul = el("ul", "kg-neighbours");
      neighbours.slice(0, 50).forEach(function (nid) {
        var nr = records.get(nid);
        var li = el("li");
        var b = el("button", null, nr ? nr.label : nid);
        b.type = "button";
        b.addEventListener("click", function () { selectNode(nid); });
        li.appendChild(b);
        ul.appendChild(li);
      });
      info.appendChild(ul);
    }
  }

  function showEdgeInfo(eid) {
    var e = edgeRecords.get(eid);
    if (!e) { return; }
    var from = records.get(e.from), to = records.get(e.to);
    clear(info);
    info.appendChild(el("h2", "kg-info-name", e.label));
    var dl = el("dl");
    dlRow(dl, "英文", e.labelEn);
    dlRow(dl, "谓词", e.predicate);
    dlRow(dl, "主体", from ? from.label : e.from);
    dlRow(dl, "客体", to ? to.label : e.to);
    if (e.spans.length) { dlRow(dl, "日期", datesText(e)); }
    info.appendChild(dl);
    if (e.evidence.length) {
      info.appendChild(el("h3", null, "证据"));
      info.appendChild(evidenceList(e.evidence, e.evidenceCount));
    }
  }

  network.on("click", function (p) {
    hideTooltip();
    if (p.nodes && p.nodes.length) {
      highlightNeighbourhood(p.nodes[0]);
      showNodeInfo(p.nodes[0]);
    } else if (p.edges && p.edges.length) {
      clearHighlight();
      showEdgeInfo(p.edges[0]);
    } else {
      clearHighlight();
    }
  });

  /* ---------- category filter + legend ---------- */

  function shapeSvg(shape, fill, stroke) {
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("width", "16");
    svg.setAttribute("height", "16");
    svg.setAttribute("viewBox", "0 0 16 16");
    svg.setAttribute("aria-hidden", "true");
    var s;
    var pts = {
      diamond: "8,1 15,8 8,15 1,8",
      triangle: "8,1.5 15,14.5 1,14.5",
      triangleDown: "1,1.5 15,1.5 8,14.5",
      hexagon: "4.5,1.9 11.5,1.9 15,8 11.5,14.1 4.5,14.1 1,8",
      star: "8,1 9.8,5.8 15,6 10.9,9.2 12.3,14.5 8,11.5 3.7,14.5 5.1,9.2 1,6 6.2,5.8"
    };
    if (shape === "square") {
      s = document.createElementNS(SVG_NS, "rect");
      s.setAttribute("x", "2"); s.setAttribute("y", "2");
      s.setAttribute("width", "12"); s.setAttribute("height", "12");
    } else if (pts[shape]) {
      s = document.createElementNS(SVG_NS, "polygon");
      s.setAttribute("points", pts[shape]);
    } else {
      s = document.createElementNS(SVG_NS, "circle");
      s.setAttribute("cx", "8"); s.setAttribute("cy", "8"); s.setAttribute("r", "6.5");
    }
    s.setAttribute("fill", fill);
    s.setAttribute("stroke", stroke);
    s.setAttribute("stroke-width", "1.2");
    svg.appendChild(s);
    return svg;
  }

  /* Every filter ends here: only what changed is given to vis-network (edges of hidden
     nodes it hides itself), then the counts line and the labels follow. */
  function applyFilters() {
    var nodeUpdates = [], edgeUpdates = [];
    records.forEach(function (r, id) {
      var hide = !nodeShown(r);
      if (hide !== nodeHidden.get(id)) { nodeHidden.set(id, hide); nodeUpdates.push(id); }
    });
    edgeRecords.forEach(function (e, eid) { if (edgeVisibility(eid)) { edgeUpdates.push(eid); } });
    batch(function () { showHide(nodeUpdates, edgeUpdates); });
    updateStats();
    placeLabels();
  }

  /* "N 个节点 · M 条关系": what the filters leave drawn (the same words as the Python side). */
  var statsLine = document.getElementById("kg-stats");
  function shownCounts() {
    var n = 0, m = 0;
    nodeHidden.forEach(function (hide) { if (!hide) { n++; } });
    edgeRecords.forEach(function (e) { if (edgeShown(e)) { m++; } });
    return [n, m];
  }
  function updateStats() {
    var c = shownCounts();
    var text = c[0] + " 个节点 · " + c[1] + " 条关系";
    if (c[0] !== records.size || c[1] !== edgeRecords.size) {
      text += "（共 " + records.size + " 个节点 · " + edgeRecords.size + " 条关系）";
    }
    statsLine.textContent = text;
  }

  function setCategoryVisible(key, visible) {
    if (visible) { hiddenCategories.delete(key); } else { hiddenCategories.add(key); }
    var box = legendInputs.get(key);
    if (box) { box.checked = !!visible; }
    applyFilters();
  }

  var isolatesBox = document.getElementById("kg-isolates");
  function setIsolatesHidden(hide) {
    filter.hideIsolates = !!hide;
    if (isolatesBox) { isolatesBox.checked = filter.hideIsolates; }
    applyFilters();
  }
  if (isolatesBox) {
    isolatesBox.addEventListener("change", function () { setIsolatesHidden(isolatesBox.checked); });
  }

  var dateFrom = document.getElementById("kg-date-from");
  var dateTo = document.getElementById("kg-date-to");
  var dateUndated = document.getElementById("kg-date-undated");
  /* from/to: "YYYY-MM-DD" or "" for an open end. */
  function setDateRange(from, to, undated) {
    filter.from = from || "";
    filter.to = to || "";
    if (undated !== undefined) { filter.undated = !!undated; }
    if (dateFrom) { dateFrom.value = filter.from; dateTo.value = filter.to; dateUndated.checked = filter.undated; }
    applyFilters();
  }
  if (dateFrom) {
    var onDates = function () { setDateRange(dateFrom.value, dateTo.value, dateUndated.checked); };
    [dateFrom, dateTo, dateUndated].forEach(function (input) { input.addEventListener("change", onDates); });
    document.getElementById("kg-date-clear").addEventListener("click", function () { setDateRange("", ""); });
  }

  var legend = document.getElementById("kg-legend");
  var legendInputs = new Map();
  data.categories.forEach(function (c) {
    if (!c.count) { return; }
    var row = el("label", "kg-legend-row");
    row.setAttribute("data-category", c.key);
    var box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.value = c.key;
    box.addEventListener("change", function () { setCategoryVisible(c.key, box.checked); });
    legendInputs.set(c.key, box);
    row.appendChild(box);
    row.appendChild(shapeSvg(c.shape, c.color, c.border));
    row.appendChild(el("span", "kg-legend-name", c.zh + " " + c.en));
    row.appendChild(el("span", "kg-legend-count", c.count));
    legend.appendChild(row);
  });

  /* ---------- search ---------- */
  var searchIndex = [];
  records.forEach(function (r) {
    [r.label].concat(r.aliases).forEach(function (name, i) {
      searchIndex.push({ id: r.id, name: name.toLocaleLowerCase(), alias: i > 0, score: r.size });
    });
  });
  var datalistFilled = false;
  function fillDatalist() {  /* on first use: thousands of <option>s slow the first draw */
    if (datalistFilled) { return; }
    datalistFilled = true;
    var datalist = document.getElementById("kg-search-list");
    var seen = new Set();
    var frag = document.createDocumentFragment();
    records.forEach(function (r) {
      [r.label].concat(r.aliases).forEach(function (name) {
        if (!seen.has(name) && seen.size < 20000) {
          seen.add(name);
          var o = el("option");
          o.value = name;
          frag.appendChild(o);
        }
      });
    });
    datalist.appendChild(frag);
  }

  function findNode(query) {
    var q = String(query || "").trim().toLocaleLowerCase();
    if (!q) { return null; }
    var best = null, bestRank = -1;
    for (var i = 0; i < searchIndex.length; i++) {
      var s = searchIndex[i];
      var rank = -1;
      if (s.name === q) { rank = s.alias ? 5 : 6; }
      else if (s.name.indexOf(q) === 0) { rank = s.alias ? 3 : 4; }
      else if (s.name.indexOf(q) > 0) { rank = s.alias ? 1 : 2; }
      if (rank > bestRank || (rank === bestRank && rank >= 0 && s.score > best.score)) {
        if (rank >= 0) { best = s; bestRank = rank; }
      }
    }
    return best ? best.id : null;
  }

  /* A node asked for by name is drawn: the filters hiding it are relaxed (its category shown,
     isolated nodes shown, the date range cleared), as the checkboxes then say. */
  function revealNode(r) {
    if (nodeShown(r)) { return; }
    hiddenCategories.delete(r.group);
    var box = legendInputs.get(r.group);
    if (box) { box.checked = true; }
    if (filter.hideIsolates && r.isolated) {
      filter.hideIsolates = false;
      if (isolatesBox) { isolatesBox.checked = false; }
    }
    if (!inDates(r)) {
      filter.from = filter.to = "";
      if (dateFrom) { dateFrom.value = dateTo.value = ""; }
    }
    applyFilters();
  }

  function selectNode(id, options) {
    var r = records.get(id);
    if (!r) { return false; }
    revealNode(r);
    network.selectNodes([id]);
    var animate = !(options && options.animate === false);
    network.focus(id, { scale: Math.max(network.getScale(), 1.1),
                        animation: animate ? { duration: 450, easingFunction: "easeInOutQuad" } : false });
    if (!animate) { updateArrows(); }  /* else on "animationFinished" */
    highlightNeighbourhood(id);
    showNodeInfo(id);
    return true;
  }

  var searchInput = document.getElementById("kg-search-input");
  var searchStatus = document.getElementById("kg-search-status");
  searchInput.addEventListener("focus", fillDatalist);
  function search(query) {
    var id = findNode(query);
    if (id === null) {
      searchStatus.textContent = "未找到：" + String(query || "");
      clearSelection();  /* the panel must not go on showing the previous entity */
      return null;
    }
    selectNode(id);
    searchStatus.textContent = "已定位：" + records.get(id).label;
    return id;
  }
  document.getElementById("kg-search-go").addEventListener("click", function () { search(searchInput.value); });
  searchInput.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") { ev.preventDefault(); search(searchInput.value); }
  });

  /* ---------- buttons ---------- */
  var physicsButton = document.getElementById("kg-physics");
  function setPhysics(on) {
    physicsOn = !!on;
    network.setOptions({ physics: { enabled: physicsOn } });
    physicsButton.setAttribute("data-state", physicsOn ? "on" : "off");
    physicsButton.textContent = physicsOn ? "暂停物理布局" : "开启物理布局";
  }
  physicsButton.addEventListener("click", function () { setPhysics(!physicsOn); });
  document.getElementById("kg-fit").addEventListener("click", function () {
    network.fit();
    updateArrows();
  });
  document.getElementById("kg-clear").addEventListener("click", clearSelection);

  /* ---------- initial selection ---------- */
  function focusFromHash() {
    var m = /^#node=(.+)$/.exec(window.location.hash);
    if (!m) { return; }
    var id;
    try { id = decodeURIComponent(m[1]); } catch (err) { return; }
    if (records.has(id)) { selectNode(id, { animate: false }); }
  }
  ready.then(function () {
    placeLabels();
    if (data.highlight.length) { network.selectNodes(data.highlight.filter(function (id) { return records.has(id); })); }
    focusFromHash();
  });
  window.addEventListener("hashchange", focusFromHash);

  window.kgNetwork = {
    network: network,
    nodes: nodes,
    edges: edges,
    records: records,
    edgeRecords: edgeRecords,
    ready: ready,
    readyAt: null,  /* performance.now() of the first complete draw */
    search: search,
    findNode: findNode,
    selectNode: selectNode,
    setCategoryVisible: setCategoryVisible,
    setIsolatesHidden: setIsolatesHidden,
    setDateRange: setDateRange,
    shownCounts: shownCounts,
    placeLabels: placeLabels,
    labelledNodeIds: function () { return Array.from(labelSize.keys()); },
    /* edges whose label vis-network draws */
    labelledEdgeIds: function () {
      var all = network.body.edges;
      return Object.keys(all).filter(function (id) { return !!all[id].options.label; });
    },
    highlightNeighbourhood: highlightNeighbourhood,
    clearHighlight: clearHighlight,
    setPhysics: setPhysics,
    physicsEnabled: function () { return physicsOn; },
    /* what vis-network draws */
    visibleNodeIds: function () { return network.body.nodeIndices.slice(); },
    visibleEdgeIds: function () { return network.body.edgeIndices.slice(); },
    dimmedNodeIds: function () { return Array.from(dimmedNodes); },
    arrowsShown: function () { return arrowsShown; },
    nodeTooltip: function (id) { var r = records.get(id); return r ? nodeTooltip(r) : null; },
    edgeTooltip: function (id) { var e = edgeRecords.get(id); return e ? edgeTooltip(e) : null; }
  };
})();
