// The playground (docs/playground.md): an editor, Run, Stop, Share, the output, and the graph of the
// code's last line with its backward-pass stepper (the build's hooks/stepper.py, run in the page by
// the in-page Python: run.js's window.mgPython). Loaded by run.js only on the page that has
// <div id="mg-playground">, so no other page's first view pays for it.
//
// A shared link carries the code in its fragment, #code=<base64url of the code compressed with
// CompressionStream("deflate-raw")>: no server sees it, and it works offline on any static host.
// Chapters' "Open in playground" make the same links (run.js, with share() below).

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
  EXAMPLES.forEach(([name], i) => choose.append(el("option", { value: String(i), textContent: name })));
  const box = el("div", { className: "mg-run-editor mg-pg-editor" });
  const out = el("div", { className: "mg-run-out mg-pg-out" });
  out.setAttribute("aria-live", "polite");
  const graph = el("div", { className: "mg-pg-graph" });
  const run = button("Run", "Run the code (Ctrl+Enter in the editor)", () => go());
  const stop = button("Stop", "Stop the running code (Python starts afresh on the next Run)", () => {
    py.stop();
  });
  const shareB = button("Share", "Put the code into this page's address, to copy as a link", () => doShare());
  stop.hidden = true;
  const link = el("input", { type: "text", readOnly: true, className: "mg-pg-link", hidden: true });
  link.setAttribute("aria-label", "Link to this code");
  const pick = el("p", { className: "mg-pg-pick" }, el("label", { htmlFor: "mg-pg-example", textContent: "Start from: " }), choose);
  const tools = el("div", { className: "mg-run-tools" }, run, stop, shareB);
  root.replaceChildren(pick, box, tools, link, out, graph);

  const label = "Python code of the playground, editable";
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
    out.replaceChildren(say("Running…", "mg-run-progress"));
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
        graph.replaceChildren(say("The last line is not a Value, so there is no graph to draw."));
      }
      if (!parts.length) parts.push(say("(no output)"));
      out.replaceChildren(...parts);
      out.dataset.state = r.ok ? "done" : "error";
      out.dataset.ms = (performance.now() - t0).toFixed(0);
    } catch (e) {
      const why = e.message === "Stopped" ? "Stopped. The next Run starts Python afresh." : String(e.message || e);
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
    out.replaceChildren(say(`The address of this page now holds your code (${location.href.length} characters): copy it from the box above. Opening it shows this code, ready to Run.`));
  }

  let code = null;
  try {
    code = await unshare(location.hash);
  } catch (e) {
    out.replaceChildren(say("This link's code is damaged (it was cut short?), so the first example opens instead."));
  }
  if (code !== null) {
    editor.set(code);
    choose.selectedIndex = -1;
    out.replaceChildren(say("This code came with the link. Read it, then press Run to run it."));
  } else {
    editor.set(EXAMPLES[0][1]);
  }
  root.mgCode = () => editor.get();  // for the tests: the code in the editor
  root.dataset.ready = "";
  return { editor, go };
}
