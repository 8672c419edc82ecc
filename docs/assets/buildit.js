// Build it yourself, in the page: an editor and a Check button on each step of the track
// (docs/build-it/), and the progress marks on its first page. It needs the in-page Python
// (window.mgPython, docs/assets/run/run.js); without it this script shows nothing, and the pages
// point to the local command. The checks are buildit/checks.py, the same file the command runs,
// shipped beside this script by docs/hooks/track.py and run in Pyodide on the reader's code.
// The reader's code and progress stay in this browser's localStorage ("mg-buildit:" keys) and are
// never sent anywhere.
(() => {
  const base = new URL(".", document.currentScript.src);
  const KEY = "mg-buildit:";
  const store = {
    get(k) { try { return localStorage.getItem(KEY + k); } catch (e) { return null; } },
    set(k, v) { try { localStorage.setItem(KEY + k, v); } catch (e) { /* storage full or blocked */ } },
    del(k) { try { localStorage.removeItem(KEY + k); } catch (e) { /* blocked */ } },
    clear() {
      try {
        for (const k of Object.keys(localStorage)) if (k.startsWith(KEY)) localStorage.removeItem(k);
      } catch (e) { /* blocked */ }
    },
  };
  let checksText = null;
  let current = null;  // the step view bound to the page being shown

  const available = () => typeof window.mgPython === "object" && typeof WebAssembly === "object" &&
    location.protocol !== "file:";

  function checksSource() {
    checksText ??= fetch(new URL("buildit/checks.py", base)).then((r) => {
      if (!r.ok) throw new Error(`HTTP ${r.status} for the checks`);
      return r.text();
    });
    checksText.catch(() => { checksText = null; });
    return checksText;
  }

  async function runChecks(step, source) {
    const load = await window.mgPython.exec(await checksSource(), { ns: "buildit", fresh: true, filename: "buildit/checks.py" });
    if (!load.ok) throw new Error(load.error?.traceback || "the checks did not load");
    const call = `import json\nprint(json.dumps(check(${JSON.stringify(step)}, ${JSON.stringify(source)}).as_dict()))`;
    const r = await window.mgPython.exec(call, { ns: "buildit", filename: "<check>" });
    if (!r.ok) throw new Error(r.error?.traceback || "the checks failed");
    return JSON.parse(r.stdout.trim().split("\n").pop());
  }

  function button(text, onClick) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "md-button mg-buildit-button";
    b.textContent = text;
    b.addEventListener("click", onClick);
    return b;
  }

  function show(out, parts, state) {
    out.replaceChildren(...parts);
    out.dataset.state = state;
  }

  function para(text, cls) {
    const p = document.createElement("p");
    if (cls) p.className = cls;
    p.textContent = text;
    return p;
  }

  // Between the failure and the answer: the failing check's hint (from checks.py, beside the check),
  // then the reference solution one click further, in its fold on this page.
  function hintOf(text) {
    const p = para("", "mg-buildit-hint");
    const b = document.createElement("strong");
    b.textContent = "Hint: ";
    p.append(b, text);
    return p;
  }

  function solutionFold(step) {
    return [...document.querySelectorAll("details")].find((d) =>
      [...d.querySelectorAll(".filename")].some((f) => f.textContent.trim() === `buildit/solutions/${step}.py`));
  }

  function solutionButton(step) {
    const fold = solutionFold(step);
    if (!fold) return document.createTextNode("");
    return button("Show the reference solution", () => {
      fold.open = true;
      fold.scrollIntoView({ block: "start" });
      fold.querySelector("summary")?.focus();
    });
  }

  async function makeEditor(box, doc, label, onCheck) {
    try {
      const { createEditor } = await import(new URL("run/vendor/editor.mjs", base).href);
      return createEditor(box, doc, { label, onRun: onCheck });
    } catch (e) {  // the plain fallback: a textarea
      const area = document.createElement("textarea");
      area.value = doc;
      area.setAttribute("aria-label", label);
      area.rows = Math.min(30, doc.split("\n").length + 2);
      area.spellcheck = false;
      box.append(area);
      return { get: () => area.value, set: (t) => { area.value = t; }, focus: () => area.focus(), destroy: () => {} };
    }
  }

  async function bindStep(holder) {
    const { step, prev, number } = holder.dataset;
    const starter = holder.dataset.starter;
    const view = { step, busy: false };
    current = view;
    let loaded = store.get(`code:${step}`) ?? (prev ? store.get(`code:${prev}`) : null) ?? starter;

    const intro = para(`Write step ${number} here. It starts from your code of the step before (or from its reference solution). ` +
      "Your code is kept in this browser only and never sent anywhere; Check runs the step's checks on it, in this page.", "mg-buildit-note");
    const box = document.createElement("div");
    box.className = "mg-buildit-editor";
    const tools = document.createElement("div");
    tools.className = "mg-buildit-tools";
    const out = document.createElement("div");
    out.className = "mg-buildit-out";
    out.setAttribute("role", "status");
    out.setAttribute("aria-live", "polite");
    holder.replaceChildren(intro, box, tools, out);

    let editor = null;
    const save = () => {  // only the reader's own edits: a step never viewed keeps carrying forward
      if (!editor) return;
      const text = editor.get();
      if (text !== loaded || store.get(`code:${step}`) !== null) store.set(`code:${step}`, text);
    };
    const check = async () => {
      if (view.busy || !editor) return;
      save();
      view.busy = true;
      ui.check.disabled = true;
      ui.stop.hidden = false;
      show(out, [para("Checking… (the first Check of a visit starts Python in this page: a few seconds)")], "busy");
      try {
        const r = await runChecks(step, editor.get());
        if (current !== view) return;
        const report = document.createElement("pre");
        report.className = "mg-buildit-report";
        report.textContent = (r.output ? `Your code printed:\n${r.output.replace(/\n$/, "")}\n\n` : "") +
          r.passed.map((p) => `✓ ${p}`).concat(r.ok ? [] : [`✗ ${r.message}`]).join("\n");
        if (r.ok) store.set(`done:${step}`, "1"); else store.del(`done:${step}`);
        const parts = [para(r.ok ? `Step ${number} passes: all ${r.passed.length} checks.` : `Not yet: ${r.message}`, "mg-buildit-verdict"), report];
        if (!r.ok && r.hint) parts.push(hintOf(r.hint), solutionButton(step));
        show(out, parts, r.ok ? "pass" : "fail");
      } catch (e) {
        if (current === view) show(out, [para(e.message === "Stopped" ? "Stopped. The next Check starts Python afresh." : `The check could not run: ${e.message || e}`)], "error");
      } finally {
        view.busy = false;
        ui.check.disabled = false;
        ui.stop.hidden = true;
      }
    };
    const ui = {
      check: button("Check", check),
      stop: button("Stop", () => window.mgPython.stop("Stopped")),
      reset: button("Reset this step", () => {
        loaded = starter;
        editor?.set(starter);
        store.del(`code:${step}`);
        store.del(`done:${step}`);
        show(out, [para(`Step ${number} is back to its starter code.`)], "reset");
        editor?.focus();
      }),
    };
    ui.stop.hidden = true;
    ui.check.title = "Run the step's checks on your code (Ctrl+Enter in the editor)";
    tools.append(ui.check, ui.stop, ui.reset);
    editor = await makeEditor(box, loaded, `Your code for step ${number}, editable`, check);
    if (current !== view) return;
    new MutationObserver(save).observe(box, { childList: true, characterData: true, subtree: true });
    box.addEventListener("input", save);
    for (const ev of ["pointerenter", "focus"]) ui.check.addEventListener(ev, () => { window.mgPython.start().catch(() => {}); checksSource().catch(() => {}); }, { once: true });
  }

  function bindTrack(holder) {
    const marks = () => {
      for (const mark of document.querySelectorAll(".mg-buildit-mark[data-step]")) {
        const done = store.get(`done:${mark.dataset.step}`) === "1";
        mark.textContent = done ? "✓ " : "";
        mark.title = done ? "Checked in this browser" : "";
        mark.closest("li")?.classList.toggle("mg-buildit-done", done);
        const sr = document.createElement("span");
        sr.className = "md-visually-hidden";
        sr.textContent = done ? "(done) " : "";
        if (done) mark.append(sr);
      }
    };
    const intro = para("Each step page has an editor and a Check button that runs the step's checks in this page. " +
      "Your code and your progress are kept in this browser's local storage only: nothing is sent anywhere.");
    const out = document.createElement("p");
    out.className = "mg-buildit-out";
    out.setAttribute("role", "status");
    out.setAttribute("aria-live", "polite");
    const erase = button("Erase my code and progress", () => {
      if (!window.confirm("Erase your code and progress of every step, in this browser?")) return;
      store.clear();
      marks();
      out.textContent = "Your code and progress are erased.";
    });
    holder.replaceChildren(intro, erase, out);
    marks();
  }

  function bind() {
    current = null;
    if (!available()) return;  // no in-page Python: the pages offer the local command only
    for (const holder of document.querySelectorAll(".mg-buildit[data-step]")) bindStep(holder);
    for (const holder of document.querySelectorAll(".mg-buildit-track")) bindTrack(holder);
  }

  if (typeof document$ !== "undefined") document$.subscribe(bind);
  else document.addEventListener("DOMContentLoaded", bind);
})();
