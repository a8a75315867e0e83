// One view per mounted component (ui/sweep_view.py): figures and texts precomputed for every value of a slider
// on the page, redrawn here whenever that slider moves. The slider reruns no script (on_change="ignore"); the
// view watches it in the page, applies the value's patch to each figure with Plotly.react, sets each text with
// textContent, and, when it publishes the slider, writes the value into the URL and the "Share this view" box.
// Each figure has a few stacked plots: the one in view, and hidden ones drawn, while nothing else happens, at the
// values next to it, so that a step of the slider only has to show a plot already drawn.
const views = new WeakMap();
let templateLoading = null;
const WATCHED_EVENTS = ["pointerdown", "keydown", "focusin", "click"];
const PLOTS_PER_FIGURE = 3;  // the value in view and its two neighbours

function loadPlotly(url) {
  // One plotly.js for the whole page, shared with the live charts (ui/live_chart.py) through its script tag.
  if (window.Plotly) return Promise.resolve(window.Plotly);
  let script = document.querySelector("script[data-plotly-js]");
  if (!script) {
    // plotly.min.js is a UMD bundle: with an AMD loader on the page it would not set window.Plotly.
    const define = window.define;
    window.define = undefined;
    script = document.createElement("script");
    script.src = url;
    script.dataset.plotlyJs = "";
    script.addEventListener("load", () => { window.define = define; }, {once: true});
    script.addEventListener("error", () => { window.define = define; script.remove(); }, {once: true});
    document.head.appendChild(script);
  }
  return new Promise((resolve, reject) => {
    script.addEventListener("load", () => resolve(window.Plotly), {once: true});
    script.addEventListener("error", () => reject(new Error("plotly.js did not load")), {once: true});
    if (window.Plotly) resolve(window.Plotly);
  });
}

function loadTemplate(url) {
  if (!templateLoading) {
    templateLoading = fetch(url).then(response => response.json()).catch(error => {
      templateLoading = null;
      throw error;
    });
  }
  return templateLoading;
}

function viewIn(parentElement) {
  let view = views.get(parentElement);
  if (!view) {
    const root = document.createElement("div");
    root.className = "sweep-view";
    const problem = document.createElement("div");
    problem.className = "sweep-view-problem";
    problem.hidden = true;
    parentElement.append(root, problem);
    view = {root, problem, revision: null, spec: null, structure: "", items: [], shown: "", drawing: false,
            again: false, watched: new Map(), listener: null};
    views.set(parentElement, view);
  }
  return view;
}

// ---------------------------------------------------------------- building the view

function structureOf(spec) {
  return JSON.stringify(spec.rows.map(row => [row.widths, row.items.map(item => [item.kind, item.key, item.style])]));
}

function chartElement(item) {
  const root = document.createElement("div");
  root.className = "sweep-view-chart";
  root.dataset.key = item.key;
  root.style.height = `${item.height}px`;
  const plots = Array.from({length: PLOTS_PER_FIGURE}, () => {
    const div = document.createElement("div");
    div.className = "sweep-view-plot";
    root.append(div);
    return {div, state: ""};
  });
  const element = {root, chart: root, plots, visible: null, draws: 0};
  showPlot(element, plots[0]);
  return element;
}

function textElement(item) {
  const heading = item.style === "heading";
  const root = document.createElement(heading ? "div" : "p");
  root.dataset.key = item.key;
  if (heading) root.setAttribute("role", "heading");
  if (heading) root.setAttribute("aria-level", "4");
  const notice = item.style === "info" || item.style === "warning";
  root.className = heading ? "sweep-view-heading"
    : notice ? `sweep-view-notice sweep-view-${item.style}` : "sweep-view-caption";
  if (notice) root.setAttribute("role", "status");
  const text = document.createElement("span");
  root.append(text);
  let badge = null;
  if (heading) {
    badge = document.createElement("span");
    badge.className = "sweep-view-badge";
    root.append(badge);
  }
  return {root, text, badge};
}

function build(view, spec) {
  const structure = structureOf(spec);
  if (structure !== view.structure) {
    purgeCharts(view);
    view.root.replaceChildren();
    view.items = [];
    for (const row of spec.rows) {
      const line = document.createElement("div");
      line.className = "sweep-view-row";
      line.style.gridTemplateColumns = row.widths.map(width => `minmax(0, ${width}fr)`).join(" ");
      for (const item of row.items) {
        const element = item.kind === "chart" ? chartElement(item) : textElement(item);
        line.append(element.root);
        view.items.push(element);
      }
      view.root.append(line);
    }
    view.structure = structure;
  }
  spec.rows.flatMap(row => row.items).forEach((item, index) => { view.items[index].item = item; });
  view.spec = spec;
  view.shown = "";
}

function purgeCharts(view) {
  if (!window.Plotly) return;
  for (const element of view.items) for (const plot of element.plots || []) window.Plotly.purge(plot.div);
}

// ---------------------------------------------------------------- the sliders in the page

function sliderContainer(follow) {
  return document.querySelector(`.st-key-${CSS.escape(follow.slider)}`);
}

