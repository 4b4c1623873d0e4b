// The network page: the graph (graphology + sigma, WebGL) with a time slider, filters and zoom
// buttons, and the chart of the figures over time (Chart.js). No inline code: the page holds
// only data (a data-src URL and a JSON block), this module does the rest.
//
// The libraries are UMD builds served by us (node_modules, see STATICFILES_DIRS). Imported as
// modules they find no `exports` or `define` and register themselves as globals.
import "../vendor/graphology/graphology.umd.min.js";
import "../vendor/sigma/sigma.min.js";
import "../vendor/chartjs/chart.umd.min.js";
import { formatDate, LANGUAGE, text } from "./strings.js";

// Colours with at least 3:1 contrast against the white page. Sigma draws every node as a
// circle, so colour is not the only cue: each group has its own region of the graph (the
// migrant organisations on the left, the municipal groups on the right, in the legend's order
// from the top), and the tables below the graph say everything it shows.
const GROUP_STYLES = {
  migrant_organisations: { color: "#b35900", shape: "circle" },
  administration: { color: "#1f5fa8", shape: "circle" },
  ngos: { color: "#2e7d32", shape: "circle" },
  other_institutions: { color: "#7b3fa0", shape: "circle" },
};
const OTHER_STYLE = { color: "#595959", shape: "circle" };
// Ties within a side thin and light, ties across the sides thick and dark: told apart by width
// as well as by colour.
const EDGE_STYLES = {
  within: { color: "#a6a6a6", size: 0.5 },
  across: { color: "#1a1a1a", size: 2 },
  // An accepted introduction (a tie of kind "introduction"): thicker still, and magenta.
  introduction: { color: "#ad1457", size: 3 },
};
const KINDS = ["tie", "coattendance", "shared_responsibility", "introduction"];
const SVG = "http://www.w3.org/2000/svg";

function element(tag, attributes = {}, children = []) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

/** A small SVG of a group's shape and colour, for the legend. */
function shapeIcon(style) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 16 16");
  svg.setAttribute("class", "network-shape");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  let shape;
  if (style.shape === "square") {
    shape = document.createElementNS(SVG, "rect");
    for (const [k, v] of Object.entries({ x: 2, y: 2, width: 12, height: 12 })) shape.setAttribute(k, v);
  } else if (style.shape === "circle") {
    shape = document.createElementNS(SVG, "circle");
    for (const [k, v] of Object.entries({ cx: 8, cy: 8, r: 6.5 })) shape.setAttribute(k, v);
  } else {
    shape = document.createElementNS(SVG, "polygon");
    shape.setAttribute("points", style.shape === "triangle" ? "8,1 15,14 1,14" : "8,1 15,8 8,15 1,8");
  }
  shape.setAttribute("fill", style.color);
  svg.append(shape);
  return svg;
}

function nodeSize(degree) {
  return 3 + Math.min(12, 1.5 * Math.sqrt(degree || 0));
}

function webglAvailable() {
  try {
    return Boolean(document.createElement("canvas").getContext("webgl2"));
  } catch {
    return false;
  }
}

/** The slider's stops: the snapshot dates up to `until`, and `until` itself. */
export function sliderDates(data) {
  const until = data.until;
  const dates = new Set((data.dates || []).filter((day) => !until || day <= until));
  if (until) dates.add(until);
  return [...dates].sort();
}

/** Edges as flat arrays, which a slider move walks without touching the graph. */
export function edgeTable(data) {
  const sideOf = new Map(data.nodes.map((node) => [String(node.id), node.side]));
  const count = data.edges.length;
  const table = {
    keys: [],
    sources: [],
    targets: [],
    first: [],
    kinds: new Uint8Array(count),
    across: new Uint8Array(count),
  };
  data.edges.forEach((edge, i) => {
    const source = String(edge.source);
    const target = String(edge.target);
    table.keys.push(String(i));
    table.sources.push(source);
    table.targets.push(target);
    table.first.push(edge.first || "");
    let mask = 0;
    for (const kind of edge.kinds || KINDS) {
      const bit = KINDS.indexOf(kind);
      if (bit >= 0) mask |= 1 << bit;
    }
    table.kinds[i] = mask;
    table.across[i] = sideOf.get(source) !== sideOf.get(target) ? 1 : 0;
  });
  return table;
}

/** Which edges are visible on `day` with these kinds (bit mask) and hidden nodes. */
export function visibility(table, day, kindMask, hiddenNodes) {
  const visible = new Uint8Array(table.keys.length);
  let shown = 0;
  let across = 0;
  for (let i = 0; i < visible.length; i++) {
    if (
      table.first[i] <= day &&
      table.kinds[i] & kindMask &&
      !hiddenNodes.has(table.sources[i]) &&
      !hiddenNodes.has(table.targets[i])
    ) {
      visible[i] = 1;
      shown++;
      across += table.across[i];
    }
  }
  return { visible, shown, across };
}

