// The playground (docs/playground.md): an editor, Run, Stop, Share, the output, and the graph of the
// code's last line with its backward-pass stepper (the build's hooks/stepper.py, run in the page by
// the in-page Python: run.js's window.mgPython). Loaded by run.js only on the page that has
// <div id="mg-playground">, so no other page's first view pays for it.
//
// A shared link carries the code in its fragment, #code=<base64url of the code compressed with
// CompressionStream("deflate-raw")>: no server sees it, and it works offline on any static host.
// Chapters' "Open in playground" make the same links (run.js, with share() below).

// The words this module puts on the page, in Chinese on the Chinese edition (<html lang="zh-CN">).
// The English text is the key, so an English page shows exactly that; {0}, {1}, ... are filled in.
// The examples' code is not translated: only their names in the menu.
const ZH = {
  "L = -8 (the lecture's first expression)": "L = -8（讲座的第一个表达式）",
  "The neuron": "神经元",
  "a + a (a value used twice)": "a + a（一个值用了两次）",
  "tanh broken up into exp, +, -, /": "把 tanh 拆成 exp、+、-、/",
  "A tiny MLP's loss": "一个小 MLP 的损失",
  "Run": "运行", "Run the code (Ctrl+Enter in the editor)": "运行代码（在编辑器中按 Ctrl+Enter）",
  "Stop": "停止", "Stop the running code (Python starts afresh on the next Run)": "停止正在运行的代码（下一次运行时 Python 会重新启动）",
  "Share": "分享", "Put the code into this page's address, to copy as a link": "把代码放进本页的地址，以便作为链接复制",
  "Link to this code": "指向这段代码的链接",
  "Start from: ": "从示例开始：",
  "Python code of the playground, editable": "练习场的 Python 代码，可编辑",
  "Running…": "正在运行…",
  "The last line is not a Value, so there is no graph to draw.": "最后一行不是 Value，所以没有图可画。",
  "(no output)": "（没有输出）",
  "Stopped. The next Run starts Python afresh.": "已停止。下一次运行会重新启动 Python。",
  "The address of this page now holds your code ({0} characters): copy it from the box above. Opening it shows this code, ready to Run.":
    "本页的地址现在包含了你的代码（{0} 个字符）：请从上面的框中复制它。打开这个地址就会显示这段代码，可以直接运行。",
  "This link's code is damaged (it was cut short?), so the first example opens instead.":
    "这个链接里的代码已损坏（可能被截断了？），所以改为打开第一个示例。",
  "This code came with the link. Read it, then press Run to run it.": "这段代码来自链接。先读一读，再按“运行”来运行它。",
  "Train": "训练", "Train the network from a fresh start": "从头开始训练网络",
  "Pause": "暂停", "Pause the training after this step": "在这一步之后暂停训练", "Resume": "继续",
  "Stop the training now": "立即停止训练",
  "Press Train: the first step also loads Python and the 100 points.": "按“训练”：第一步还会加载 Python 和那 100 个点。",
  "Loss at each step (log scale): nothing yet": "每一步的损失（对数刻度）：还没有数据",
  "The 100 points and the decision boundary: nothing yet": "100 个点和决策边界：还没有数据",
  "Learning rate": "学习率", "Steps": "步数",
  "Stopped after {0} steps. Train starts again from a fresh network.": "在第 {0} 步之后停止。再按“训练”会从一个新的网络重新开始。",
  "step {0}": "第 {0} 步", "loss, log scale": "损失（对数刻度）",
  "Loss at each step (log scale): {0} steps, from {1} to {2}": "每一步的损失（对数刻度）：{0} 步，从 {1} 到 {2}",
  "The 100 points and the decision boundary after {0} steps: {1} of {2} grid points classed +1":
    "训练 {0} 步后的 100 个点和决策边界：{2} 个网格点中有 {1} 个被分为 +1",
  "The 100 points, before training": "训练前的 100 个点",
  "Loading Python and the points…": "正在加载 Python 和这些点…",
  "Step {0} of {1}: loss {2}, accuracy {3}% ({4} ms a step)": "第 {0} 步，共 {1} 步：损失 {2}，准确率 {3}%（每步 {4} 毫秒）",
  "Stopped.": "已停止。",
  "The training failed: {0}": "训练失败：{0}",
};
const tr = (text, ...args) => ((document.documentElement.lang.startsWith("zh") && ZH[text]) || text)
  .replace(/\{(\d)\}/g, (_, i) => args[i]);

