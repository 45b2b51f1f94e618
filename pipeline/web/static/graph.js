// vanban citation graph with Cytoscape.js (bundled as cytoscape.min.js, MIT).
// Reads {nodes, edges, root} from <script id="vanban-graph-data">. Node size follows the
// in-degree; labels keep one rendered size and are shown greedily, most cited first, only
// where they overlap no label already shown (zooming in shows more). Filters: relation,
// kind, year, issuer; a search box selects a document; focus shows its chain either way.
(function () {
  "use strict";
  var COLORS = {
    based_on: "#1f77b4", replaces: "#d62728", repeals: "#8c564b", amends: "#ff7f0e",
    implements: "#2ca02c", mentions: "#aaaaaa"
  };
  var KIND_COLORS = ["#6baed6", "#fd8d3c", "#74c476", "#9e9ac8", "#fdae6b", "#e377c2", "#bcbd22", "#17becf",
                     "#8c564b", "#7f7f7f", "#d62728", "#1f77b4"];
  var FONT_PX = 12, FONT = "Helvetica, Arial, sans-serif";
  var MIN_LABELLED_PX = 9; // a node drawn smaller than this gets no label until one zooms in

  function fold(s) {
    return (s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase();
  }

  function option(select, value, text) {
    var o = document.createElement("option");
    o.value = value; o.textContent = text;
    select.appendChild(o);
  }

  function counted(nodes, key) {
    var counts = {};
    nodes.forEach(function (n) { if (n[key] !== null && n[key] !== undefined) counts[n[key]] = (counts[n[key]] || 0) + 1; });
    return counts;
  }

  function init() {
    if (window.cytoscapeFcose) cytoscape.use(window.cytoscapeFcose);
    var data = JSON.parse(document.getElementById("vanban-graph-data").textContent);
    var container = document.getElementById("vanban-cy");
    var status = document.getElementById("vanban-graph-status");
    var maxIn = Math.max(1, Math.max.apply(null, data.nodes.map(function (n) { return n.in_degree; }).concat([0])));
    var kinds = Object.keys(counted(data.nodes, "kind")).sort();
    var measure = document.createElement("canvas").getContext("2d");
    measure.font = FONT_PX + "px " + FONT;

    var elements = data.nodes.map(function (n) {
      return {
        group: "nodes",
        data: {
          id: n.id, label: n.label, title: n.title || "", kind: n.kind || "", year: n.year === null ? "" : String(n.year),
          issuer: n.issuer || "", href: n.href, in_degree: n.in_degree, folded: fold(n.label + " " + (n.title || "")),
          size: 8 + 46 * Math.sqrt(n.in_degree / maxIn),
          color: KIND_COLORS[Math.max(0, kinds.indexOf(n.kind || "")) % KIND_COLORS.length],
          width: measure.measureText(n.label).width
        },
        classes: (n.ingested ? "" : "stub") + (n.root ? " root" : "")
      };
    }).concat(data.edges.map(function (e, i) {
      return { group: "edges", data: { id: "e" + i, source: e.source, target: e.target, relation: e.relation,
                                       color: COLORS[e.relation] || "#999" } };
    }));

    var cy = cytoscape({
      container: container, elements: elements, minZoom: 0.05, maxZoom: 5,
      boxSelectionEnabled: false, autoungrabify: false,
      style: [
        { selector: "node", style: {
          width: "data(size)", height: "data(size)", "background-color": "data(color)",
          "border-width": 1, "border-color": "#3182bd", label: "", "font-size": FONT_PX, "font-family": FONT,
          "text-valign": "bottom", "text-margin-y": 2, color: "#222",
          "text-background-color": "#fff", "text-background-opacity": 0.7 } },
        { selector: "node.labelled", style: { label: "data(label)", "z-index": 10 } },
        { selector: "node.stub", style: { "background-color": "#fff", "border-style": "dashed" } },
        { selector: "node.root, node:selected", style: { "border-width": 4, "border-color": "#e6550d" } },
        { selector: "edge", style: {
          width: 1, "line-color": "data(color)", "target-arrow-color": "data(color)",
          "target-arrow-shape": "triangle", "arrow-scale": 0.6, "curve-style": "haystack", opacity: 0.55 } },
        { selector: "edge[relation != 'mentions']", style: { "curve-style": "bezier" } },
        { selector: ".hidden", style: { display: "none" } }
      ],
      layout: { name: "preset" }
    });

    // ---- layout ----------------------------------------------------------------------
    function mainLayout(eles, done) {
      var opts = { name: "fcose", quality: "default", randomize: true, animate: false, nodeSeparation: 60,
                   idealEdgeLength: function () { return 60; }, nodeRepulsion: function () { return 6500; },
                   packComponents: true, numIter: 1000 };
      if (data.root && eles.nodes().length <= 150) {
        opts = { name: "breadthfirst", roots: "#" + CSS.escape(data.root), directed: false, spacingFactor: 1.1,
                 animate: false };
      }
      var layout = eles.layout(opts);
      layout.one("layoutstop", done);
      layout.run();
    }

    // ---- labels: one rendered size, greedy, no overlaps --------------------------------
    function placeLabels() {
      var z = cy.zoom(), fs = FONT_PX / z, placed = [];
      var nodes = cy.nodes().filter(function (n) {
        return n.visible() && (n.data("size") * z >= MIN_LABELLED_PX || n.selected() || n.hasClass("root"));
      }).sort(function (a, b) {
        return (b.selected() - a.selected()) || (b.hasClass("root") - a.hasClass("root")) ||
          (b.data("in_degree") - a.data("in_degree")) || (a.id() < b.id() ? -1 : 1);
      });
      cy.batch(function () {
        nodes.forEach(function (n) {
          var p = n.position(), w = n.data("width") / z + 6 / z, h = fs * 1.5, top = p.y + n.data("size") / 2;
          var box = { x1: p.x - w / 2, x2: p.x + w / 2, y1: top, y2: top + h };
          var free = placed.every(function (b) {
            return box.x2 < b.x1 || box.x1 > b.x2 || box.y2 < b.y1 || box.y1 > b.y2;
          });
          if (free) { placed.push(box); n.addClass("labelled"); } else { n.removeClass("labelled"); }
        });
        cy.nodes(".labelled").difference(nodes).removeClass("labelled");
        // One rendered font size at every zoom: only the labelled nodes need it.
        cy.nodes(".labelled").style({ "font-size": fs, "text-margin-y": 2 / z });
      });
    }
    var timer = null;
    cy.on("zoom", function () { clearTimeout(timer); timer = setTimeout(placeLabels, 80); });

    // ---- filters -----------------------------------------------------------------------
    var relBox = document.getElementById("vanban-relations");
    Object.keys(counted(data.edges, "relation")).sort().forEach(function (r) {
      var label = document.createElement("label"), box = document.createElement("input");
      box.type = "checkbox"; box.name = "relation"; box.value = r; box.checked = true;
      label.appendChild(box);
      label.appendChild(document.createTextNode(" " + r + " "));
      label.style.borderBottom = "3px solid " + (COLORS[r] || "#999");
      relBox.appendChild(label);
    });
    var selects = { kind: document.getElementById("vanban-kind"), year: document.getElementById("vanban-year"),
                    issuer: document.getElementById("vanban-issuer") };
    Object.keys(selects).forEach(function (key) {
      var counts = counted(data.nodes, key), values = Object.keys(counts);
      values.sort(key === "issuer" ? function (a, b) { return counts[b] - counts[a] || (a < b ? -1 : 1); }
                                   : function (a, b) { return a < b ? 1 : -1; });
      if (key === "kind") values.reverse();
      values.forEach(function (v) { option(selects[key], v, v + " (" + counts[v] + ")"); });
    });
    var legend = document.getElementById("vanban-kind-legend");
    kinds.forEach(function (k, i) {
      var item = document.createElement("span");
      item.className = "legend-item";
      item.style.borderLeftColor = KIND_COLORS[i % KIND_COLORS.length];
      item.textContent = k;
      legend.appendChild(item);
    });
    var datalist = document.getElementById("vanban-labels");
    data.nodes.forEach(function (n) { option(datalist, n.label, n.title || n.label); });

    var focus = null; // {id, direction}
    var home = null;  // positions of the whole layout

    function focusSet() {
      var n = cy.getElementById(focus.id), eles = n;
      if (focus.direction !== "resting") eles = eles.union(n.successors());
      if (focus.direction !== "basis") eles = eles.union(n.predecessors());
      return eles;
    }

    function apply(relayout) {
      var rels = {};
      relBox.querySelectorAll("input:checked").forEach(function (b) { rels[b.value] = true; });
      var want = { kind: selects.kind.value, year: selects.year.value, issuer: selects.issuer.value };
      var inFocus = focus ? focusSet() : null;
      cy.batch(function () {
        cy.nodes().forEach(function (n) {
          var ok = (!want.kind || n.data("kind") === want.kind) && (!want.year || n.data("year") === want.year) &&
            (!want.issuer || n.data("issuer") === want.issuer) && (!inFocus || inFocus.has(n));
          n.toggleClass("hidden", !ok);
        });
        cy.edges().forEach(function (e) {
          var ok = rels[e.data("relation")] && !e.source().hasClass("hidden") && !e.target().hasClass("hidden") &&
            (!inFocus || inFocus.has(e));
          e.toggleClass("hidden", !ok);
        });
      });
      var visible = cy.elements().not(".hidden");
      var finish = function () {
        cy.fit(visible, 30);
        placeLabels();
        status.textContent = visible.nodes().length + " văn bản, " + visible.edges().length +
          " trích dẫn đang hiển thị / documents, citations shown" +
          (focus ? " · chuỗi của / chain of " + cy.getElementById(focus.id).data("label") + " (" + focus.direction + ")" : "");
        container.setAttribute("data-visible-nodes", visible.nodes().length);
        container.setAttribute("data-visible-edges", visible.edges().length);
      };
      if (relayout && focus) {
        visible.layout({ name: "breadthfirst", roots: cy.getElementById(focus.id), directed: false,
                         spacingFactor: 1.1, animate: false }).run();
      } else if (relayout && home) {
        cy.nodes().positions(function (n) { return home[n.id()]; });
      }
      finish();
    }

    function setFocus(direction) {
      var sel = cy.nodes(":selected");
      if (!sel.length && data.root) sel = cy.getElementById(data.root);
      if (!sel.length) { status.textContent = "Chọn một văn bản trước (ô tìm) / select a document first (search box)"; return; }
      focus = { id: sel[0].id(), direction: direction };
      apply(true);
    }
    document.getElementById("vanban-focus-basis").addEventListener("click", function () { setFocus("basis"); });
    document.getElementById("vanban-focus-resting").addEventListener("click", function () { setFocus("resting"); });
    document.getElementById("vanban-focus-both").addEventListener("click", function () { setFocus("both"); });
    document.getElementById("vanban-focus-clear").addEventListener("click", function () { focus = null; apply(true); });
    relBox.addEventListener("change", function () { apply(false); });
    Object.keys(selects).forEach(function (k) { selects[k].addEventListener("change", function () { apply(false); }); });

    // ---- search ------------------------------------------------------------------------
    function find(query) {
      var q = fold(query).trim();
      if (!q) return null;
      var exact = cy.nodes().filter(function (n) { return fold(n.data("label")) === q; });
      if (exact.length) return exact[0];
      var hits = cy.nodes().filter(function (n) { return n.data("folded").indexOf(q) >= 0; })
        .sort(function (a, b) { return b.data("in_degree") - a.data("in_degree"); });
      return hits.length ? hits[0] : null;
    }
    var search = document.getElementById("vanban-search");
    function runSearch() {
      var n = find(search.value);
      cy.nodes(":selected").unselect();
      if (!n) { status.textContent = "Không tìm thấy / not found: " + search.value; return; }
      n.select();
      if (n.hasClass("hidden")) { focus = null; selects.kind.value = selects.year.value = selects.issuer.value = ""; apply(true); }
      cy.animate({ center: { eles: n }, zoom: Math.max(cy.zoom(), 1.2) }, { duration: 0 });
      placeLabels();
      status.textContent = "Đã chọn / selected: " + n.data("label") + (n.data("title") ? " — " + n.data("title") : "");
    }
    search.addEventListener("change", runSearch);
    search.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { ev.preventDefault(); runSearch(); } });

    cy.on("tap", "node", function (ev) { window.location.href = ev.target.data("href"); });

    mainLayout(cy.elements(), function () {
      home = {};
      cy.nodes().forEach(function (n) { var p = n.position(); home[n.id()] = { x: p.x, y: p.y }; });
      if (data.root) cy.getElementById(data.root).select();
      apply(false);
      container.setAttribute("data-ready", "1");
    });

    // For tests and the curious: the graph, and the label boxes as drawn.
    window.vanbanGraph = {
      cy: cy, apply: apply, setFocus: setFocus,
      labelBoxes: function () {
        return cy.nodes(".labelled").filter(function (n) { return n.visible(); }).map(function (n) {
          var b = n.boundingBox({ includeNodes: false, includeEdges: false, includeLabels: true });
          return { id: n.id(), x1: b.x1, x2: b.x2, y1: b.y1, y2: b.y2 };
        });
      }
    };
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