function buildGraph(data) {
  const Graph = globalThis.graphology;
  const graph = new Graph({ type: "undirected", multi: false, allowSelfLoops: false });
  for (const node of data.nodes) {
    const style = GROUP_STYLES[node.group] || OTHER_STYLE;
    graph.addNode(String(node.id), {
      x: node.x,
      y: node.y,
      // The name alone: the group shows in the node's colour and its region (migrant
      // organisations on the left), the legend and the tables; a longer label hid its neighbours.
      label: node.label,
      size: nodeSize(node.degree),
      color: style.color,
      // The best-connected organisations are named whatever the zoom (chosen by the server).
      forceLabel: Boolean(node.labelled),
      group: node.group,
      // Only paths on this site: a node opens a profile here, never another host or a script.
      url: typeof node.url === "string" && node.url.startsWith("/") && !node.url.startsWith("//") ? node.url : null,
    });
  }
  const sideOf = new Map(data.nodes.map((node) => [String(node.id), node.side]));
  data.edges.forEach((edge, i) => {
    const source = String(edge.source);
    const target = String(edge.target);
    if (source !== target && !graph.hasEdge(source, target)) {
      const across = edge.across ?? sideOf.get(source) !== sideOf.get(target);
      const introduced = (edge.kinds || []).includes("introduction");
      const style = introduced ? EDGE_STYLES.introduction : across ? EDGE_STYLES.across : EDGE_STYLES.within;
      // Ties across the sides are drawn last, over the others; introductions over all.
      graph.addEdgeWithKey(String(i), source, target, { ...style, across, zIndex: introduced ? 2 : across ? 1 : 0 });
    }
  });
  return graph;
}

function buildControls(data, dates) {
  const controls = element("div", { class: "network-controls" });

  const slider = element("input", {
    type: "range",
    id: "network-time",
    min: "0",
    max: String(dates.length - 1),
    step: "1",
    value: String(dates.length - 1),
  });
  const dateLabel = element("output", { id: "network-time-value", for: "network-time" });
  controls.append(
    element("div", { class: "field network-time" }, [
      element("label", { for: "network-time", text: text("date") }),
      slider,
      dateLabel,
    ]),
  );

  const groupBoxes = [];
  const groupList = element("ul", { class: "network-legend" });
  const groups = Object.entries(data.groups || {});
  for (const [key, label] of groups) {
    const id = `network-group-${key}`;
    const box = element("input", { type: "checkbox", id, value: key });
    box.checked = true;
    groupBoxes.push(box);
    groupList.append(
      element("li", {}, [
        box,
        element("label", { for: id }, [shapeIcon(GROUP_STYLES[key] || OTHER_STYLE), ` ${label}`]),
      ]),
    );
  }
  controls.append(element("fieldset", { class: "network-groups" }, [element("legend", { text: text("groups") }), groupList]));

  const kindBoxes = [];
  const kindList = element("ul", { class: "network-kinds" });
  for (const kind of KINDS) {
    const id = `network-kind-${kind}`;
    const box = element("input", { type: "checkbox", id, value: kind });
    box.checked = true;
    kindBoxes.push(box);
    kindList.append(element("li", {}, [box, element("label", { for: id, text: ` ${text(`kind_${kind}`)}` })]));
  }
  controls.append(element("fieldset", { class: "network-kinds-filter" }, [element("legend", { text: text("kinds") }), kindList]));
  controls.append(
    element("ul", { class: "network-edge-legend" }, [
      element("li", {}, [element("span", { class: "network-edge-sample network-edge-across", "aria-hidden": "true" }), ` ${text("edgeAcross")}`]),
      element("li", {}, [element("span", { class: "network-edge-sample network-edge-within", "aria-hidden": "true" }), ` ${text("edgeWithin")}`]),
      element("li", {}, [element("span", { class: "network-edge-sample network-edge-introduction", "aria-hidden": "true" }), ` ${text("edgeIntroduction")}`]),
    ]),
  );

  const zoom = {
    in: element("button", { type: "button", class: "button", id: "network-zoom-in", text: text("zoomIn") }),
    out: element("button", { type: "button", class: "button", id: "network-zoom-out", text: text("zoomOut") }),
    reset: element("button", { type: "button", class: "button", id: "network-zoom-reset", text: text("zoomReset") }),
  };
  controls.append(
    element("div", { class: "network-zoom", role: "group", "aria-label": text("zoom") }, [zoom.in, zoom.out, zoom.reset]),
  );

  // Finding and opening an organisation without a mouse: the graph itself is one image.
  const options = element("datalist", { id: "network-find-options" });
  const names = new Set();
  for (const node of data.nodes) {
    if (!names.has(node.label)) {
      names.add(node.label);
      options.append(element("option", { value: node.label }));
    }
  }
  const findInput = element("input", {
    type: "search",
    id: "network-find",
    list: "network-find-options",
    autocomplete: "off",
    "aria-describedby": "network-find-result",
  });
  const findForm = element("form", { class: "network-find", role: "search" }, [
    element("label", { for: "network-find", text: text("find") }),
    findInput,
    options,
    element("button", { type: "submit", class: "button", text: text("findButton") }),
  ]);
  const findResult = element("p", { id: "network-find-result", class: "network-find-result", "aria-live": "polite" });
  controls.append(element("div", { class: "network-find-wrap" }, [findForm, findResult]));

  return { controls, slider, dateLabel, groupBoxes, kindBoxes, zoom, findForm, findInput, findResult };
}