export const EXAMPLES = [
  ["L = -8 (the lecture's first expression)", `from micrograd import Value

a = Value(2.0, label='a')
b = Value(-3.0, label='b')
c = Value(10.0, label='c')
e = a * b; e.label = 'e'
d = e + c; d.label = 'd'
f = Value(-2.0, label='f')
L = d * f; L.label = 'L'
print(L.data)
L  # the last line, a Value, is drawn with its backward pass
`],
  ["The neuron", `from micrograd import Value

x1 = Value(2.0, label='x1'); x2 = Value(0.0, label='x2')    # inputs
w1 = Value(-3.0, label='w1'); w2 = Value(1.0, label='w2')   # weights
b = Value(6.8813735870195432, label='b')                    # bias
x1w1 = x1 * w1; x1w1.label = 'x1*w1'
x2w2 = x2 * w2; x2w2.label = 'x2*w2'
x1w1x2w2 = x1w1 + x2w2; x1w1x2w2.label = 'x1*w1 + x2*w2'
n = x1w1x2w2 + b; n.label = 'n'
o = n.tanh(); o.label = 'o'
o
`],
  ["a + a (a value used twice)", `from micrograd import Value

a = Value(3.0, label='a')
b = a + a; b.label = 'b'
b  # db/da = 2: two contributions of 1 each, added
`],
  ["tanh broken up into exp, +, -, /", `from micrograd import Value

x1 = Value(2.0, label='x1'); x2 = Value(0.0, label='x2')
w1 = Value(-3.0, label='w1'); w2 = Value(1.0, label='w2')
b = Value(6.8813735870195432, label='b')
n = x1*w1 + x2*w2 + b; n.label = 'n'
e = (2*n).exp(); e.label = 'e'
o = (e - 1) / (e + 1); o.label = 'o'
o  # the same gradients as n.tanh() gives
`],
  ["A tiny MLP's loss", `import random
from micrograd import MLP

random.seed(1337)
net = MLP(3, [4, 4, 1], act="tanh")     # the lecture's network
xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
ys = [1.0, -1.0, -1.0, 1.0]             # desired targets
ypred = [net(x) for x in xs]
loss = sum((yout - ygt)**2 for ygt, yout in zip(ys, ypred))
print("loss", loss.data)
loss
`],
];

const CODE = "code=";

