// Run it in the page: Run / Edit / Reset / Stop under each runnable block (the spans that
// docs/hooks/runner.py leaves after them). Nothing heavy loads before the first Run (or a hover
// or focus on Run): then the page's blocks (pages/<page>.json), and Pyodide in a module worker
// (worker.mjs). Running block k first replays blocks 0..k-1, as written or as edited, in one
// namespace per page, exactly as the build runs them; the next block continues from there.
// window.mgPython is the same machinery as one call, for other page features and the tests:
//   await mgPython.exec(source, {ns, fresh, graph, filename}) -> {ok, stdout, stderr, error, svg}
//   (with stepper: KEY, the final Value's live stepper as {stepper: html}; optional: no error if none)
(() => {
  // The words this script puts on the page, in Chinese on the Chinese edition (<html lang="zh-CN">).
  // The English text is the key, so an English page shows exactly that; {0}, {1} are filled in.
  const ZH = {
    "To run this code in the page, serve the site over http (./scripts/serve) instead of opening its files.":
      "要在页面中运行这段代码，请通过 http 提供本站（./scripts/serve），而不是直接打开它的文件。",
    "This browser has no WebAssembly, so it cannot run this code: copy it into Python instead.":
      "这个浏览器没有 WebAssembly，无法运行这段代码：请把它复制到 Python 里运行。",
    "This browser cannot start module workers, so it cannot run this code: copy it into Python instead.":
      "这个浏览器无法启动模块 worker，因而无法运行这段代码：请把它复制到 Python 里运行。",
    "Python could not start: {0}": "Python 无法启动：{0}",
    "the worker failed": "worker 出错了",
    "HTTP {0} for this page's code": "获取本页代码时得到 HTTP {0}",
    "Loading Python into this page (once per visit): about {0} MB to download ({1} MB unpacked).":
      "正在把 Python 加载到本页（每次访问一次）：约需下载 {0} MB（解压后 {1} MB）。",
    "Starting Python (downloading and compiling Pyodide)": "正在启动 Python（下载并编译 Pyodide）",  // worker.mjs
    "Loading micrograd and graphviz": "正在加载 micrograd 和 graphviz",
    "Python is ready": "Python 已就绪",
    "Running the page's block {0} of {1} before this one": "正在运行这个代码块之前的页面代码块：第 {0} 个，共 {1} 个",
    "Block {0} of the page (line {1}) raised an error, so this block did not run:\n":
      "页面的第 {0} 个代码块（第 {1} 行）抛出了错误，所以这个代码块没有运行：\n",
    "Stopped. The next Run starts Python afresh.": "已停止。下一次运行会重新启动 Python。",
    "Python code of block {0}, editable": "第 {0} 个代码块的 Python 代码，可编辑",
    "# from block {0} of {1}": "# 来自《{1}》的第 {0} 个代码块",
    "# this is block {0} of {1}": "# 这是《{1}》的第 {0} 个代码块",
    "Run": "运行", "Run this block (after the page's blocks before it)": "运行这个代码块（先运行页面上它之前的代码块）",
    "Edit": "编辑", "Edit this block's code": "编辑这个代码块的代码",
    "Reset": "重置", "Put back the page's code": "恢复页面原来的代码",
    "Stop": "停止", "Stop the running code": "停止正在运行的代码",
    "Open in playground": "在练习场中打开",
    "Open this block, with the page's blocks it builds on, in the playground": "在练习场中打开这个代码块，连同它所依赖的页面代码块",
    "why": "为什么",
    "Runs only on your computer: this block or one it builds on {0} (": "只能在你自己的电脑上运行：这个代码块（或它依赖的某个代码块）{0}（",
    ").": "）。",
    "Loading Python": "正在加载 Python",
    "The graph and its stepper above now show your code's backward pass; Reset puts back the page's.":
      "上面的图和它的单步演示器现在显示的是你的代码的反向传播；按“重置”可恢复页面原来的。",
    "(no output)": "（没有输出）",
  };
  const lang = () => (document.documentElement.lang.startsWith("zh") ? "zh" : "en");
  const tr = (text, ...args) => ((lang() === "zh" && ZH[text]) || text).replace(/\{(\d)\}/g, (_, i) => args[i]);
  const base = new URL(".", document.currentScript.src);
  const at = (path) => new URL(path, base).href;
  let worker = null, ready = null, nextId = 1, manifest = null, isReady = false;
  const pending = new Map();
  let view = { page: null, data: null, executed: [], busy: null, editors: new Map() };

  function unsupported() {
    if (location.protocol === "file:") return tr("To run this code in the page, serve the site over http (./scripts/serve) instead of opening its files.");
    if (typeof WebAssembly !== "object") return tr("This browser has no WebAssembly, so it cannot run this code: copy it into Python instead.");
    let module = false;
    try {
      const url = URL.createObjectURL(new Blob([""], { type: "text/javascript" }));
      new Worker(url, { get type() { module = true; return "module"; } }).terminate();
      URL.revokeObjectURL(url);
    } catch (e) { /* no workers at all */ }
    return module ? "" : tr("This browser cannot start module workers, so it cannot run this code: copy it into Python instead.");
  }

  function call(op, args = {}) {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, op, ...args });
    });
  }

  function start(onProgress) {
    if (!worker) {
      worker = new Worker(at("worker.mjs"), { type: "module" });
      worker.onmessage = ({ data }) => {
        if (data.progress) return start.onProgress?.(data);
        const p = pending.get(data.id);
        pending.delete(data.id);
        if (p) data.failed ? p.reject(new Error(data.failed)) : p.resolve(data);
      };
      worker.onerror = (e) => { e.preventDefault(); stop(tr("Python could not start: {0}", e.message || tr("the worker failed"))); };
      const mine = ready = call("init");
      ready.then(() => { if (ready === mine) isReady = true; }, () => {});
    }
    if (onProgress) start.onProgress = onProgress;
    return ready;
  }

  function stop(why = "Stopped") {
    if (worker) worker.terminate();
    worker = ready = null;
    isReady = false;
    view.executed = [];
    for (const p of pending.values()) p.reject(new Error(why));
    pending.clear();
  }

  const exec = async (source, opts = {}) => {
    await start();
    return call("exec", { source, filename: opts.filename ?? "<code>", ns: opts.ns ?? "page", fresh: !!opts.fresh,
                          graph: !!opts.graph, prefix: opts.prefix, stepper: opts.stepper, optional: !!opts.optional,
                          lang: lang() });  // a live stepper's words: the page's edition
  };
  window.mgPython = { exec, start: () => start(), stop, namespace: () => `page:${view.page}`,
                      reset: async (ns) => { if (worker) await call("reset", { ns }); } };

  async function pageData() {
    if (!view.data) {
      const page = view.page;
      view.data = fetch(at(`pages/${page}.json`)).then((r) => {
        if (!r.ok) throw new Error(tr("HTTP {0} for this page's code", r.status));
        return r.json();
      });
      view.data.catch(() => { if (view.page === page) view.data = null; });
    }
    return view.data;
  }

  async function sizeNote() {
    manifest ??= await fetch(at("vendor/manifest.json")).then((r) => r.json()).catch(() => ({ files: {} }));
    let raw = 0, gz = 0;
    for (const [name, [r, g]] of Object.entries(manifest.files)) {
      if (name.startsWith("pyodide/") || name === "python.zip") { raw += r; gz += g; }
    }
    const mb = (n) => (n / 1048576).toFixed(1);
    return tr("Loading Python into this page (once per visit): about {0} MB to download ({1} MB unpacked).", mb(gz), mb(raw));
  }

  const code = (data, i) => view.editors.get(i)?.get() ?? data.blocks[i].code;
  const name = (i) => `<block ${i + 1}>`;

  async function runBlock(k, ui) {
    if (view.busy) return;
    const mine = view;
    view.busy = ui;
    ui.running(true);
    try {
      const data = await pageData();
      const note = isReady ? "" : await sizeNote();
      if (note) ui.say(note, 0);
      await start((p) => ui.say(`${note} ${tr(p.progress)}…`, p.step / p.steps));
      const ns = `page:${mine.page}`;
      const want = data.blocks.slice(0, k).map((_, i) => code(data, i));
      const fresh = !(mine.executed.length <= k && mine.executed.every((c, i) => c === want[i]));
      if (fresh) { await call("reset", { ns }); mine.executed = []; }
      for (let i = mine.executed.length; i < k; i++) {
        const b = data.blocks[i];
        if (!b.skip && !b.local) {  // the build skips the first; the second needs what the browser lacks
          ui.say(tr("Running the page's block {0} of {1} before this one", i + 1, k), null);
          const r = await call("exec", { source: want[i], filename: name(i), ns, graph: b.syntax === "graph" });
          if (!r.ok) {
            mine.executed = [null];  // the namespace is half made: the next Run replays from the start
            return ui.show({ ...r, stdout: "", before: tr("Block {0} of the page (line {1}) raised an error, so this block did not run:\n", i + 1, b.line) });
          }
        }
        mine.executed.push(want[i]);
      }
      const t0 = performance.now();
      const r = await call("exec", { source: code(data, k), filename: name(k), ns, graph: data.blocks[k].syntax === "graph", prefix: `mg-run-${k}`,
                                     stepper: data.blocks[k].syntax === "backprop" ? ui.stepper : undefined, lang: lang() });
      mine.executed.push(code(data, k));
      ui.show(r, performance.now() - t0);
    } catch (e) {
      ui.show({ ok: false, stdout: "", error: { traceback: e.message === "Stopped" ? tr("Stopped. The next Run starts Python afresh.") : String(e.message || e) } });
    } finally {
      if (mine.busy === ui) mine.busy = null;
      ui.running(false);
    }
  }

  async function openEditor(k, bar, codeView, ui) {
    if (view.editors.has(k)) return view.editors.get(k).focus();
    const data = await pageData();
    const box = document.createElement("div");
    box.className = "mg-run-editor";
    (codeView || bar).before(box);
    const label = tr("Python code of block {0}, editable", k + 1);
    let editor;
    try {
      const { createEditor } = await import(at("vendor/editor.mjs"));
      editor = createEditor(box, code(data, k), { label, onRun: () => ui.run.click() });
    } catch (e) {  // the plain fallback: a textarea
      const area = document.createElement("textarea");
      area.value = code(data, k);
      area.setAttribute("aria-label", label);
      area.rows = Math.min(20, area.value.split("\n").length + 1);
      area.spellcheck = false;
      box.append(area);
      editor = { get: () => area.value, focus: () => area.focus(), destroy: () => {} };
    }
    editor.box = box;
    view.editors.set(k, editor);
    if (codeView && codeView.tagName !== "FIGURE") codeView.hidden = true;
    ui.reset.hidden = false;
    editor.focus();
  }

  function closeEditor(k, codeView) {
    const editor = view.editors.get(k);
    if (!editor) return;
    editor.destroy();
    editor.box.remove();
    view.editors.delete(k);
    if (codeView) codeView.hidden = false;
  }

  // The playground (docs/playground.md, assets/run/playground.mjs): its link carries the code.
  async function openInPlayground(k) {
    const data = await pageData();
    const parts = [];
    data.blocks.slice(0, k + 1).forEach((b, i) => {  // what the build runs before block k, then k
      if (!b.skip && !b.local) parts.push(`${tr(i < k ? "# from block {0} of {1}" : "# this is block {0} of {1}", i + 1, document.title.split(" - ")[0])}\n${code(data, i).trimEnd()}`);
    });
    const { share } = await import(at("playground.mjs"));
    location.href = at("../../playground/") + await share(parts.join("\n\n") + "\n");
  }

  function button(text, onClick, hint) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "md-button mg-run-button";
    b.textContent = text;
    if (hint) b.title = hint;
    b.addEventListener("click", onClick);
    return b;
  }

  function controls(span, why) {
    const k = Number(span.dataset.block);
    const holder = span.parentElement?.tagName === "P" && span.parentElement.childNodes.length === 1 ? span.parentElement : span;
    const codeView = holder.previousElementSibling;
    const bar = document.createElement("div");
    bar.className = "mg-run";
    bar.dataset.block = k;
    holder.replaceWith(bar);
    if (span.dataset.local) {
      bar.innerHTML = `<p class="mg-run-note"></p>`;
      const more = Object.assign(document.createElement("a"), { href: at("../../in-page-python/"), textContent: tr("why") });
      bar.firstChild.append(tr("Runs only on your computer: this block or one it builds on {0} (", span.dataset.local), more, tr(")."));
      return;
    }
    if (why) {
      bar.innerHTML = `<p class="mg-run-note"></p>`;
      bar.firstChild.textContent = why;
      return;
    }
    const out = document.createElement("div");
    out.className = "mg-run-out";
    out.setAttribute("aria-live", "polite");
    const tools = document.createElement("div");
    tools.className = "mg-run-tools";
    const ui = {};
    // A ```backprop block's stepper: the build's, until a Run of the reader's code replaces it with
    // a live one (the same hooks/stepper.py, in the in-page Python); Reset puts the build's back.
    const built = codeView?.matches?.("figure.mg-stepper") ? codeView : null;
    let live = built;
    ui.stepper = built?.id;
    ui.run = button(tr("Run"), () => runBlock(k, ui), tr("Run this block (after the page's blocks before it)"));
    ui.edit = button(tr("Edit"), () => openEditor(k, bar, codeView, ui), tr("Edit this block's code"));
    ui.reset = button(tr("Reset"), () => {
      closeEditor(k, codeView);
      if (live !== built) { live.replaceWith(built); live = built; }
      ui.reset.hidden = true; out.replaceChildren(); ui.edit.focus();
    },
                      tr("Put back the page's code"));
    ui.stop = button(tr("Stop"), () => { stop(); ui.show({ ok: false, stdout: "", error: { traceback: tr("Stopped. The next Run starts Python afresh.") } }); },
                     tr("Stop the running code"));
    ui.open = button(tr("Open in playground"), () => openInPlayground(k),
                     tr("Open this block, with the page's blocks it builds on, in the playground"));
    ui.reset.hidden = ui.stop.hidden = true;
    for (const ev of ["pointerenter", "focus"]) ui.run.addEventListener(ev, () => { pageData().catch(() => {}); start().catch(() => {}); }, { once: true });
    ui.running = (on) => {
      ui.run.disabled = on;
      ui.stop.hidden = !on;
      bar.classList.toggle("mg-running", on);
    };
    ui.say = (text, fraction) => {
      const p = document.createElement("p");
      p.className = "mg-run-progress";
      p.textContent = text;
      if (fraction !== null && fraction !== undefined) {
        const bar = document.createElement("progress");
        bar.max = 1;
        bar.value = fraction;
        bar.setAttribute("aria-label", tr("Loading Python"));
        p.prepend(bar, " ");
      }
      out.replaceChildren(p);
    };
    ui.show = (r, ms) => {
      const parts = [];
      const text = (r.before || "") + (r.stdout || "") + (r.stderr || "");
      if (text) parts.push(pre(text, "mg-run-stdout"));
      if (r.error) parts.push(pre(r.error.traceback, "mg-run-error"));
      if (r.stepper && live && window.mgGraphs) {  // the reader's stepper takes the build's place
        const t = document.createElement("template");
        t.innerHTML = r.stepper;
        const fig = t.content.firstElementChild;
        fig.classList.add("mg-live");
        live.replaceWith(fig);
        live = fig;
        window.mgGraphs.bind(fig);
        ui.reset.hidden = false;
        parts.push(note(tr("The graph and its stepper above now show your code's backward pass; Reset puts back the page's.")));
      }
      if (r.note) parts.push(note(r.note));
      if (r.svg) {
        const fig = document.createElement("figure");
        fig.className = "mg-graph mg-run-graph";
        fig.innerHTML = `<div class="mg-scroll" tabindex="0">${r.svg}</div>`;
        parts.push(fig);
      }
      if (!parts.length) parts.push(pre(tr("(no output)"), "mg-run-empty"));
      out.replaceChildren(...parts);
      out.dataset.state = r.ok ? "done" : "error";
      if (ms !== undefined) out.dataset.ms = ms.toFixed(0);
    };
    tools.append(ui.run, ui.edit, ui.reset, ui.stop, ui.open);
    bar.append(tools, out);
  }

  function note(text) {
    const p = document.createElement("p");
    p.className = "mg-run-note mg-run-said";
    p.textContent = text;
    return p;
  }

  function pre(text, cls) {
    const p = document.createElement("pre");
    p.className = cls;
    p.textContent = text;
    return p;
  }

  function bind() {
    if (view.busy) stop();  // a run left running on the previous page
    else if (worker) call("reset").catch(() => {});  // a new page view starts with empty namespaces
    const markers = document.querySelectorAll(".mg-run-page");  // several on the print page: none runs there
    const marker = markers.length === 1 ? markers[0] : null;
    view = { page: marker?.dataset.page, data: null, executed: [], busy: null, editors: new Map() };
    const playground = document.getElementById("mg-playground");
    if (playground) {
      const why = unsupported();
      if (why) playground.querySelector(".mg-pg-why")?.replaceChildren(why);
      else import(at("playground.mjs")).then((m) => {
        m.mount(playground, { editorUrl: at("vendor/editor.mjs") });
        const moons = document.getElementById("mg-moons");
        if (moons) m.mountMoons(moons, { dataUrl: at("moons.json"), codeUrl: at("moons.py") });
      });
    }
    if (!marker) return;
    const why = unsupported();
    for (const span of document.querySelectorAll("span.mg-run[data-block]")) controls(span, why);
  }

  // Material's document$ fires on every page view (instant navigation included); opened from
  // file://, Material may never fire it, so the load event binds the page then.
  let bound = false;
  if (typeof document$ !== "undefined") document$.subscribe(() => { bound = true; bind(); });
  addEventListener("load", () => { if (!bound) bind(); });
})();