/** The node whose label matches `query` best: exactly (ignoring case), else the first that
 * contains it. */
export function findNode(nodes, query) {
  const wanted = query.trim().toLocaleLowerCase();
  if (!wanted) return null;
  let partial = null;
  for (const node of nodes) {
    const label = String(node.label).toLocaleLowerCase();
    if (label === wanted) return node;
    if (partial === null && label.includes(wanted)) partial = node;
  }
  return partial;
}

async function startGraph(container) {
  const status = element("p", { id: "network-status", class: "network-status", role: "status", "aria-live": "polite" });
  container.before(status);
  status.textContent = text("loading");

  let data;
  try {
    const response = await fetch(container.dataset.src, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    data = await response.json();
  } catch (error) {
    status.textContent = text("failed");
    console.error(error);
    return;
  }
  if (!webglAvailable()) {
    status.textContent = text("noWebgl");
    return;
  }

  const started = performance.now();
  const dates = sliderDates(data);
  const table = edgeTable(data);
  const graph = buildGraph(data);
  const ui = buildControls(data, dates);
  status.before(ui.controls);
  container.classList.add("network-graph");
  container.setAttribute("role", "img");
  container.setAttribute("aria-label", text("graph", { nodes: data.nodes.length }));
  container.after(element("p", { class: "network-hint", text: text("hint") }));

  const renderer = new globalThis.Sigma.Sigma(graph, container, {
    // Above some thousands of edges, redrawing them during a drag costs more than it shows.
    hideEdgesOnMove: data.edges.length > 20000,
    labelRenderedSizeThreshold: 10,
    // Other names as room allows, the larger node's first; wider cells than sigma's default, as
    // organisations' names are long.
    labelGridCellSize: 150,
    zIndex: true,
  });

  renderer.on("clickNode", ({ node }) => {
    const url = graph.getNodeAttribute(node, "url");
    if (url) window.location.assign(url);
  });

  const camera = renderer.getCamera();
  ui.zoom.in.addEventListener("click", () => camera.animatedZoom({ duration: 200 }));
  ui.zoom.out.addEventListener("click", () => camera.animatedUnzoom({ duration: 200 }));
  ui.zoom.reset.addEventListener("click", () => camera.animatedReset({ duration: 200 }));
  // The zoom level as data, for the page's tests and anyone inspecting the page.
  container.dataset.zoom = String(camera.ratio);
  camera.on("updated", (state) => {
    container.dataset.zoom = String(state.ratio);
  });

  let highlighted = null;
  ui.findForm.addEventListener("submit", (event) => {
    event.preventDefault();
    if (highlighted !== null && graph.hasNode(highlighted)) {
      graph.setNodeAttribute(highlighted, "highlighted", false);
    }
    highlighted = null;
    ui.findResult.replaceChildren();
    const node = findNode(data.nodes, ui.findInput.value);
    if (!node) {
      ui.findResult.textContent = text("notFound", { name: ui.findInput.value.trim() });
      return;
    }
    const key = String(node.id);
    highlighted = key;
    graph.setNodeAttribute(key, "highlighted", true);
    const position = renderer.getNodeDisplayData(key);
    if (position) camera.animate({ x: position.x, y: position.y, ratio: 0.35 }, { duration: 300 });
    const url = graph.getNodeAttribute(key, "url");
    const group = data.groups[node.group] || node.group;
    ui.findResult.append(
      `${text("found", { name: node.label, group, degree: node.degree || 0 })} `,
      ...(url ? [element("a", { href: url, text: text("openProfile", { name: node.label }) })] : []),
    );
  });

  // What is shown now, so that a change only touches the edges and nodes that change.
  let edgeShown = new Uint8Array(table.keys.length).fill(1);
  let hiddenNodes = new Set();

  function update() {
    const updateStarted = performance.now();
    const day = dates[Number(ui.slider.value)];
    const label = formatDate(day);
    ui.dateLabel.textContent = label;
    ui.slider.setAttribute("aria-valuetext", label);

    const hiddenGroups = new Set(ui.groupBoxes.filter((box) => !box.checked).map((box) => box.value));
    const nowHidden = new Set();
    graph.forEachNode((node, attributes) => {
      if (hiddenGroups.has(attributes.group)) nowHidden.add(node);
    });
    const toHide = [...nowHidden].filter((node) => !hiddenNodes.has(node));
    const toShow = [...hiddenNodes].filter((node) => !nowHidden.has(node));
    // Sigma leaves out what has the `hidden` attribute.
    for (const node of toHide) graph.setNodeAttribute(node, "hidden", true);
    for (const node of toShow) graph.setNodeAttribute(node, "hidden", false);
    hiddenNodes = nowHidden;

    let kindMask = 0;
    ui.kindBoxes.forEach((box) => {
      if (box.checked) kindMask |= 1 << KINDS.indexOf(box.value);
    });
    const result = visibility(table, day, kindMask, hiddenNodes);
    const hideEdges = [];
    const showEdges = [];
    for (let i = 0; i < result.visible.length; i++) {
      if (result.visible[i] !== edgeShown[i] && graph.hasEdge(table.keys[i])) {
        (result.visible[i] ? showEdges : hideEdges).push(table.keys[i]);
      }
    }
    for (const edge of hideEdges) graph.setEdgeAttribute(edge, "hidden", true);
    for (const edge of showEdges) graph.setEdgeAttribute(edge, "hidden", false);
    edgeShown = result.visible;
    // How long the filters took (not the drawing), for whoever measures the page.
    container.dataset.updateMs = String(Math.round(performance.now() - updateStarted));

    status.textContent = `${text("shown", { n: result.shown })}, ${text("across", { n: result.across })}.`;
  }

  ui.slider.addEventListener("input", update);
  for (const box of [...ui.groupBoxes, ...ui.kindBoxes]) box.addEventListener("change", update);
  update();

  // After the first frame: the time from the data's arrival to a drawn graph.
  requestAnimationFrame(() => {
    container.dataset.renderMs = String(Math.round(performance.now() - started));
    container.dataset.ready = "true";
  });
}

function startChart(canvas, rows) {
  const Chart = globalThis.Chart;
  const value = (row, ...names) => {
    for (const name of names) if (typeof row[name] === "number") return row[name];
    return null;
  };
  const labels = rows.map((row) => formatDate(row.date || row.day));
  const reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  // Each series differs by colour, dash pattern and point shape, so colour is not the only cue.
  const series = [
    { label: text("crossShare"), data: rows.map((r) => value(r, "cross_share")), color: "#b35900", dash: [], point: "circle" },
    { label: text("eiIndex"), data: rows.map((r) => value(r, "ei_index", "ei")), color: "#1f5fa8", dash: [8, 4], point: "rect" },
    { label: text("density"), data: rows.map((r) => value(r, "density")), color: "#2e7d32", dash: [2, 3], point: "triangle" },
  ];
  if (!canvas.hasAttribute("aria-label")) {
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", text("chart"));
  }
  const chart = new Chart(canvas, {
    type: "line",
    data: {
      labels,
      datasets: series.map((s) => ({
        label: s.label,
        data: s.data,
        borderColor: s.color,
        backgroundColor: s.color,
        borderDash: s.dash,
        pointStyle: s.point,
        pointRadius: 5,
        borderWidth: 2,
        spanGaps: true,
      })),
    },
    options: {
      locale: LANGUAGE,
      animation: reduceMotion ? false : { duration: 300 },
      scales: { y: { suggestedMin: -1, suggestedMax: 1, ticks: { color: "#333333" } }, x: { ticks: { color: "#333333" } } },
      plugins: { legend: { labels: { usePointStyle: true, color: "#333333" } } },
    },
  });
  canvas.dataset.ready = "true";
  return chart;
}

function start() {
  const container = document.getElementById("network-graph");
  if (container && container.dataset.src) startGraph(container);
  const canvas = document.getElementById("network-chart");
  const block = document.getElementById("network-chart-data");
  if (canvas && block) {
    let rows = [];
    try {
      rows = JSON.parse(block.textContent);
    } catch (error) {
      console.error(error);
    }
    if (Array.isArray(rows) && rows.length) startChart(canvas, rows);
  }
}

start();
