
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("ecograph-data").textContent);
  var META = DATA.meta, UI = META.ui, LANG = META.lang, OTHER = LANG === "zh" ? "en" : "zh";
  var view = window.ecographView = {ready: false, readyAt: null, highlighted: null, neighbourhood: []};

  var COLON = LANG === "zh" ? "：" : ": ";
  function pick(labels) { return (labels && (labels[LANG] || labels[OTHER])) || ""; }
  function fill(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (m, k) { return k in values ? String(values[k]) : m; });
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function kindName(kind) { return pick(DATA.kindNames[kind]) || kind; }
  function nodeName(n) { return pick(n.labels) || n.id; }

  // ---------------------------------------------------------------- nodes and edges
  var KINDS = {}, NODE = {}, BY_KIND = {}, ADJ = {}, KIND_ON = {};
  DATA.kinds.forEach(function (k) { KINDS[k.kind] = k; BY_KIND[k.kind] = []; KIND_ON[k.kind] = true; });
  var FONT = {face: META.font, size: 14, color: "#1f2933", strokeWidth: 3, strokeColor: "#ffffff"};
  var DIM_FONT = {face: META.font, size: 14, color: "#c5cbd3", strokeWidth: 0, strokeColor: "#ffffff"};
  var EDGE_FONT = {face: META.font, size: 11, color: "#52606d", strokeWidth: 3, strokeColor: "#ffffff", align: "horizontal"};
  var DIM_EDGE_FONT = {face: META.font, size: 11, color: "rgba(0,0,0,0)", strokeWidth: 0, strokeColor: "#ffffff"};
  var DIM_NODE = {background: "#eceff3", border: "#d5dae1",
    highlight: {background: "#eceff3", border: "#9aa5b1"}, hover: {background: "#eceff3", border: "#9aa5b1"}};
  var STATUS = {
    done: {color: "#7b8794", dashes: false},
    ongoing: {color: "#2f80ed", dashes: [10, 6]},
    planned: {color: "#e8900c", dashes: [3, 5]}
  };
  var DIM_EDGE = {color: "#e4e7eb", highlight: "#e4e7eb", hover: "#e4e7eb", opacity: 1};

  // Colour by kind or by Louvain community (DATA.communities, computed in Python without the
  // areas and regions); areas and regions ("hubs") can be hidden, and are at first unless the
  // page says otherwise (META.hideHubs).
  var COMMUNITY = {};
  (DATA.communities || []).forEach(function (c) { COMMUNITY[c.number] = c; });
  var OTHER_COLOR = {color: "#d5dae1", border: "#aab2bd"};
  var state = {colourBy: "kind", hideHubs: !!META.hideHubs, showIsolated: true};
  function paint(fillColor, border) {
    return {background: fillColor, border: border,
      highlight: {background: fillColor, border: "#111111"}, hover: {background: fillColor, border: "#111111"}};
  }
  function nodeColor(id) {
    var n = NODE[id], k = KINDS[n.kind];
    if (state.colourBy !== "community") return paint(k.color, k.border);
    var c = COMMUNITY[n.community] || OTHER_COLOR;
    return paint(c.color, c.border);
  }
  var nodeItems = DATA.nodes.map(function (n) {
    NODE[n.id] = n;
    ADJ[n.id] = [];
    BY_KIND[n.kind].push(n.id);
    var k = KINDS[n.kind];
    var item = {id: n.id, label: nodeName(n), shape: k.shape, size: n.size, color: nodeColor(n.id), font: FONT,
      borderWidth: 1.5, shapeProperties: {borderDashes: n.status ? [4, 3] : false}};
    if (n.x !== undefined) { item.x = n.x; item.y = n.y; }
    if (state.hideHubs && n.hub) { item.hidden = true; item.physics = false; }
    return item;
  });
  var pairs = {};
  var edgeItems = DATA.edges.map(function (e, i) {
    var st = STATUS[e.status] || STATUS.done;
    var key = e.from < e.to ? e.from + "\u0000" + e.to : e.to + "\u0000" + e.from;
    var k = pairs[key] = (pairs[key] || 0) + 1;
    ADJ[e.from].push(i);
    if (e.to !== e.from) ADJ[e.to].push(i);
    var item = {id: i, from: e.from, to: e.to, label: pick(DATA.predicates[e.p]) || e.p,
      arrows: {to: {enabled: true, scaleFactor: 0.55}}, dashes: st.dashes, width: 1.2,
      color: {color: st.color, highlight: st.color, hover: st.color, opacity: 1}, font: EDGE_FONT};
    // communities hold together: shorter springs inside one, longer between
    var cf = NODE[e.from].community, ct = NODE[e.to].community;
    item.length = cf !== undefined && cf === ct ? 70 : 140;
    if (state.hideHubs && (NODE[e.from].hub || NODE[e.to].hub)) item.physics = false;
    if (k > 1) item.smooth = {enabled: true, type: k % 2 === 0 ? "curvedCW" : "curvedCCW", roundness: 0.22 * Math.ceil((k - 1) / 2)};
    return item;
  });
  var ORIGINAL_EDGE = {};
  edgeItems.forEach(function (e) { ORIGINAL_EDGE[e.id] = e.color; });
  // an entity whose only relations are to hidden hubs takes no part in the first layout; it
  // is placed with the other unlinked entities, in rows beside the picture
  function linkedTo(id, shown) {
    return ADJ[id].some(function (i) {
      var e = DATA.edges[i], other = e.from === id ? e.to : e.from;
      return other !== id && shown(other);
    });
  }
  nodeItems.forEach(function (item) {
    if (!item.hidden && !linkedTo(item.id, function (o) { return !(state.hideHubs && NODE[o].hub); })) item.physics = false;
  });

  var nodes = new vis.DataSet(nodeItems);
  var edges = new vis.DataSet(edgeItems);
  var big = !META.physics;
  var options = {
    autoResize: true,
    layout: {randomSeed: 7, improvedLayout: false},
    physics: big ? false : {
      enabled: true,
      solver: "forceAtlas2Based",
      forceAtlas2Based: {gravitationalConstant: -110, centralGravity: 0.03, springLength: 100, springConstant: 0.06, avoidOverlap: 0.7},
      stabilization: {enabled: true, iterations: META.iterations, updateInterval: 100, fit: true},
      minVelocity: 0.75
    },
    interaction: {hover: true, tooltipDelay: 100, hideEdgesOnDrag: big, hideEdgesOnZoom: big, multiselect: false, navigationButtons: false},
    nodes: {shape: "dot", font: FONT, widthConstraint: {maximum: 170}, scaling: {label: {drawThreshold: 6}}},
    // relation names are drawn once zoomed in far enough to read them (11 px at scale 0.8)
    edges: {smooth: big ? false : {enabled: true, type: "continuous", roundness: 0.3}, font: EDGE_FONT, selectionWidth: 1.5, hoverWidth: 1,
      scaling: {label: {drawThreshold: big ? 5 : 10}}}
  };
  var container = document.getElementById("ecograph-graph");
  var network = new vis.Network(container, {nodes: nodes, edges: edges}, options);
  view.nodes = nodes;
  view.edges = edges;
  view.network = network;

  // ---------------------------------------------------------------- cards (tooltip and details)
  function field(label, value) {
    var p = el("div", "field");
    p.appendChild(el("span", "name", label + COLON));
    p.appendChild(document.createTextNode(value));
    return p;
  }
  function citeItem(c) {
    var li = el("li");
    li.appendChild(el("span", "quote", c.row ? pick(c.row) : "“" + c.quote + "”"));
    var section = pick(c.section);
    if (section) li.appendChild(el("span", "section", " — " + section));
    return li;
  }
  function obsText(o) {
    var when = pick(o.period) || (o.year ? fill(UI.year, {year: o.year}) : "");
    return (when ? when + " " : "") + pick(o.indicator) + COLON + pick(o.amount);
  }
  function sourceText(c) {
    var where = [pick((DATA.documents || {})[c.document]), pick(c.section)].filter(Boolean).join(" · ");
    return "“" + c.quote + "”" + (where ? " — " + where : "");
  }
  // ---------------------------------------------------------------- series charts
  // A small inline SVG per indicator with two or more dated points, drawn here (no library):
  // years along x, values up y from zero, one mark per value and year. Two sources that give
  // one year different values are two marks side by side, drawn as conflicts; every mark's
  // <title> (the browser's tooltip) gives the year, value, unit and each source. Text goes in
  // with textContent only.
  var SVG = "http://www.w3.org/2000/svg";
  function svgEl(tag, attrs, text) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, String(attrs[k])); });
    if (text !== undefined) e.textContent = String(text);
    return e;
  }
  function num(v) { return Number(String(v).replace(/,/g, "")); }
  function round(x) { return Math.round(x * 10) / 10; }
  function seriesChart(chart) {
    var W = 300, H = 132, L = 46, R = 30, T = 12, B = 26;
    var pts = chart.points.filter(function (p) { return isFinite(num(p.value)); });
    var years = [], byYear = {};
    pts.forEach(function (p) {
      var y = parseInt(p.year, 10);
      if (!(y in byYear)) { byYear[y] = []; years.push(y); }
      byYear[y].push(p);
    });
    years.sort(function (a, b) { return a - b; });
    var values = pts.map(function (p) { return num(p.value); });
    var top = Math.max.apply(null, values.concat([0])), low = Math.min.apply(null, values.concat([0]));
    if (top === low) top = low + 1;
    var y0 = years[0], y1 = years[years.length - 1];
    function x(year) { return y0 === y1 ? (L + W - R) / 2 : L + (year - y0) / (y1 - y0) * (W - L - R); }
    function y(v) { return T + (top - v) / (top - low) * (H - T - B); }
    var title = pick(chart.indicator) + (pick(chart.area) ? " · " + pick(chart.area) : "") +
      (pick(chart.unit) ? (LANG === "zh" ? "（" + pick(chart.unit) + "）" : " (" + pick(chart.unit) + ")") : "");
    var box = el("figure", "ecograph-chart");
    box.appendChild(el("figcaption", null, title));
    var svg = svgEl("svg", {viewBox: "0 0 " + W + " " + H, width: W, height: H, role: "img", "aria-label": title});
    svg.appendChild(svgEl("title", {}, title));
    svg.appendChild(svgEl("line", {x1: L, y1: round(y(low)), x2: W - R, y2: round(y(low)), "class": "axis"}));
    svg.appendChild(svgEl("line", {x1: L, y1: T, x2: L, y2: round(y(low)), "class": "axis"}));
    // the top of the scale is the highest value as printed; the bottom is zero (or below)
    var highest = pts.filter(function (p) { return num(p.value) === top; })[0];
    [[top, highest ? highest.value : String(top)], [low, String(low)]].forEach(function (tick) {
      svg.appendChild(svgEl("text", {x: L - 5, y: round(y(tick[0]) + 4), "text-anchor": "end", "class": "tick"}, tick[1]));
    });
    years.forEach(function (year) {
      svg.appendChild(svgEl("text", {x: round(x(year)), y: H - 8, "text-anchor": "middle", "class": "tick"},
        fill(UI.year, {year: year})));
    });
    var single = years.filter(function (year) { return byYear[year].length === 1; });
    for (var i = 1; i < single.length; i++) {
      var a = single[i - 1], b = single[i];
      if (years.indexOf(b) !== years.indexOf(a) + 1) continue;
      svg.appendChild(svgEl("line", {x1: round(x(a)), y1: round(y(num(byYear[a][0].value))),
        x2: round(x(b)), y2: round(y(num(byYear[b][0].value))), "class": "trend"}));
    }
    years.forEach(function (year) {
      var here = byYear[year];
      here.forEach(function (p, k) {
        var dx = (k - (here.length - 1) / 2) * 10;
        var mark = svgEl("circle", {cx: round(x(year) + dx), cy: round(y(num(p.value))), r: 4.5,
          "class": "point" + (p.conflict ? " conflict" : ""), "data-year": p.year, "data-value": p.value});
        var lines = [fill(UI.year, {year: p.year}) + COLON + pick(p.amount) + (p.conflict ? " (" + UI.conflict + ")" : "")];
        p.sources.forEach(function (c) {
          var own = pick(c.amount);  // agreeing sources may hedge the value differently
          lines.push((own !== pick(p.amount) ? own + " — " : "") + sourceText(c));
        });
        mark.appendChild(svgEl("title", {}, lines.join("\n")));
        svg.appendChild(mark);
      });
    });
    box.appendChild(svg);
    var disputed = years.filter(function (year) { return byYear[year].some(function (p) { return p.conflict; }); });
    if (disputed.length) {
      box.appendChild(el("div", "sub conflict-note", fill(UI.conflictNote, {
        years: disputed.map(function (year) { return fill(UI.year, {year: year}); }).join(LANG === "zh" ? "、" : ", ")})));
    }
    return box;
  }
  // The rankings of an entity (observations whose unit is "rank") in one small chart: a row per
  // ranking and year, place 1 (the best) at the left; "top N" (qualifier 前) is a bar from 1 to
  // N, a stated place a mark. Each mark's <title> gives the place and the quotes.
  function rankChart(items) {
    var rows = items.filter(function (o) { return o.rank && isFinite(num(o.value)); });
    if (!rows.length) return null;
    var W = 300, L = 8, R = 30, T = 8, ROW = 30, B = 20, H = T + rows.length * ROW + B;
    var worst = Math.max.apply(null, rows.map(function (o) { return num(o.value); }));
    var top = Math.max(10, Math.ceil(worst * 1.1 / 10) * 10);
    function x(place) { return L + (place - 1) / (top - 1) * (W - L - R); }
    var box = el("figure", "ecograph-chart ecograph-ranks");
    box.appendChild(el("figcaption", null, UI.rankings));
    var svg = svgEl("svg", {viewBox: "0 0 " + W + " " + H, width: W, height: H, role: "img", "aria-label": UI.rankings});
    svg.appendChild(svgEl("title", {}, UI.rankings));
    var base = T + rows.length * ROW;
    svg.appendChild(svgEl("line", {x1: L, y1: base, x2: W - R, y2: base, "class": "axis"}));
    [1, top].forEach(function (place, i) {
      svg.appendChild(svgEl("text", {x: round(x(place)), y: base + 14, "text-anchor": i ? "end" : "start", "class": "tick"},
        fill(UI.place, {n: place})));
    });
    rows.forEach(function (o, i) {
      var y = T + i * ROW, v = num(o.value), when = pick(o.period) || (o.year ? fill(UI.year, {year: o.year}) : "");
      var name = (when ? when + " " : "") + pick(o.indicator), most = LANG === "zh" ? 26 : 50;
      if (Array.from(name).length > most) name = Array.from(name).slice(0, most - 1).join("") + "…";  // the whole name is in the title
      svg.appendChild(svgEl("text", {x: L, y: y + 10, "class": "tick"}, name));
      var mark = o.qualifier
        ? svgEl("rect", {x: round(x(1)), y: y + 15, width: round(Math.max(2, x(v) - x(1))), height: 8, rx: 2, "class": "range"})
        : svgEl("circle", {cx: round(x(v)), cy: y + 19, r: 4.5, "class": "point"});
      mark.setAttribute("data-value", o.value);
      var lines = [pick(o.indicator) + COLON + pick(o.amount)];
      (o.quotes || []).forEach(function (c) { lines.push(sourceText(c)); });
      mark.appendChild(svgEl("title", {}, lines.join("\n")));
      svg.appendChild(mark);
      svg.appendChild(svgEl("text", {x: round(x(v) + 7), y: y + 23, "class": "tick"}, pick(o.amount)));
    });
    box.appendChild(svg);
    return box;
  }
  function list(items, limit, make) {
    var ul = el("ul");
    items.slice(0, limit).forEach(function (x) { ul.appendChild(make(x)); });
    if (items.length > limit) ul.appendChild(el("li", "sub", fill(UI.more, {n: items.length - limit})));
    return ul;
  }
  function nodeCard(n, compact) {
    var box = el("div", "ecograph-card");
    box.appendChild(el("h3", null, n.labels.zh || n.labels.en || n.id));
    if (n.labels.en && n.labels.zh) box.appendChild(el("div", "sub", n.labels.en));
    box.appendChild(field(UI.kind, n.kinds.map(kindName).join(LANG === "zh" ? "、" : ", ")));
    if (n.aliases.length) box.appendChild(field(UI.aliases, n.aliases.join(LANG === "zh" ? "；" : "; ")));
    if (n.status) box.appendChild(field(UI.entityStatus, UI.status[n.status] || n.status));
    var measure = META.sizeBy;
    box.appendChild(field(UI.measures[measure], Number(n.score[measure]).toPrecision(3)));
    if (!compact) box.appendChild(field(UI.id, n.id));
    if (n.obs && n.obs.length) {
      box.appendChild(el("div", "name", UI.observations));
      box.appendChild(list(n.obs, compact ? 5 : 1e9, function (o) {
        var li = el("li", null, obsText(o));
        if (o.conflict) li.appendChild(el("span", "badge conflict", UI.conflict));
        if (!compact && o.quotes) o.quotes.forEach(function (c) {
          li.appendChild(el("div", "section", o.conflict ? sourceText(c) : "“" + c.quote + "” — " + pick(c.section)));
        });
        return li;
      }));
    }
    if (!compact && n.series) n.series.forEach(function (chart) { box.appendChild(seriesChart(chart)); });
    var ranks = !compact && n.obs ? rankChart(n.obs) : null;
    if (ranks) box.appendChild(ranks);
    if (n.cites && n.cites.length) {
      box.appendChild(el("div", "name", UI.sources));
      box.appendChild(list(n.cites, compact ? 3 : 1e9, citeItem));
    }
    if (compact) box.appendChild(el("div", "sub", UI.clickHint));
    return box;
  }
  function edgeCard(e) {
    var box = el("div", "ecograph-card");
    var head = el("h3");
    head.textContent = nodeName(NODE[e.from]) + " → " + pick(DATA.predicates[e.p]) + " → " + nodeName(NODE[e.to]);
    box.appendChild(head);
    var other = DATA.predicates[e.p] && DATA.predicates[e.p][OTHER];
    if (other) box.appendChild(el("div", "sub", other + " (" + e.p + ")"));
    box.appendChild(field(UI.relations, (UI.status[e.status] || e.status) + (LANG === "zh" ? "，" : ", ") + (UI.basis[e.basis] || e.basis)));
    if (e.cites && e.cites.length) {
      box.appendChild(el("div", "name", UI.sources));
      box.appendChild(list(e.cites, 4, citeItem));
    }
    return box;
  }
  function relationBlock(id, outgoing) {
    var items = ADJ[id].filter(function (i) { return outgoing ? DATA.edges[i].from === id : DATA.edges[i].to === id; });
    var wrap = el("div");
    wrap.appendChild(el("h2", null, (outgoing ? UI.outgoing : UI.incoming) + " (" + items.length + ")"));
    if (!items.length) { wrap.appendChild(el("div", "sub", UI.noRelations)); return wrap; }
    var ul = el("ul");
    items.forEach(function (i) {
      var e = DATA.edges[i], otherId = outgoing ? e.to : e.from, li = el("li");
      li.appendChild(document.createTextNode((outgoing ? "→ " : "← ") + (pick(DATA.predicates[e.p]) || e.p) + " "));
      var b = el("button", "link", nodeName(NODE[otherId]));
      b.type = "button";
      b.addEventListener("click", function () { selectNode(otherId, true); });
      li.appendChild(b);
      li.appendChild(el("span", "badge " + e.status, UI.status[e.status] || e.status));
      if (e.basis === "implied") li.appendChild(el("span", "badge", UI.basis.implied));
      if (e.cites) { var q = el("ul"); e.cites.forEach(function (c) { q.appendChild(citeItem(c)); }); li.appendChild(q); }
      ul.appendChild(li);
    });
    wrap.appendChild(ul);
    return wrap;
  }

  var details = document.getElementById("ecograph-details");
  function showHint() {
    details.replaceChildren(el("h2", null, UI.details), el("p", "sub", UI.hint));
  }
  function showDetails(id) {
    var n = NODE[id];
    var card = nodeCard(n, false);
    card.appendChild(relationBlock(id, false));
    card.appendChild(relationBlock(id, true));
    details.replaceChildren(el("h2", null, UI.details), card);
  }

  // ---------------------------------------------------------------- tooltip
  var tip = document.getElementById("ecograph-tooltip");
  var main = document.getElementById("ecograph-main");
  function showTip(content, pointer) {
    tip.replaceChildren(content);
    tip.hidden = false;
    var x = pointer.x + 16, y = pointer.y + 16;
    var w = tip.offsetWidth, h = tip.offsetHeight, W = main.clientWidth, H = main.clientHeight;
    if (x + w > W - 4) x = Math.max(4, pointer.x - w - 12);
    if (y + h > H - 4) y = Math.max(4, H - h - 4);
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  }
  function hideTip() { tip.hidden = true; tip.replaceChildren(); }
  network.on("hoverNode", function (p) { showTip(nodeCard(NODE[p.node], true), p.pointer.DOM); });
  network.on("hoverEdge", function (p) { showTip(edgeCard(DATA.edges[p.edge]), p.pointer.DOM); });
  network.on("blurNode", hideTip);
  network.on("blurEdge", hideTip);
  network.on("dragStart", hideTip);
  network.on("zoom", hideTip);

  // ---------------------------------------------------------------- highlight
  function highlight(id) {
    var keep = {}, keepEdge = {};
    keep[id] = true;
    ADJ[id].forEach(function (i) { keepEdge[i] = true; keep[DATA.edges[i].from] = true; keep[DATA.edges[i].to] = true; });
    nodes.update(nodeItems.map(function (n) {
      return keep[n.id] ? {id: n.id, color: nodeColor(n.id), font: nodeFont(false)} : {id: n.id, color: DIM_NODE, font: nodeFont(true)};
    }));
    edges.update(edgeItems.map(function (e) {
      return keepEdge[e.id] ? {id: e.id, color: ORIGINAL_EDGE[e.id], font: EDGE_FONT} : {id: e.id, color: DIM_EDGE, font: DIM_EDGE_FONT};
    }));
    view.highlighted = id;
    view.neighbourhood = Object.keys(keep).sort();
    declutter();
  }
  function clearHighlight() {
    if (view.highlighted === null) return;
    nodes.update(nodeItems.map(function (n) { return {id: n.id, color: nodeColor(n.id), font: nodeFont(false)}; }));
    edges.update(edgeItems.map(function (e) { return {id: e.id, color: ORIGINAL_EDGE[e.id], font: EDGE_FONT}; }));
    view.highlighted = null;
    view.neighbourhood = [];
    declutter();
  }
  function nodeFont(dim) {
    var f = {};
    Object.keys(FONT).forEach(function (k) { f[k] = (dim ? DIM_FONT : FONT)[k]; });
    f.size = labelSize;
    return f;
  }

  // ---------------------------------------------------------------- labels that do not collide
  // Labels keep LABEL_PX on screen at any zoom; the most central node's label is drawn first and
  // any label whose box would overlap one already drawn is left out (its name shows on hover,
  // and once zoomed in far enough for it to fit). The highlighted neighbourhood goes first.
  // Big pages (positions from Python, physics off) keep vis-network's plain labels.
  var LABEL_PX = 13, labelSize = FONT.size, laidOut = false;
  var DECLUTTER = !big && nodeItems.length > 0;
  var HIDDEN = {};  // id -> true while hidden
  var LABEL_ON = {};
  function declutter() {
    if (!DECLUTTER || !laidOut) return;
    var scale = network.getScale();
    labelSize = LABEL_PX / scale;
    var k = labelSize / FONT.size, pad = 2 / scale;
    var near = {};
    view.neighbourhood.forEach(function (id) { near[id] = true; });
    var dim = view.highlighted !== null;
    nodes.update(nodeItems.map(function (n) {
      return {id: n.id, font: nodeFont(dim && !near[n.id]), widthConstraint: {maximum: 170 * k}};
    }));
    var ids = nodeItems.map(function (n) { return n.id; }).filter(function (id) { return !HIDDEN[id]; });
    ids.sort(function (a, b) {
      return (near[b] ? 1 : 0) - (near[a] ? 1 : 0) || (a === view.highlighted ? -1 : b === view.highlighted ? 1 : 0) ||
        NODE[b].score[META.sizeBy] - NODE[a].score[META.sizeBy] || cmpStr(a, b);
    });
    var ctx = network.canvas.frame.canvas.getContext("2d"), pos = network.getPositions(ids), placed = [];
    LABEL_ON = {};
    ids.forEach(function (id) {
      var body = network.body.nodes[id], t = body.labelModule.getTextSize(ctx, false, false), p = pos[id];
      var top = p.y + body.shape.height / 2 + labelSize / 2 + 4;
      var box = [p.x - t.width / 2 - pad, top - pad, p.x + t.width / 2 + pad, top + t.height + pad];
      var free = t.width > 0 && !placed.some(function (q) { return box[0] < q[2] && q[0] < box[2] && box[1] < q[3] && q[1] < box[3]; });
      if (free) { placed.push(box); LABEL_ON[id] = true; }
    });
    nodes.update(nodeItems.map(function (n) {
      return {id: n.id, scaling: {label: {drawThreshold: LABEL_ON[n.id] ? 0 : 1e9}}};
    }));
    view.labelsDrawn = Object.keys(LABEL_ON).length;
  }
  var declutterTimer = null;
  function declutterSoon() { clearTimeout(declutterTimer); declutterTimer = setTimeout(declutter, 120); }
  network.on("zoom", declutterSoon);
  network.on("animationFinished", declutter);
  network.on("dragEnd", function (p) {
    if (!p.nodes.length) return;
    var pos = network.getPositions(p.nodes);
    p.nodes.forEach(function (id) { if (HOME[id]) HOME[id] = pos[id]; });  // a node dragged stays there
    declutter();
  });

  // ---------------------------------------------------------------- what is shown
  // A node is shown when its kind is ticked and it is no hidden hub; a shown node with no
  // relation to another shown node is "unlinked": it sits in rows beside the rest, or is hidden
  // by "show unlinked entities". Every change fits the view to what is shown.
  function shownByFilters(id) { var n = NODE[id]; return KIND_ON[n.kind] && !(state.hideHubs && n.hub); }
  var HOME = {};  // where a linked node belongs: its place in the layout (or where it was put since)
  function applyVisibility(refit) {
    var shown = {}, isolated = {};
    nodeItems.forEach(function (n) { if (shownByFilters(n.id)) shown[n.id] = true; });
    nodeItems.forEach(function (n) {
      if (shown[n.id] && !linkedTo(n.id, function (o) { return shown[o]; })) isolated[n.id] = true;
    });
    view.isolated = Object.keys(isolated).sort();
    HIDDEN = {};
    nodeItems.forEach(function (n) { if (!shown[n.id] || (isolated[n.id] && !state.showIsolated)) HIDDEN[n.id] = true; });
    nodes.update(nodeItems.map(function (n) { return {id: n.id, hidden: !!HIDDEN[n.id]}; }));
    if (!laidOut) return;
    if (!big) { placeLinked(shown, isolated); placeIsolated(isolated); }
    if (refit) fitShown();
    declutter();
  }
  // A linked node goes back to its place when it was set apart by an earlier filter; one that
  // sat out the layout (a hub, an entity linked only to hubs) goes to the middle of its
  // neighbours that have a place, and keeps that place.
  function placeLinked(shown, isolated) {
    var current = network.getPositions(), more = true;
    // a few passes: a node placed in one pass gives its neighbours a place in the next
    for (var pass = 0; pass < 6 && more; pass++) {
      more = false;
      nodeItems.forEach(function (n, i) {
        if (!shown[n.id] || isolated[n.id] || HOME[n.id]) return;
        var others = ADJ[n.id].map(function (j) { var e = DATA.edges[j]; return e.from === n.id ? e.to : e.from; })
          .filter(function (o) { return HOME[o] && shown[o]; });
        if (!others.length) return;
        var x = 0, y = 0;
        others.forEach(function (o) { x += HOME[o].x; y += HOME[o].y; });
        var a = i * 2.399963;  // golden angle: nodes with the same neighbours do not stack
        HOME[n.id] = {x: x / others.length + 60 * Math.cos(a), y: y / others.length + 60 * Math.sin(a)};
        more = true;
      });
    }
    nodeItems.forEach(function (n) {
      var home = HOME[n.id], p = current[n.id];
      if (!home || !shown[n.id] || isolated[n.id]) return;
      if (!p || p.x !== home.x || p.y !== home.y) network.moveNode(n.id, home.x, home.y);
    });
  }
  function placeIsolated(isolated) {
    var ids = Object.keys(isolated).filter(function (id) { return !HIDDEN[id]; });
    if (!ids.length) return;
    ids.sort(function (a, b) { return NODE[b].score[META.sizeBy] - NODE[a].score[META.sizeBy] || cmpStr(a, b); });
    var rest = nodeItems.map(function (n) { return n.id; }).filter(function (id) { return !HIDDEN[id] && !isolated[id] && HOME[id]; });
    var x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    rest.forEach(function (id) { var p = HOME[id]; x0 = Math.min(x0, p.x); x1 = Math.max(x1, p.x); y0 = Math.min(y0, p.y); y1 = Math.max(y1, p.y); });
    var cellW = 240, cellH = 110, rows, left, top;
    if (rest.length) {
      rows = Math.max(1, Math.floor((y1 - y0) / cellH) + 1);
      left = x1 + 2 * cellW; top = y0;
    } else {
      rows = Math.max(1, Math.round(Math.sqrt(ids.length * cellW / cellH / 1.6)));
      left = 0; top = 0;
    }
    ids.forEach(function (id, i) { network.moveNode(id, left + Math.floor(i / rows) * cellW, top + (i % rows) * cellH); });
  }
  function fitShown() {
    var ids = nodeItems.map(function (n) { return n.id; }).filter(function (id) { return !HIDDEN[id]; });
    if (!ids.length) return;
    network.fit({nodes: ids, animation: false});
    // a margin for the labels under the outermost nodes
    network.moveTo({scale: network.getScale() * 0.9, animation: false});
  }
  function selectNode(id, animate) {
    var n = NODE[id];
    if (!n) return;
    if (!KIND_ON[n.kind]) setKind(n.kind, true);
    if (n.hub && state.hideHubs) setHubs(false);
    if (HIDDEN[id] && !state.showIsolated) setIsolated(true);
    network.selectNodes([id]);
    highlight(id);
    showDetails(id);
    network.focus(id, {scale: Math.max(network.getScale(), 1.0),
      animation: animate ? {duration: 450, easingFunction: "easeInOutQuad"} : false});
  }
  network.on("click", function (p) {
    if (p.nodes.length) { highlight(p.nodes[0]); showDetails(p.nodes[0]); }
    else if (p.edges.length) { clearHighlight(); details.replaceChildren(el("h2", null, UI.details), edgeCard(DATA.edges[p.edges[0]])); }
    else { clearHighlight(); showHint(); }
  });
  view.selectNode = function (id) { selectNode(id, false); };
  view.visibleCount = function () { return nodes.get({filter: function (n) { return !n.hidden; }}).length; };
  view.visibleIds = function () { return nodes.get({filter: function (n) { return !n.hidden; }}).map(function (n) { return n.id; }).sort(); };
  view.labelled = function () { return Object.keys(LABEL_ON).sort(); };

  // ---------------------------------------------------------------- search
  // ecograph.lookup.NameIndex.search in JavaScript, over the rows Python wrote for each node
  // (names: [key, how, shown]; pinyin: [key, shown]): the same normalisation, the same scores,
  // difflib's ratio, the same tie-breakers. A browser test checks that both find the same
  // entities for the names, ids, document numbers, pinyin and near misses of the data.
  var PUNCT = /[\s"'“”‘’《》〈〉()（）\[\]【】〔〕{}<>,，。.、:：;；!！?？·•\-–—_\/\\|+＋&*#@$%^~`]+/g;
  var WEIGHTS = {id: 1.0, label: 1.0, english: 1.0, identifier: 1.0, alias: 0.95};
  function norm(s) { return String(s).normalize("NFKC").toLowerCase().replace(PUNCT, ""); }
  function normPinyin(s) {
    s = String(s).normalize("NFKC").toLowerCase().normalize("NFD").replace(/u\u0308/g, "v").replace(/u:/g, "v");
    return s.replace(/[^a-z]/g, "");
  }
  function hasCjk(s) { return /[\u3400-\u9fff\uf900-\ufaff]/.test(s); }
  function chars(s) { return Array.from(s); }
  // difflib.SequenceMatcher(None, a, b).ratio(), autojunk included
  function ratio(a, b) {
    a = chars(a); b = chars(b);
    var la = a.length, lb = b.length;
    if (!la && !lb) return 1.0;
    var b2j = new Map();
    b.forEach(function (c, i) { var l = b2j.get(c); if (!l) b2j.set(c, l = []); l.push(i); });
    if (lb >= 200) {
      var ntest = Math.floor(lb / 100) + 1, popular = [];
      b2j.forEach(function (l, c) { if (l.length > ntest) popular.push(c); });
      popular.forEach(function (c) { b2j.delete(c); });
    }
    function longest(alo, ahi, blo, bhi) {
      var besti = alo, bestj = blo, bestsize = 0, j2len = new Map();
      for (var i = alo; i < ahi; i++) {
        var next = new Map(), js = b2j.get(a[i]) || [];
        for (var x = 0; x < js.length; x++) {
          var j = js[x];
          if (j < blo) continue;
          if (j >= bhi) break;
          var k = (j2len.get(j - 1) || 0) + 1;
          next.set(j, k);
          if (k > bestsize) { besti = i - k + 1; bestj = j - k + 1; bestsize = k; }
        }
        j2len = next;
      }
      while (besti > alo && bestj > blo && a[besti - 1] === b[bestj - 1]) { besti--; bestj--; bestsize++; }
      while (besti + bestsize < ahi && bestj + bestsize < bhi && a[besti + bestsize] === b[bestj + bestsize]) bestsize++;
      return [besti, bestj, bestsize];
    }
    var matched = 0, queue = [[0, la, 0, lb]];
    while (queue.length) {
      var q = queue.pop(), m = longest(q[0], q[1], q[2], q[3]), i = m[0], j = m[1], k = m[2];
      if (k) {
        matched += k;
        if (q[0] < i && q[2] < j) queue.push([q[0], i, q[2], j]);
        if (i + k < q[1] && j + k < q[3]) queue.push([i + k, q[1], j + k, q[3]]);
      }
    }
    return 2.0 * matched / (la + lb);
  }
  var NAME_ROWS = [], PINYIN_ROWS = [];
  DATA.nodes.forEach(function (n) {
    (n.names || []).forEach(function (r) { NAME_ROWS.push([r[0], r[1], n.id, r[2]]); });
    (n.pinyin || []).forEach(function (r) { PINYIN_ROWS.push([r[0], "pinyin", n.id, r[1]]); });
  });
  function cmpStr(x, y) { return x < y ? -1 : x > y ? 1 : 0; }
  function zhLabel(id) { return (NODE[id].labels && NODE[id].labels.zh) || ""; }
  function suggest(text) {
    var key = norm(text), py = hasCjk(text) ? "" : normPinyin(text), best = {};
    var rows = NAME_ROWS.concat(py ? PINYIN_ROWS : []);
    rows.forEach(function (r) {
      var r0 = ratio(r[1] === "pinyin" ? py : key, r[0]);
      if (!(r[2] in best) || r0 > best[r[2]]) best[r[2]] = r0;
    });
    return Object.keys(best).filter(function (id) { return best[id] >= 0.4; })
      .sort(function (x, y) { return best[y] - best[x] || cmpStr(x, y); }).slice(0, 5);
  }
  // {best, rest, how}: the ids NameIndex.search returns as best matches and suggestions, and
  // how the best one matched; ``all`` is every scored id in rank order, for the result list
  function search(text) {
    var key = norm(text), out = {best: [], rest: [], all: [], how: null};
    if (!key) return out;
    var scored = {};
    function offer(id, how, score) { if (!(id in scored) || score > scored[id].score) scored[id] = {score: score, how: how}; }
    NAME_ROWS.forEach(function (r) { if (r[0] === key) offer(r[2], r[1], WEIGHTS[r[1]]); });
    var py = hasCjk(text) ? "" : normPinyin(text);
    if (py && !Object.keys(scored).length) PINYIN_ROWS.forEach(function (r) { if (r[0] === py) offer(r[2], "pinyin", 0.9); });
    if (!Object.keys(scored).length) {
      NAME_ROWS.concat(py ? PINYIN_ROWS : []).forEach(function (r) {
        var probe = r[1] === "pinyin" ? py : key;
        if (!probe || !r[0]) return;
        var lp = chars(probe).length, ln = chars(r[0]).length, shorter = Math.min(lp, ln), longer = Math.max(lp, ln);
        if (shorter >= 2 && (r[0].indexOf(probe) >= 0 || probe.indexOf(r[0]) >= 0)) offer(r[2], "partial", 0.5 + 0.3 * shorter / longer);
        var r0 = ratio(probe, r[0]);
        if (r0 >= 0.75) offer(r[2], "fuzzy", 0.8 * r0);
      });
    }
    var ranked = Object.keys(scored).sort(function (x, y) {
      return scored[y].score - scored[x].score || cmpStr(zhLabel(x), zhLabel(y)) || cmpStr(x, y);
    });
    if (!ranked.length) { out.rest = suggest(text); return out; }
    var top = scored[ranked[0]].score, best = ranked.filter(function (id) { return scored[id].score === top; });
    if (scored[ranked[0]].how === "partial" || scored[ranked[0]].how === "fuzzy") {
      var close = ranked.filter(function (id) { return scored[id].score >= top - 0.05; });
      best = close.length === 1 ? ranked.slice(0, 1) : ranked.slice(0, 20);
    }
    out.best = best; out.rest = ranked.slice(best.length, best.length + 5); out.all = ranked; out.how = scored[ranked[0]].how;
    return out;
  }
  view.search = function (text) { var r = search(text); return {best: r.best, rest: r.rest}; };
  var input = document.getElementById("ecograph-search");
  var results = document.getElementById("ecograph-results");
  var currentHits = [];
  // the ranked matches, then every other name that contains the text (longer names), by PageRank
  function listed(found, text) {
    var hits = (found.all.length ? found.all : found.rest).slice(), seen = {}, key = norm(text), more = [];
    hits.forEach(function (id) { seen[id] = true; });
    if (key) NAME_ROWS.forEach(function (r) { if (!seen[r[2]] && r[0].indexOf(key) >= 0) { seen[r[2]] = true; more.push(r[2]); } });
    more.sort(function (x, y) { return NODE[y].score.pagerank - NODE[x].score.pagerank || cmpStr(x, y); });
    return hits.concat(more);
  }
  function showResults(found) {
    var hits = listed(found, input.value);
    results.replaceChildren();
    if (!input.value.trim()) { results.hidden = true; return; }
    if (!hits.length) results.appendChild(el("li", "sub", UI.noResults));
    else if (!found.all.length && found.rest.length) results.appendChild(el("li", "sub", UI.closest));
    hits.slice(0, 30).forEach(function (id) {
      var n = NODE[id], li = el("li");
      li.appendChild(el("div", null, n.labels.zh || n.labels.en || n.id));
      li.appendChild(el("div", "sub", (n.labels.en && n.labels.zh ? n.labels.en + " · " : "") + kindName(n.kind)));
      li.addEventListener("click", function () { selectNode(id, true); results.hidden = true; });
      results.appendChild(li);
    });
    if (hits.length > 30) results.appendChild(el("li", "sub", fill(UI.moreResults, {n: hits.length - 30})));
    results.hidden = false;
  }
  var pending = null;
  function runSearch() {
    pending = null;
    var found = search(input.value);
    currentHits = listed(found, input.value);
    showResults(found);
    if (found.best.length === 1 && found.how !== "partial" && found.how !== "fuzzy") selectNode(found.best[0], true);
  }
  input.addEventListener("input", function () {
    // big pages: wait for a pause in typing, the near-miss pass reads every name
    if (NAME_ROWS.length > 20000) { clearTimeout(pending); pending = setTimeout(runSearch, 150); } else runSearch();
  });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && currentHits.length) { selectNode(currentHits[0], true); results.hidden = true; }
    if (ev.key === "Escape") { input.value = ""; currentHits = []; showResults({all: [], rest: []}); }
  });

  // ---------------------------------------------------------------- legend and kind filter
  function swatch(shape, fillColor, stroke) {
    var c = document.createElement("canvas"), r = window.devicePixelRatio || 1;
    c.width = c.height = Math.round(16 * r);
    c.style.width = c.style.height = "16px";
    var g = c.getContext("2d");
    g.scale(r, r);
    g.fillStyle = fillColor; g.strokeStyle = stroke; g.lineWidth = 1.2;
    g.beginPath();
    var cx = 8, cy = 8, s = 6.5, i, a;
    if (shape === "square") g.rect(cx - s + 1, cy - s + 1, 2 * s - 2, 2 * s - 2);
    else if (shape === "triangle") { g.moveTo(cx, cy - s); g.lineTo(cx + s, cy + s * 0.8); g.lineTo(cx - s, cy + s * 0.8); g.closePath(); }
    else if (shape === "triangleDown") { g.moveTo(cx, cy + s); g.lineTo(cx + s, cy - s * 0.8); g.lineTo(cx - s, cy - s * 0.8); g.closePath(); }
    else if (shape === "diamond") { g.moveTo(cx, cy - s); g.lineTo(cx + s, cy); g.lineTo(cx, cy + s); g.lineTo(cx - s, cy); g.closePath(); }
    else if (shape === "star") {
      for (i = 0; i < 10; i++) { a = -Math.PI / 2 + i * Math.PI / 5; var rr = i % 2 ? s * 0.45 : s; g.lineTo(cx + rr * Math.cos(a), cy + rr * Math.sin(a)); }
      g.closePath();
    } else if (shape === "hexagon") {
      for (i = 0; i < 6; i++) { a = i * Math.PI / 3; g.lineTo(cx + s * Math.cos(a), cy + s * Math.sin(a)); }
      g.closePath();
    } else g.arc(cx, cy, s - 0.5, 0, 2 * Math.PI);
    g.fill(); g.stroke();
    return c;
  }
  function lineSwatch(st) {
    var c = document.createElement("canvas");
    c.width = 34; c.height = 10; c.style.width = "34px"; c.style.height = "10px";
    var g = c.getContext("2d");
    g.strokeStyle = st.color; g.lineWidth = 2;
    if (st.dashes) g.setLineDash(st.dashes);
    g.beginPath(); g.moveTo(1, 5); g.lineTo(33, 5); g.stroke();
    return c;
  }
  var checkboxes = {};
  function setKind(kind, on, quiet) {
    KIND_ON[kind] = on;
    if (checkboxes[kind]) checkboxes[kind].checked = on;
    if (!quiet) applyVisibility(true);
  }
  var toggles = {};
  function setHubs(hide) {
    state.hideHubs = hide;
    if (toggles.hubs) toggles.hubs.checked = hide;
    applyVisibility(true);
  }
  function setIsolated(on) {
    state.showIsolated = on;
    if (toggles.isolated) toggles.isolated.checked = on;
    applyVisibility(true);
  }
  function setColourBy(mode) {
    state.colourBy = mode;
    if (toggles[mode]) toggles[mode].checked = true;
    var near = {};
    view.neighbourhood.forEach(function (id) { near[id] = true; });
    nodes.update(nodeItems.map(function (n) {
      return {id: n.id, color: view.highlighted !== null && !near[n.id] ? DIM_NODE : nodeColor(n.id)};
    }));
    communityLegend.hidden = mode !== "community";
    view.colourBy = mode;
  }
  view.setHubs = setHubs;
  view.setIsolated = setIsolated;
  view.setColourBy = setColourBy;
  var legend = document.getElementById("ecograph-legend");
  // the view: colour by kind or community, hide the hubs, show the unlinked entities
  legend.appendChild(el("h2", null, UI.viewOptions));
  function toggle(key, type, name, checked, text, onChange) {
    var label = el("label"), box = document.createElement("input");
    box.type = type; box.checked = checked; box.id = "ecograph-" + key;
    if (name) box.name = name;
    box.addEventListener("change", function () { onChange(box.checked); });
    toggles[key] = box;
    label.appendChild(box);
    label.appendChild(el("span", null, text));
    legend.appendChild(label);
  }
  var hasHubs = DATA.nodes.some(function (n) { return n.hub; });
  if (DATA.communities && DATA.communities.length) {
    toggle("kind", "radio", "ecograph-colour", true, UI.colourByKind, function (on) { if (on) setColourBy("kind"); });
    toggle("community", "radio", "ecograph-colour", false, UI.colourByCommunity, function (on) { if (on) setColourBy("community"); });
  }
  if (hasHubs) toggle("hubs", "checkbox", null, state.hideHubs, UI.hideHubs, function (on) { setHubs(on); });
  toggle("isolated", "checkbox", null, true, UI.showIsolated, function (on) { setIsolated(on); });
  var communityLegend = el("div", "communities");
  communityLegend.id = "ecograph-communities";
  communityLegend.hidden = true;
  communityLegend.appendChild(el("h2", null, UI.communities));
  (DATA.communities || []).forEach(function (c) {
    var row = el("div", "edge-key");
    row.appendChild(swatch("dot", c.color, c.border));
    row.appendChild(el("span", null, pick(c.labels)));
    row.appendChild(el("span", "count", c.size));
    communityLegend.appendChild(row);
  });
  var noCommunity = el("div", "edge-key");
  noCommunity.appendChild(swatch("dot", OTHER_COLOR.color, OTHER_COLOR.border));
  noCommunity.appendChild(el("span", null, UI.noCommunity));
  communityLegend.appendChild(noCommunity);
  legend.appendChild(communityLegend);
  legend.appendChild(el("h2", null, UI.kinds));
  var buttons = el("div", "buttons");
  [[UI.all, true], [UI.none, false]].forEach(function (pair) {
    var b = el("button", null, pair[0]);
    b.type = "button";
    b.addEventListener("click", function () {
      DATA.kinds.forEach(function (k) { setKind(k.kind, pair[1], true); });
      applyVisibility(true);
    });
    buttons.appendChild(b);
  });
  legend.appendChild(buttons);
  DATA.kinds.forEach(function (k) {
    var label = el("label"), box = document.createElement("input");
    box.type = "checkbox"; box.checked = true; box.setAttribute("data-kind", k.kind);
    box.addEventListener("change", function () { setKind(k.kind, box.checked); });
    checkboxes[k.kind] = box;
    label.appendChild(box);
    label.appendChild(swatch(k.shape, k.color, k.border));
    label.appendChild(el("span", null, pick(k.labels)));
    label.appendChild(el("span", "count", k.count));
    legend.appendChild(label);
  });
  legend.appendChild(el("h2", null, UI.relations));
  ["done", "ongoing", "planned"].forEach(function (s) {
    var row = el("div", "edge-key");
    row.appendChild(lineSwatch(STATUS[s]));
    row.appendChild(el("span", null, UI.status[s] + (LANG === "zh" ? "（" + UI.statusLine[s] + "）" : " (" + UI.statusLine[s] + ")")));
    legend.appendChild(row);
  });

  // ---------------------------------------------------------------- header, reset, start
  var header = document.getElementById("ecograph-header");
  header.appendChild(el("h1", null, pick(META.title)));
  header.appendChild(el("p", null, fill(UI.counts, {nodes: DATA.nodes.length.toLocaleString("en-US"), edges: DATA.edges.length.toLocaleString("en-US")})));
  header.appendChild(el("p", null, fill(UI.sizeBy, {measure: UI.measures[META.sizeBy]})));
  if (META.focus) header.appendChild(el("p", null, fill(UI.focus, {label: nodeName(NODE[META.focus]), depth: META.depth})));
  if (big) header.appendChild(el("p", null, UI.physicsOff));
  document.getElementById("ecograph-search-label").textContent = UI.searchLabel;
  input.placeholder = UI.search;
  var reset = document.getElementById("ecograph-reset");
  reset.textContent = UI.reset;
  reset.addEventListener("click", function () {
    clearHighlight(); network.unselectAll(); showHint();
    if (DECLUTTER) { fitShown(); declutter(); } else network.fit({animation: false});
  });
  showHint();

  // The page embeds its glyphs (ecograph.fonts) as a data: URL the browser decodes in the
  // background; once the face is in, the canvas labels are measured and drawn again with it
  // (text in the page's elements switches by itself).
  var fontLoaded = (document.fonts && document.fonts.load)
    ? document.fonts.load(FONT.size + 'px "ecograph CJK"', "\u9102A").then(function (faces) {
        view.fontFaces = faces.length;
        if (!faces.length) return;
        var near = {}, dim = view.highlighted !== null;
        view.neighbourhood.forEach(function (id) { near[id] = true; });
        nodes.update(nodeItems.map(function (n) { return {id: n.id, font: nodeFont(dim && !near[n.id])}; }));
        edges.update(edgeItems.map(function (e) { return {id: e.id, font: EDGE_FONT}; }));
        declutter();  // the embedded face measures differently
        network.redraw();
      }, function () { view.fontFaces = 0; })
    : Promise.resolve();
  function ready() {
    if (view.ready) return;
    fontLoaded.then(markReady);
  }
  function markReady() {
    if (view.ready) return;
    view.ready = true;
    view.readyAt = performance.now();
    if (META.focus) selectNode(META.focus, false);
    document.documentElement.setAttribute("data-ready", "true");
  }
  function laidOutNow() {
    var pos = network.getPositions();
    nodeItems.forEach(function (n) { if (n.physics !== false) HOME[n.id] = pos[n.id]; });
    laidOut = true;
    applyVisibility(true);
  }
  applyVisibility(false);
  if (!big && nodeItems.length) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({physics: {enabled: false}});
      laidOutNow();
      network.once("afterDrawing", ready);
      network.redraw();
    });
  } else {
    laidOut = true;
    network.once("afterDrawing", ready);
    network.redraw();
  }
})();