function sliderValue(follow) {
  const input = sliderContainer(follow)?.querySelector('input[type="range"]');
  const value = input ? Number(input.value) : NaN;
  return Number.isFinite(value) ? value : null;
}

function nearestIndex(values, value) {
  let best = 0;
  values.forEach((candidate, index) => {
    if (Math.abs(candidate - value) < Math.abs(values[best] - value)) best = index;
  });
  return best;
}

function followedIndex(follow, fallback) {
  if (!follow) return null;
  const value = sliderValue(follow);
  return value === null ? fallback : nearestIndex(follow.values, value);
}

function watchSliders(view) {
  for (const follow of [view.spec.main, view.spec.opacity]) {
    if (!follow) continue;
    const container = sliderContainer(follow);
    const known = view.watched.get(follow.slider);
    if (!container || (known && known.container === container)) continue;
    if (known) known.observer.disconnect();
    // Called once the slider's new value is in the page: draw now (a draw under way takes it up when it ends).
    const observer = new MutationObserver(() => redraw(view));
    observer.observe(container, {subtree: true, attributes: true, attributeFilter: ["value", "aria-valuetext"]});
    view.watched.set(follow.slider, {container, observer});
  }
}

function listen(view) {
  if (view.listener) return;
  // A slider replaced by a run is watched again at the first touch of the page, before it can move.
  view.listener = event => {
    watchSliders(view);
    setTimeout(() => redraw(view), 0);
    if (event.type === "click") followShareBoxAfterClick(view.spec.share_box, event);
  };
  for (const type of WATCHED_EVENTS) document.addEventListener(type, view.listener, true);
}

function unlisten(view) {
  (window.cancelIdleCallback || clearTimeout)(view.ahead);
  for (const type of WATCHED_EVENTS) document.removeEventListener(type, view.listener, true);
  view.listener = null;
  for (const {observer} of view.watched.values()) observer.disconnect();
  view.watched.clear();
}

// ---------------------------------------------------------------- drawing

function setPath(target, keys, value) {
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (node[key] === null || typeof node[key] !== "object") node[key] = {};
    node = node[key];
  }
  const last = keys[keys.length - 1];
  if (value === null) delete node[last];
  else node[last] = value;
}

function figureAt(item, index, opacity) {
  const patch = item.patches[index] || {data: {}, layout: {}};
  const data = item.figure.data.map((trace, traceIndex) => {
    const copy = structuredClone(trace);
    for (const [key, value] of Object.entries(patch.data[String(traceIndex)] || {})) setPath(copy, [key], value);
    if (opacity !== null && item.opacity_traces.includes(traceIndex)) copy.opacity = opacity;
    return copy;
  });
  const layout = structuredClone(item.figure.layout);
  for (const [path, value] of Object.entries(patch.layout)) setPath(layout, path.split("."), value);
  return {data, layout};
}

function showText(element, index) {
  const value = element.item.values[index] ?? "";
  element.text.textContent = value;
  element.root.hidden = value === "";
  if (!element.badge) return;
  const badge = element.item.badges[index];
  element.badge.hidden = !badge;
  if (badge) {
    element.badge.textContent = badge[0];
    element.badge.dataset.tone = badge[1];
  }
}

function plotState(view, index, opacity) {
  return `${view.revision} ${index} ${opacity}`;
}

async function drawPlot(Plotly, template, spec, element, plot, index, opacity, state) {
  const figure = figureAt(element.item, index, opacity);
  figure.layout.template = template;
  const draw = (plot.draw || 0) + 1;
  plot.draw = draw;
  plot.state = "";
  await Plotly.react(plot.div, {
    data: figure.data, layout: figure.layout, config: {displaylogo: false, responsive: true, ...spec.config},
  });
  if (plot.draw === draw) plot.state = state;
}

function showPlot(element, plot) {
  if (element.visible === plot) return;
  for (const other of element.plots) {
    const hidden = other !== plot;
    other.div.toggleAttribute("data-hidden", hidden);
    other.div.setAttribute("aria-hidden", String(hidden));
    other.div.inert = hidden;
  }
  element.visible = plot;
}

async function showChart(view, Plotly, template, element, index, opacity) {
  const state = plotState(view, index, opacity);
  let plot = element.plots.find(candidate => candidate.state === state);
  if (!plot) {
    plot = element.visible;
    await drawPlot(Plotly, template, view.spec, element, plot, index, opacity, state);
  }
  showPlot(element, plot);
  element.chart.dataset.shown = String(index);
  element.chart.dataset.draws = String(++element.draws);
}

