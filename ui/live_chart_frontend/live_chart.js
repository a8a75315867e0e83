// One Plotly chart per mounted component, kept across reruns: every new figure from the app is applied
// with Plotly.react, which redraws only what changed, and a figure that arrives while another is being
// drawn replaces any figure still waiting (a live view never queues up stale frames).
const charts = new WeakMap();
let templateLoading = null;

let plotlyLoading = null;

function loadPlotly(url) {
  // One plotly.js for the whole page, shared with the sweep views (ui/sweep_view.py) through its script tag;
  // every chart waits on the same promise.
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!plotlyLoading) {
    plotlyLoading = new Promise((resolve, reject) => {
      let script = document.querySelector("script[data-plotly-js]");
      const define = window.define;
      if (!script) {
        // plotly.min.js is a UMD bundle: with an AMD loader on the page it would not set window.Plotly.
        window.define = undefined;
        script = document.createElement("script");
        script.src = url;
        script.dataset.plotlyJs = "";
        document.head.appendChild(script);
      }
      script.addEventListener("load", () => { if (window.define === undefined) window.define = define; resolve(window.Plotly); },
                              {once: true});
      script.addEventListener("error", () => {
        if (window.define === undefined) window.define = define;
        script.remove();
        plotlyLoading = null;
        reject(new Error("plotly.js did not load"));
      }, {once: true});
      if (window.Plotly) resolve(window.Plotly);
    });
  }
  return plotlyLoading;
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

function chartIn(parentElement) {
  let state = charts.get(parentElement);
  if (!state) {
    const chart = document.createElement("div");
    chart.className = "live-chart";
    chart.style.width = "100%";
    const problem = document.createElement("div");
    problem.className = "live-chart-problem";
    problem.style.cssText = "color: #b42318; padding: 0.5rem 0;";
    problem.hidden = true;
    parentElement.append(chart, problem);
    state = {chart, problem, waiting: null, drawing: false, shown: null, listening: false, draws: 0, trigger: null};
    charts.set(parentElement, state);
  }
  return state;
}

async function drawWaiting(state) {
  state.drawing = true;
  while (state.waiting) {
    const text = state.waiting;
    state.waiting = null;
    if (state.shown && text.startsWith(`{"revision": "${state.shown}"`)) continue;
    let spec = null;
    try {
      const message = JSON.parse(text);
      spec = {...message.settings, revision: message.revision, figure: message.figure};
      state.chart.dataset.key = spec.key;
      state.chart.style.minHeight = `${spec.height}px`;
      const [Plotly, template] = await Promise.all([loadPlotly(spec.plotly), loadTemplate(spec.template)]);
      const figure = spec.figure;
      figure.layout.template = template;
      await Plotly.react(state.chart, {
        data: figure.data, layout: figure.layout, frames: figure.frames || [],
        config: {displaylogo: false, responsive: true, ...spec.config},
      });
      state.shown = spec.revision;
      state.problem.hidden = true;
      state.chart.dataset.draws = String(++state.draws);
      if (spec.clicks && !state.listening) listenForClicks(state);
    } catch (error) {
      state.problem.textContent = `${spec && spec.problem ? spec.problem : "This figure could not be drawn."} (${error.message})`;
      state.problem.hidden = false;
    }
  }
  state.drawing = false;
}

function listenForClicks(state) {
  state.listening = true;
  state.chart.on("plotly_click", event => {
    const point = event.points && event.points[0];
    if (!point || !state.trigger) return;
    state.trigger("click", {x: point.x, y: point.y, curve: point.curveNumber, index: point.pointIndex});
  });
}

export default function (component) {
  const {data, parentElement, setTriggerValue} = component;
  if (!data) return undefined;
  const state = chartIn(parentElement);
  state.trigger = setTriggerValue;
  state.waiting = new TextDecoder().decode(data);
  if (!state.drawing) drawWaiting(state);
  // Once the chart has left the page, free it (Plotly keeps a window resize listener per chart otherwise).
  return () => {
    if (parentElement.isConnected) return;
    if (window.Plotly) window.Plotly.purge(state.chart);
    charts.delete(parentElement);
  };
}
