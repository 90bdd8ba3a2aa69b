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

  /* ---------- vis data ---------- */
  var edgeDefaults = data.options.edges || {};
  var edgeColour = edgeDefaults.color || {};
  var edgeFont = edgeDefaults.font || {};
  var DIM_FONT = { color: "rgba(60,70,80,0.25)", strokeColor: "rgba(255,255,255,0)" };
  var NODE_FONT = { color: (data.options.nodes && data.options.nodes.font && data.options.nodes.font.color) || "#1f2933",
                    strokeColor: "#ffffff" };

  var visNodes = data.nodes.map(function (r) {
    var n = { id: r.id, label: r.label, group: r.group, size: r.size };
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
     still add up to a dark mass, and hidden edges are not drawn at all (faster). */
  function dimEdge(eid) {
    return data.large ? { id: eid, hidden: true }
                      : { id: eid, color: DIM_EDGE_COLOUR, font: DIM_EDGE_FONT };
  }
  function undimEdge(eid) {
    return data.large ? { id: eid, hidden: false }
                      : { id: eid, color: EDGE_COLOUR, font: EDGE_FONT };
  }

  function highlightNeighbourhood(id) {
    if (!records.has(id)) { return; }
    var keepNodes = new Set([id]);
    network.getConnectedNodes(id).forEach(function (n) { keepNodes.add(n); });
    var keepEdges = new Set(network.getConnectedEdges(id));
    var nodeUpdates = [], edgeUpdates = [];
    records.forEach(function (r, nid) {
      if (keepNodes.has(nid)) {
        if (dimmedNodes.has(nid)) {
          dimmedNodes.delete(nid);
          nodeUpdates.push({ id: nid, opacity: 1, font: NODE_FONT });
        }
      } else if (!dimmedNodes.has(nid)) {
        dimmedNodes.add(nid);
        nodeUpdates.push({ id: nid, opacity: DIM_OPACITY, font: DIM_FONT });
      }
    });
    edgeRecords.forEach(function (e, eid) {
      var update = null;
      if (keepEdges.has(eid)) {
        if (dimmedEdges.has(eid)) {
          dimmedEdges.delete(eid);
          update = undimEdge(eid);
        }
        if (lazyEdgeLabels && !labelledEdges.has(eid)) {
          labelledEdges.add(eid);
          update = update || { id: eid };
          update.label = e.label;
        }
      } else {
        if (!dimmedEdges.has(eid)) {
          dimmedEdges.add(eid);
          update = dimEdge(eid);
        }
        if (labelledEdges.has(eid)) {
          labelledEdges.delete(eid);
          update = update || { id: eid };
          update.label = "";
        }
      }
      if (update) { edgeUpdates.push(update); }
    });
    batch(function () {
      if (nodeUpdates.length) { nodes.update(nodeUpdates); }
      if (edgeUpdates.length) { edges.update(edgeUpdates); }
    });
  }

  function clearHighlight() {
    batch(function () {
      if (dimmedNodes.size) {
        nodes.update(Array.from(dimmedNodes, function (nid) {
          return { id: nid, opacity: 1, font: NODE_FONT };
        }));
        dimmedNodes.clear();
      }
      var edgeUpdates = new Map();
      dimmedEdges.forEach(function (eid) {
        edgeUpdates.set(eid, undimEdge(eid));
      });
      dimmedEdges.clear();
      labelledEdges.forEach(function (eid) {
        var u = edgeUpdates.get(eid) || { id: eid };
        u.label = "";
        edgeUpdates.set(eid, u);
      });
      labelledEdges.clear();
      if (edgeUpdates.size) { edges.update(Array.from(edgeUpdates.values())); }
    });
  }

  /* ---------- info panel ---------- */
  function dlRow(dl, key, valueNode) {
    dl.appendChild(el("dt", null, key));
    var dd = el("dd");
    if (typeof valueNode === "string") { dd.textContent = valueNode; } else { dd.appendChild(valueNode); }
    dl.appendChild(dd);
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
  var hiddenCategories = new Set();

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

  /* Edges of hidden nodes are hidden by vis-network itself. */
  function applyVisibility(key) {
    var updates = [];
    records.forEach(function (r, id) {
      if (key === undefined || r.group === key) {
        updates.push({ id: id, hidden: hiddenCategories.has(r.group) });
      }
    });
    batch(function () { if (updates.length) { nodes.update(updates); } });
  }

  function setCategoryVisible(key, visible) {
    if (visible) { hiddenCategories.delete(key); } else { hiddenCategories.add(key); }
    var box = legendInputs.get(key);
    if (box) { box.checked = !!visible; }
    applyVisibility(key);
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

  function selectNode(id, options) {
    var r = records.get(id);
    if (!r) { return false; }
    if (hiddenCategories.has(r.group)) { setCategoryVisible(r.group, true); }
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
  document.getElementById("kg-clear").addEventListener("click", function () {
    network.unselectAll();
    clearHighlight();
  });

  /* ---------- initial selection ---------- */
  function focusFromHash() {
    var m = /^#node=(.+)$/.exec(window.location.hash);
    if (!m) { return; }
    var id;
    try { id = decodeURIComponent(m[1]); } catch (err) { return; }
    if (records.has(id)) { selectNode(id, { animate: false }); }
  }
  ready.then(function () {
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
    highlightNeighbourhood: highlightNeighbourhood,
    clearHighlight: clearHighlight,
    setPhysics: setPhysics,
    physicsEnabled: function () { return physicsOn; },
    visibleNodeIds: function () {
      return nodes.get({ filter: function (n) { return !n.hidden; } }).map(function (n) { return n.id; });
    },
    visibleEdgeIds: function () {
      var shown = new Set(nodes.get({ filter: function (n) { return !n.hidden; } }).map(function (n) { return n.id; }));
      return edges.get({ filter: function (e) { return !e.hidden && shown.has(e.from) && shown.has(e.to); } })
        .map(function (e) { return e.id; });
    },
    dimmedNodeIds: function () { return Array.from(dimmedNodes); },
    arrowsShown: function () { return arrowsShown; },
    nodeTooltip: function (id) { var r = records.get(id); return r ? nodeTooltip(r) : null; },
    edgeTooltip: function (id) { var e = edgeRecords.get(id); return e ? edgeTooltip(e) : null; }
  };
})();