async function redraw(view) {
  if (!view.spec) return;
  if (view.drawing) {
    view.again = true;
    return;
  }
  view.drawing = true;
  try {
    do {
      view.again = false;
      const spec = view.spec;
      const index = followedIndex(spec.main, 0);
      const opacityIndex = followedIndex(spec.opacity, null);
      const opacity = opacityIndex === null ? null : spec.opacity.values[opacityIndex];
      publish(spec.main, index, spec.share_box);
      if (spec.opacity) publish(spec.opacity, opacityIndex, spec.share_box);
      const state = plotState(view, index, opacity);
      if (state === view.shown) continue;
      for (const element of view.items) if (!element.chart) showText(element, index);
      const [Plotly, template] = await Promise.all([loadPlotly(spec.plotly), loadTemplate(spec.template)]);
      const charts = view.items.filter(element => element.chart);
      await Promise.all(charts.map(element => showChart(view, Plotly, template, element, index, opacity)));
      if (view.shownIndex !== undefined && index !== view.shownIndex) {
        view.direction = Math.sign(index - view.shownIndex);
      }
      view.shown = state;
      view.shownIndex = index;
      view.root.dataset.index = String(index);
      view.problem.hidden = true;
      drawAheadLater(view, index, opacity);
    } while (view.again);
  } catch (error) {
    view.problem.textContent = `${view.spec.problem} (${error.message})`;
    view.problem.hidden = false;
  } finally {
    view.drawing = false;
  }
}

function drawAheadLater(view, index, opacity) {
  // One hidden plot at a time, when the page is idle (after the frame that shows the value in view), so that
  // neither a move of the slider nor anything else on the page waits behind more than one of them.
  const later = window.requestIdleCallback || (callback => setTimeout(callback, 20));
  const cancel = window.cancelIdleCallback || clearTimeout;
  cancel(view.ahead);
  view.ahead = later(() => drawAhead(view, index, opacity), {timeout: 50});
}

async function drawAhead(view, index, opacity) {
  // The next value in the direction the slider last moved first, for every figure; then the one behind.
  const direction = view.direction || 1;
  const count = view.spec.main.values.length;
  const wanted = [index + direction, index - direction].filter(value => value >= 0 && value < count);
  const keep = new Set([index, ...wanted].map(value => plotState(view, value, opacity)));
  const charts = view.items.filter(element => element.chart);
  for (const value of wanted) {
    const state = plotState(view, value, opacity);
    for (const element of charts) {
      if (element.plots.some(plot => plot.state === state)) continue;
      const free = element.plots.find(plot => plot !== element.visible && !keep.has(plot.state));
      if (!free || view.drawing || view.shown !== plotState(view, index, opacity)) return;
      const [Plotly, template] = await Promise.all([loadPlotly(view.spec.plotly), loadTemplate(view.spec.template)]);
      await drawPlot(Plotly, template, view.spec, element, free, value, opacity, state);
      drawAheadLater(view, index, opacity);
      return;
    }
  }
}

// ---------------------------------------------------------------- the link

function withParam(search, key, value) {
  const parts = search.replace(/^\?/, "").split("&").filter(Boolean);
  const at = parts.findIndex(part => decodeURIComponent(part.split("=")[0]) === key);
  const entry = value === null ? null : `${encodeURIComponent(key)}=${encodeURIComponent(value)}`;
  if (at >= 0 && entry === null) parts.splice(at, 1);
  else if (at >= 0) parts[at] = entry;
  else if (entry !== null) parts.push(entry);
  return parts.length ? `?${parts.join("&")}` : "";
}

function publish(follow, index, shareBox) {
  if (!follow || !follow.param || index === null) return;
  const {pathname, search, hash} = window.location;
  const wanted = withParam(search, follow.param, follow.query[index]);
  if (wanted === search) return;
  window.history.replaceState(window.history.state, "", `${pathname}${wanted}${hash}`);
  followShareBox(shareBox);
}

function followShareBox(key) {
  // Only the text node Streamlit drew changes (never the elements around it), so its later updates still apply.
  const link = window.location.href;
  for (const box of document.querySelectorAll(`.st-key-${CSS.escape(key)} [data-testid="stCode"]`)) {
    const code = box.querySelector("code");
    const walker = code && document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
    const node = walker && walker.nextNode();
    if (node && node.nodeValue !== link) node.nodeValue = link;
  }
}

const watchedShareBoxes = new WeakSet();

function followShareBoxAfterClick(key, event) {
  // The box is drawn when its popover opens, its code block a moment later; its copy button copies the link
  // the box was drawn with.
  const copy = event.target instanceof Element && event.target.closest(`.st-key-${CSS.escape(key)} button`);
  setTimeout(() => {
    for (const container of document.querySelectorAll(`.st-key-${CSS.escape(key)}`)) {
      if (watchedShareBoxes.has(container)) continue;
      watchedShareBoxes.add(container);
      new MutationObserver(() => followShareBox(key))
        .observe(container, {subtree: true, childList: true, characterData: true});
    }
    followShareBox(key);
    if (copy && navigator.clipboard) navigator.clipboard.writeText(window.location.href).catch(() => {});
  }, 0);
}

// ---------------------------------------------------------------- the component

export default function (component) {
  const {data, parentElement} = component;
  if (!data) return undefined;
  const view = viewIn(parentElement);
  const text = new TextDecoder().decode(data);
  if (!(view.revision && text.startsWith(`{"revision": "${view.revision}"`))) {
    const message = JSON.parse(text);
    build(view, message.view);
    view.revision = message.revision;
  }
  listen(view);
  watchSliders(view);
  redraw(view);
  return () => {
    if (parentElement.isConnected) return;
    unlisten(view);
    purgeCharts(view);
    views.delete(parentElement);
  };
}
