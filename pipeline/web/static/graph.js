// vanban citation graph: a small force layout drawn as SVG, no external library.
// Reads {nodes, edges, root} from <script id="vanban-graph-data">; nodes link to their page.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var COLORS = {
    based_on: "#1f77b4", replaces: "#d62728", repeals: "#8c564b", amends: "#ff7f0e",
    implements: "#2ca02c", mentions: "#999999"
  };

  function el(name, attrs, parent) {
    var e = document.createElementNS(SVG, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }

  // Deterministic layout: start on a circle, then springs, repulsion and gravity.
  function layout(nodes, edges, width, height) {
    var n = nodes.length, index = {};
    nodes.forEach(function (d, i) {
      index[d.id] = i;
      var a = 2 * Math.PI * i / Math.max(n, 1);
      d.x = width / 2 + Math.cos(a) * width / 3;
      d.y = height / 2 + Math.sin(a) * height / 3;
      if (d.root) { d.x = width / 2; d.y = height / 2; }
    });
    var links = edges.map(function (e) { return [index[e.source], index[e.target]]; })
      .filter(function (l) { return l[0] !== undefined && l[1] !== undefined; });
    var k = Math.sqrt(width * height / Math.max(n, 1)) * 0.6, temp = width / 8;
    var iterations = n > 400 ? 120 : 300;
    for (var it = 0; it < iterations; it++) {
      var dx = new Float64Array(n), dy = new Float64Array(n);
      for (var i = 0; i < n; i++) {
        for (var j = i + 1; j < n; j++) {
          var x = nodes[i].x - nodes[j].x, y = nodes[i].y - nodes[j].y;
          var d2 = x * x + y * y + 0.01, f = k * k / d2;
          dx[i] += x * f; dy[i] += y * f; dx[j] -= x * f; dy[j] -= y * f;
        }
      }
      links.forEach(function (l) {
        var a = nodes[l[0]], b = nodes[l[1]];
        var x = a.x - b.x, y = a.y - b.y, d = Math.sqrt(x * x + y * y) + 0.01, f = d / k;
        dx[l[0]] -= x * f; dy[l[0]] -= y * f; dx[l[1]] += x * f; dy[l[1]] += y * f;
      });
      for (i = 0; i < n; i++) {
        dx[i] += (width / 2 - nodes[i].x) * 0.05; dy[i] += (height / 2 - nodes[i].y) * 0.05;
        var len = Math.sqrt(dx[i] * dx[i] + dy[i] * dy[i]) + 0.01, step = Math.min(len, temp);
        nodes[i].x += dx[i] / len * step; nodes[i].y += dy[i] / len * step;
      }
      temp *= 0.985;
    }
    fit(nodes, width, height);
    return links;
  }

  // Scale the layout into the box, leaving room on the right for labels.
  function fit(nodes, width, height) {
    var xs = nodes.map(function (d) { return d.x; }), ys = nodes.map(function (d) { return d.y; });
    var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs);
    var y0 = Math.min.apply(null, ys), y1 = Math.max.apply(null, ys);
    var left = 30, right = width - 230, top = 30, bottom = height - 30;
    nodes.forEach(function (d) {
      d.x = x1 > x0 ? left + (d.x - x0) / (x1 - x0) * (right - left) : width / 2;
      d.y = y1 > y0 ? top + (d.y - y0) / (y1 - y0) * (bottom - top) : height / 2;
    });
  }

  function draw(container, data) {
    var width = Math.max(container.clientWidth || 900, 600), height = Math.max(520, Math.min(900, 60 * Math.sqrt(data.nodes.length + 4) * 3));
    var nodes = data.nodes, links = layout(nodes, data.edges, width, height);
    var svg = el("svg", { width: "100%", height: height, viewBox: "0 0 " + width + " " + height,
                          "class": "vanban-graph-svg", role: "img" }, container);
    var defs = el("defs", {}, svg);
    Object.keys(COLORS).forEach(function (rel) {
      var m = el("marker", { id: "arrow-" + rel, viewBox: "0 0 10 10", refX: 18, refY: 5,
                             markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" }, defs);
      el("path", { d: "M 0 0 L 10 5 L 0 10 z", fill: COLORS[rel] }, m);
    });
    var view = el("g", { "class": "viewport" }, svg);
    var edgeEls = links.map(function (l, i) {
      var rel = data.edges[i].relation || "mentions";
      var line = el("line", { "class": "edge edge-" + rel, stroke: COLORS[rel] || "#999",
                              "stroke-width": 1.6, "marker-end": "url(#arrow-" + rel + ")" }, view);
      var t = el("title", {}, line); t.textContent = rel;
      return { line: line, a: nodes[l[0]], b: nodes[l[1]] };
    });
    var nodeEls = nodes.map(function (d) {
      var g = el("g", { "class": "node" + (d.root ? " root" : "") + (d.ingested ? " ingested" : " stub"),
                        "data-id": d.id }, view);
      var r = (d.ingested ? 8 : 5) + Math.min(14, 3 * Math.sqrt(d.in_degree || 0));
      el("circle", { r: d.root ? r + 3 : r, "class": "node-circle" }, g);
      var label = el("text", { x: r + 4, y: 4, "class": "node-label" }, g);
      label.textContent = d.label.length > 48 ? d.label.slice(0, 46) + "…" : d.label;
      var title = el("title", {}, g);
      title.textContent = [d.kind, d.label, d.issuer, d.year].filter(Boolean).join(" · ");
      g.addEventListener("click", function () { if (!g.dragged) window.location.href = d.href; });
      return { g: g, d: d };
    });
    function update() {
      edgeEls.forEach(function (e) {
        e.line.setAttribute("x1", e.a.x); e.line.setAttribute("y1", e.a.y);
        e.line.setAttribute("x2", e.b.x); e.line.setAttribute("y2", e.b.y);
      });
      nodeEls.forEach(function (n) { n.g.setAttribute("transform", "translate(" + n.d.x + "," + n.d.y + ")"); });
    }
    update();

    // Pan and zoom the viewport; drag single nodes.
    var scale = 1, tx = 0, ty = 0, drag = null;
    function applyView() { view.setAttribute("transform", "translate(" + tx + "," + ty + ") scale(" + scale + ")"); }
    function point(evt) {
      var rect = svg.getBoundingClientRect();
      return { x: (evt.clientX - rect.left) * width / rect.width, y: (evt.clientY - rect.top) * height / rect.height };
    }
    svg.addEventListener("wheel", function (evt) {
      evt.preventDefault();
      var p = point(evt), f = evt.deltaY < 0 ? 1.15 : 1 / 1.15;
      tx = p.x - (p.x - tx) * f; ty = p.y - (p.y - ty) * f; scale *= f; applyView();
    }, { passive: false });
    svg.addEventListener("pointerdown", function (evt) {
      var target = evt.target.closest ? evt.target.closest("g.node") : null;
      var hit = target && nodeEls.filter(function (n) { return n.g === target; })[0];
      drag = { node: hit, start: point(evt), tx: tx, ty: ty, moved: false };
      if (hit) hit.g.dragged = false;
    });
    svg.addEventListener("pointermove", function (evt) {
      if (!drag) return;
      var p = point(evt), ddx = p.x - drag.start.x, ddy = p.y - drag.start.y;
      if (Math.abs(ddx) + Math.abs(ddy) > 3) drag.moved = true;
      if (!drag.moved) return;
      if (drag.node) {
        drag.node.d.x = (p.x - tx) / scale; drag.node.d.y = (p.y - ty) / scale; drag.node.g.dragged = true; update();
      } else { tx = drag.tx + ddx; ty = drag.ty + ddy; applyView(); }
    });
    window.addEventListener("pointerup", function () {
      var moved = drag && drag.node && drag.moved ? drag.node : null;
      drag = null;
      if (moved) setTimeout(function () { moved.g.dragged = false; }, 0);
    });
    container.setAttribute("data-nodes", nodes.length);
    container.setAttribute("data-edges", links.length);
  }

  function legend(container) {
    Object.keys(COLORS).forEach(function (rel) {
      var s = document.createElement("span");
      s.className = "legend-item";
      s.style.borderColor = COLORS[rel];
      s.textContent = rel;
      container.appendChild(s);
    });
  }

  function start() {
    var holder = document.getElementById("vanban-graph");
    var source = document.getElementById("vanban-graph-data");
    if (!holder || !source) return;
    var data = JSON.parse(source.textContent);
    if (!data.nodes.length) { holder.textContent = "Không có văn bản / no documents"; return; }
    draw(holder, data);
    var lg = document.getElementById("vanban-legend");
    if (lg) legend(lg);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
