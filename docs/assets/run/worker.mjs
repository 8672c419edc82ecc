// The in-page Python: Pyodide in a module Web Worker, so that the page never freezes and a
// runaway loop is stopped by terminating the worker. Everything is loaded from this site.
//
// Messages in:  {id, op: "init"}                                     -> {id, ok: true}
//               {id, op: "exec", source, filename, ns, fresh, graph, lang} -> {id, ...inpage.run's result, svg}
//                 (lang "zh": a stepper's and a note's words in Chinese, for the Chinese edition's pages)
//                 with stepper: KEY (a ```backprop block) -> also {stepper: the figure's HTML}, or
//                 for a graph too large to step, {svg, note}
//               {id, op: "reset", ns}                                -> {id, ok: true}
// Messages out: {progress: text, step, steps} while starting (English: run.js translates it);
//               {id, failed: message} on a crash.
// docs/assets/run/run.js is the page side; inpage.py the Python side.
import { loadPyodide } from "./vendor/pyodide/pyodide.mjs";

const here = (path) => new URL(path, import.meta.url).href;
let ready = null;
let viz = null;
const STEPS = 3;

function start() {
  ready ??= (async () => {
    postMessage({ progress: "Starting Python (downloading and compiling Pyodide)", step: 1, steps: STEPS });
    const py = await loadPyodide({ indexURL: here("./vendor/pyodide/"), packages: [] });
    postMessage({ progress: "Loading micrograd and graphviz", step: 2, steps: STEPS });
    const [zip, runner] = await Promise.all([
      fetch(here("./vendor/python.zip")).then((r) => r.arrayBuffer()),
      fetch(here("./inpage.py")).then((r) => r.text()),
    ]);
    py.unpackArchive(zip, "zip", { extractDir: "/home/pyodide/site" });
    py.FS.writeFile("/home/pyodide/site/inpage.py", runner);
    py.runPython("import sys; sys.path.insert(0, '/home/pyodide/site'); import inpage, micrograd");
    postMessage({ progress: "Python is ready", step: 3, steps: STEPS });
    return py.pyimport("inpage");
  })();
  return ready;
}

async function loadViz() {
  viz ??= await (await import("./vendor/viz.js")).instance();
  return viz;
}

let renderer = false;
async function liveSteppers(inpage) {  // hooks/stepper.py's graphs, laid out by viz instead of `dot`
  if (renderer) return;
  const v = await loadViz();
  inpage.set_renderer((dot) => v.renderString(dot, { format: "svg", engine: "dot" }));
  renderer = true;
}

async function render(dot, label, prefix) {
  await loadViz();
  let svg = viz.renderString(dot, { format: "svg", engine: "dot" });
  svg = svg.slice(svg.indexOf("<svg")).replace(/<!--[\s\S]*?-->/g, "").replace(/<title>[\s\S]*?<\/title>/g, "");
  svg = svg.replace(/\bid="([^"]+)"/g, `id="${prefix}-$1"`).replace(/(href="#|url\(#)([^")]+)/g, `$1${prefix}-$2`);
  const alt = label.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  return svg.replace("<svg", `<svg role="img" aria-label="${alt}"`);
}

onmessage = async ({ data }) => {
  const { id, op } = data;
  try {
    const inpage = await start();
    if (op === "init") return postMessage({ id, ok: true });
    if (op === "reset") {
      inpage.reset(data.ns);  // undefined is None in Python (null would be pyodide's jsnull)
      return postMessage({ id, ok: true });
    }
    if (op !== "exec") throw new Error(`unknown op ${op}`);
    if (data.stepper) await liveSteppers(inpage);
    const result = JSON.parse(inpage.run(data.source, data.filename ?? "<block>", data.ns ?? "page",
                                         !!data.fresh, !!data.graph, data.stepper || undefined, !!data.optional,
                                         data.lang === "zh" ? "zh" : "en"));
    if (result.dot) result.svg = await render(result.dot, result.label, data.prefix ?? "run");
    postMessage({ id, ...result });
  } catch (e) {
    postMessage({ id, failed: String(e && e.message || e) });
  }
};