function toBase64url(bytes) {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64url(text) {
  const s = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

async function pipe(bytes, stream) {
  return new Uint8Array(await new Response(new Blob([bytes]).stream().pipeThrough(stream)).arrayBuffer());
}

/** The fragment that carries `code`: "#code=..." */
export async function share(code) {
  const packed = await pipe(new TextEncoder().encode(code), new CompressionStream("deflate-raw"));
  return "#" + CODE + toBase64url(packed);
}

/** The code a fragment carries, or null if it carries none; throws on a damaged one. */
export async function unshare(hash) {
  const at = hash.indexOf(CODE);
  if (!hash.startsWith("#") || at !== 1) return null;
  const bytes = await pipe(fromBase64url(hash.slice(1 + CODE.length)), new DecompressionStream("deflate-raw"));
  return new TextDecoder().decode(bytes);
}

function el(tag, props = {}, ...children) {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
}

function button(text, hint, onClick) {
  const b = el("button", { type: "button", className: "md-button mg-run-button", textContent: text, title: hint });
  b.addEventListener("click", onClick);
  return b;
}

export async function mount(root, { editorUrl }) {
  const py = window.mgPython;
  const choose = el("select", { id: "mg-pg-example" });
  EXAMPLES.forEach(([name], i) => choose.append(el("option", { value: String(i), textContent: tr(name) })));
  const box = el("div", { className: "mg-run-editor mg-pg-editor" });
  const out = el("div", { className: "mg-run-out mg-pg-out" });
  out.setAttribute("aria-live", "polite");
  const graph = el("div", { className: "mg-pg-graph" });
  const run = button(tr("Run"), tr("Run the code (Ctrl+Enter in the editor)"), () => go());
  const stop = button(tr("Stop"), tr("Stop the running code (Python starts afresh on the next Run)"), () => {
    py.stop();
  });
  const shareB = button(tr("Share"), tr("Put the code into this page's address, to copy as a link"), () => doShare());
  stop.hidden = true;
  // As run.js does for a chapter's Run: a hover or focus starts Python early, and here also Graphviz
  // (the first stepper's layout would otherwise wait for it); no code of the reader's runs.
  for (const ev of ["pointerenter", "focus"]) {
    run.addEventListener(ev, () => { py.exec("None", { ns: "warm-up", stepper: "warm-up", optional: true }).catch(() => {}); }, { once: true });
  }
  const link = el("input", { type: "text", readOnly: true, className: "mg-pg-link", hidden: true });
  link.setAttribute("aria-label", tr("Link to this code"));
  const pick = el("p", { className: "mg-pg-pick" }, el("label", { htmlFor: "mg-pg-example", textContent: tr("Start from: ") }), choose);
  const tools = el("div", { className: "mg-run-tools" }, run, stop, shareB);
  root.replaceChildren(pick, box, tools, link, out, graph);

  const label = tr("Python code of the playground, editable");
  let editor;
  try {
    const { createEditor } = await import(editorUrl);
    editor = createEditor(box, "", { label, onRun: () => run.click() });
  } catch (e) {
    const area = el("textarea", { rows: 14, spellcheck: false });
    area.setAttribute("aria-label", label);
    box.append(area);
    editor = { get: () => area.value, set: (t) => { area.value = t; }, focus: () => area.focus(), destroy: () => {} };
  }

  choose.addEventListener("change", () => {
    editor.set(EXAMPLES[Number(choose.value)][1]);
    out.replaceChildren();
  });

  function say(text, cls = "mg-run-note") {
    return el("p", { className: cls, textContent: text });
  }

  async function go() {
    if (run.disabled) return;
    run.disabled = true;
    stop.hidden = false;
    root.classList.add("mg-running");
    out.replaceChildren(say(tr("Running…"), "mg-run-progress"));
    delete out.dataset.state;
    const t0 = performance.now();
    try {
      const r = await py.exec(editor.get(), { ns: "playground", fresh: true, filename: "<playground>",
                                              stepper: "mg-pg-stepper", optional: true });
      const parts = [];
      const text = (r.stdout || "") + (r.stderr || "");
      if (text) parts.push(el("pre", { className: "mg-run-stdout", textContent: text }));
      if (r.error) parts.push(el("pre", { className: "mg-run-error", textContent: r.error.traceback }));
      if (r.stepper) {  // the last good graph stays when the code fails
        const t = document.createElement("template");
        t.innerHTML = r.stepper;
        const fig = t.content.firstElementChild;
        fig.classList.add("mg-live");
        graph.replaceChildren(fig);
        window.mgGraphs?.bind(fig);
      } else if (r.svg) {
        const fig = el("figure", { className: "mg-graph mg-run-graph" });
        fig.innerHTML = `<div class="mg-scroll" tabindex="0">${r.svg}</div>`;
        graph.replaceChildren(say(r.note), fig);
      } else if (r.ok) {
        graph.replaceChildren(say(tr("The last line is not a Value, so there is no graph to draw.")));
      }
      if (!parts.length) parts.push(say(tr("(no output)")));
      out.replaceChildren(...parts);
      out.dataset.state = r.ok ? "done" : "error";
      out.dataset.ms = (performance.now() - t0).toFixed(0);
    } catch (e) {
      const why = e.message === "Stopped" ? tr("Stopped. The next Run starts Python afresh.") : String(e.message || e);
      out.replaceChildren(el("pre", { className: "mg-run-error", textContent: why }));
      out.dataset.state = "error";
    } finally {
      run.disabled = false;
      stop.hidden = true;
      root.classList.remove("mg-running");
    }
  }

  async function doShare() {
    const hash = await share(editor.get());
    history.replaceState(null, "", hash);
    link.value = location.href;
    link.hidden = false;
    link.focus();
    link.select();
    out.replaceChildren(say(tr("The address of this page now holds your code ({0} characters): copy it from the box above. Opening it shows this code, ready to Run.", location.href.length)));
  }

  let code = null;
  try {
    code = await unshare(location.hash);
  } catch (e) {
    out.replaceChildren(say(tr("This link's code is damaged (it was cut short?), so the first example opens instead.")));
  }
  if (code !== null) {
    editor.set(code);
    choose.selectedIndex = -1;
    out.replaceChildren(say(tr("This code came with the link. Read it, then press Run to run it.")));
  } else {
    editor.set(EXAMPLES[0][1]);
  }
  root.mgCode = () => editor.get();  // for the tests: the code in the editor
  root.dataset.ready = "";
  return { editor, go };
}

// Watch it learn: examples/moons.ipynb's training in the page, one step per call into the in-page
// Python (assets/run/moons.py, on the notebook's own points, moons.json, made at build time by
// scikit-learn), with the loss curve and the decision boundary redrawn as it goes.
const SVG = "http://www.w3.org/2000/svg";

function svgEl(tag, attrs = {}) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

export async function mountMoons(root, { dataUrl, codeUrl }) {
  const py = window.mgPython;
  const field = (text, input) => el("label", {}, text + " ", input);
  const rate = el("input", { type: "number", value: "1.0", step: "0.1", min: "0.01", max: "10", className: "mg-moons-rate" });
  const steps = el("input", { type: "number", value: "100", step: "1", min: "1", max: "1000", className: "mg-moons-steps" });
  const train = button(tr("Train"), tr("Train the network from a fresh start"), () => go());
  const pause = button(tr("Pause"), tr("Pause the training after this step"), () => togglePause());
  const stop = button(tr("Stop"), tr("Stop the training now"), () => halt());
  pause.hidden = stop.hidden = true;
  const status = el("p", { className: "mg-run-note mg-moons-status", textContent: tr("Press Train: the first step also loads Python and the 100 points.") });
  status.setAttribute("aria-live", "polite");
  const curve = svgEl("svg", { viewBox: "0 0 300 160", class: "mg-moons-curve", role: "img", "aria-label": tr("Loss at each step (log scale): nothing yet") });
  const field2d = svgEl("svg", { class: "mg-moons-field", role: "img", "aria-label": tr("The 100 points and the decision boundary: nothing yet") });
  root.replaceChildren(el("div", { className: "mg-run-tools mg-moons-tools" }, field(tr("Learning rate"), rate), field(tr("Steps"), steps), train, pause, stop),
                       status, el("div", { className: "mg-moons-plots" }, field2d, curve));
  let run = 0, paused = null, points = null;
  root.mgLosses = [];

  function togglePause() {
    if (paused) { const go = paused; paused = null; pause.textContent = tr("Pause"); pause.setAttribute("aria-pressed", "false"); go(); }
    else { paused = true; pause.textContent = tr("Resume"); pause.setAttribute("aria-pressed", "true"); }
  }
  const waitIfPaused = () => paused ? new Promise((resolve) => { paused = resolve; }) : null;

  function halt() {
    run++;
    if (typeof paused === "function") paused();
    paused = null;
    py.stop();  // ends the step under way at once; the next Train starts Python afresh
    status.textContent = tr("Stopped after {0} steps. Train starts again from a fresh network.", root.mgLosses.length);
    done();
  }

  function done() {
    train.disabled = false;
    pause.hidden = stop.hidden = true;
    pause.textContent = tr("Pause");
  }

  function drawCurve(n) {
    const ls = root.mgLosses;
    const logs = ls.map((l) => Math.log10(Math.max(l, 1e-6)));
    const lo = Math.min(...logs), hi = Math.max(...logs);
    const x = (i) => 30 + (260 * i) / Math.max(1, n - 1);
    const y = (v) => 10 + 130 * (hi === lo ? 0.5 : (hi - v) / (hi - lo));
    const line = svgEl("polyline", { points: logs.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" "), class: "mg-moons-line" });
    const axis = svgEl("path", { d: "M30 10 V140 H290", class: "mg-moons-axis" });
    const label = (tx, ty, text, anchor = "start") => { const t = svgEl("text", { x: tx, y: ty, "text-anchor": anchor, class: "mg-moons-text" }); t.textContent = text; return t; };
    curve.replaceChildren(axis, line, label(28, 14, ls.length ? Math.max(...ls).toPrecision(2) : "", "end"),
                          label(28, 142, ls.length ? Math.min(...ls).toPrecision(2) : "", "end"), label(290, 156, tr("step {0}", n), "end"),
                          label(34, 156, tr("loss, log scale")));
    curve.setAttribute("aria-label", tr("Loss at each step (log scale): {0} steps, from {1} to {2}", ls.length, ls[0]?.toFixed(4), ls.at(-1)?.toFixed(4)));
  }

  function drawField(grid) {
    const xs = points.X.map((p) => p[0]), ys = points.X.map((p) => p[1]);
    const x0 = grid ? grid.x0 : Math.min(...xs) - 1, y0 = grid ? grid.y0 : Math.min(...ys) - 1;
    const w = grid ? grid.nx * grid.h : Math.max(...xs) + 1 - x0, h = grid ? grid.ny * grid.h : Math.max(...ys) + 1 - y0;
    field2d.setAttribute("viewBox", `${x0} ${-(y0 + h)} ${w} ${h}`);  // y up, as in the notebook's plot
    const parts = [];
    if (grid) {
      grid.inside.forEach((v, i) => {
        const gx = x0 + (i % grid.nx) * grid.h, gy = y0 + Math.floor(i / grid.nx) * grid.h;
        parts.push(svgEl("rect", { x: gx - grid.h / 2, y: -(gy + grid.h / 2), width: grid.h * 1.02, height: grid.h * 1.02, class: v ? "mg-moons-plus" : "mg-moons-minus" }));
      });
    }
    points.X.forEach(([px, py_], i) => parts.push(svgEl("circle", { cx: px, cy: -py_, r: 0.06, class: points.y[i] > 0 ? "mg-moons-p" : "mg-moons-n" })));
    field2d.replaceChildren(...parts);
    field2d.setAttribute("aria-label", grid ? tr("The 100 points and the decision boundary after {0} steps: {1} of {2} grid points classed +1",
                                                 root.mgLosses.length, grid.inside.filter(Boolean).length, grid.inside.length)
      : tr("The 100 points, before training"));
  }

  async function go() {
    const mine = ++run;
    const n = Math.max(1, Math.min(1000, Math.round(Number(steps.value) || 100)));
    const lr = Number(rate.value) > 0 ? Number(rate.value) : 1.0;
    train.disabled = true;
    pause.hidden = stop.hidden = false;
    paused = null;
    root.mgLosses = [];
    delete root.dataset.state;
    try {
      status.textContent = tr("Loading Python and the points…");
      const [data, code] = await Promise.all([fetch(dataUrl).then((r) => r.text()), fetch(codeUrl).then((r) => r.text())]);
      points = JSON.parse(data);
      drawField(null);
      const call = async (source) => {
        const r = await py.exec(source, { ns: "moons", filename: "<moons>" });
        if (!r.ok) throw new Error(r.error.traceback);
        return r.stdout;
      };
      await py.exec(code, { ns: "moons", fresh: true, filename: "moons.py" });
      await call(`print(setup(${JSON.stringify(data)}))`);
      let spent = 0;
      for (let k = 0; k < n; k++) {
        await waitIfPaused();
        if (mine !== run) return;
        const t0 = performance.now();
        const [loss, acc] = JSON.parse(await call(`print(step(${k}, ${n}, ${lr}))`));
        spent += performance.now() - t0;
        if (mine !== run) return;
        root.mgLosses.push(loss);
        root.dataset.msPerStep = (spent / (k + 1)).toFixed(0);
        status.textContent = tr("Step {0} of {1}: loss {2}, accuracy {3}% ({4} ms a step)", k + 1, n, loss.toFixed(4), (acc * 100).toFixed(0), root.dataset.msPerStep);
        drawCurve(n);
        if (k % 10 === 9 || k === n - 1 || k === 0) drawField(JSON.parse(await call("print(boundary())")));
      }
      root.dataset.state = "done";
      done();
    } catch (e) {
      if (mine !== run) return;
      status.textContent = e.message === "Stopped" ? tr("Stopped.") : tr("The training failed: {0}", e.message);
      root.dataset.state = "error";
      done();
    }
  }
  root.dataset.ready = "";
}
