
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

  var nodeItems = DATA.nodes.map(function (n) {
    NODE[n.id] = n;
    ADJ[n.id] = [];
    var k = KINDS[n.kind];
    BY_KIND[n.kind].push(n.id);
    var color = {background: k.color, border: k.border,
      highlight: {background: k.color, border: "#111111"}, hover: {background: k.color, border: "#111111"}};
    var item = {id: n.id, label: nodeName(n), shape: k.shape, size: n.size, color: color, font: FONT,
      borderWidth: 1.5, shapeProperties: {borderDashes: n.status ? [4, 3] : false}};
    if (n.x !== undefined) { item.x = n.x; item.y = n.y; }
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
    if (k > 1) item.smooth = {enabled: true, type: k % 2 === 0 ? "curvedCW" : "curvedCCW", roundness: 0.22 * Math.ceil((k - 1) / 2)};
    return item;
  });
  var ORIGINAL_NODE = {}, ORIGINAL_EDGE = {};
  nodeItems.forEach(function (n) { ORIGINAL_NODE[n.id] = n.color; });
  edgeItems.forEach(function (e) { ORIGINAL_EDGE[e.id] = e.color; });

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
    edges: {smooth: big ? false : {enabled: true, type: "continuous", roundness: 0.3}, font: EDGE_FONT, selectionWidth: 1.5, hoverWidth: 1}
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
      return keep[n.id] ? {id: n.id, color: ORIGINAL_NODE[n.id], font: FONT} : {id: n.id, color: DIM_NODE, font: DIM_FONT};
    }));
    edges.update(edgeItems.map(function (e) {
      return keepEdge[e.id] ? {id: e.id, color: ORIGINAL_EDGE[e.id], font: EDGE_FONT} : {id: e.id, color: DIM_EDGE, font: DIM_EDGE_FONT};
    }));
    view.highlighted = id;
    view.neighbourhood = Object.keys(keep).sort();
  }
  function clearHighlight() {
    if (view.highlighted === null) return;
    nodes.update(nodeItems.map(function (n) { return {id: n.id, color: ORIGINAL_NODE[n.id], font: FONT}; }));
    edges.update(edgeItems.map(function (e) { return {id: e.id, color: ORIGINAL_EDGE[e.id], font: EDGE_FONT}; }));
    view.highlighted = null;
    view.neighbourhood = [];
  }
  function selectNode(id, animate) {
    var n = NODE[id];
    if (!n) return;
    if (!KIND_ON[n.kind]) setKind(n.kind, true);
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
  function setKind(kind, on) {
    KIND_ON[kind] = on;
    if (checkboxes[kind]) checkboxes[kind].checked = on;
    nodes.update(BY_KIND[kind].map(function (id) { return {id: id, hidden: !on}; }));
  }
  var legend = document.getElementById("ecograph-legend");
  legend.appendChild(el("h2", null, UI.kinds));
  var buttons = el("div", "buttons");
  [[UI.all, true], [UI.none, false]].forEach(function (pair) {
    var b = el("button", null, pair[0]);
    b.type = "button";
    b.addEventListener("click", function () { DATA.kinds.forEach(function (k) { setKind(k.kind, pair[1]); }); });
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
    clearHighlight(); network.unselectAll(); showHint(); network.fit({animation: false});
  });
  showHint();

  // The page embeds its glyphs (ecograph.fonts) as a data: URL the browser decodes in the
  // background; once the face is in, the canvas labels are measured and drawn again with it
  // (text in the page's elements switches by itself).
  var fontLoaded = (document.fonts && document.fonts.load)
    ? document.fonts.load(FONT.size + 'px "ecograph CJK"', "\u9102A").then(function (faces) {
        view.fontFaces = faces.length;
        if (!faces.length) return;
        nodes.update(nodeItems.map(function (n) { return {id: n.id, font: FONT}; }));
        edges.update(edgeItems.map(function (e) { return {id: e.id, font: EDGE_FONT}; }));
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
  if (!big && nodeItems.length) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({physics: {enabled: false}});
      network.fit({animation: false});
      network.once("afterDrawing", ready);
      network.redraw();
    });
  } else {
    network.once("afterDrawing", ready);
    network.redraw();
  }
})();
