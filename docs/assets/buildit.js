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

  // The interface's words, in the page's language (the Chinese edition's pages are lang="zh-CN").
  // The checks' own messages, and Python's, stay as the checks print them; a Chinese step page
  // carries its checks' Chinese descriptions and hints (data-texts, docs/hooks/track.py).
  const WORDS = {
    en: {
      intro: (n) => `Write step ${n} here. It starts from your code of the step before (or from its reference solution). ` +
        "Your code is kept in this browser only and never sent anywhere; Check runs the step's checks on it, in this page.",
      checking: "Checking… (the first Check of a visit starts Python in this page: a few seconds)",
      printed: "Your code printed:",
      passes: (n, count) => `Step ${n} passes: all ${count} checks.`,
      notYet: (message) => `Not yet: ${message}`,
      hint: "Hint: ",
      stopped: "Stopped. The next Check starts Python afresh.",
      couldNot: (message) => `The check could not run: ${message}`,
      check: "Check",
      checkTitle: "Run the step's checks on your code (Ctrl+Enter in the editor)",
      stop: "Stop",
      reset: "Reset this step",
      wasReset: (n) => `Step ${n} is back to its starter code.`,
      solution: "Show the reference solution",
      editor: (n) => `Your code for step ${n}, editable`,
      checked: "Checked in this browser",
      done: "(done) ",
      trackIntro: "Each step page has an editor and a Check button that runs the step's checks in this page. " +
        "Your code and your progress are kept in this browser's local storage only: nothing is sent anywhere.",
      erase: "Erase my code and progress",
      eraseConfirm: "Erase your code and progress of every step, in this browser?",
      erased: "Your code and progress are erased.",
      httpError: (status) => `HTTP ${status} for the checks`,
      notLoaded: "the checks did not load",
      crashed: "the checks failed",
    },
    zh: {
      intro: (n) => `在这里写第 ${n} 步。起点是你上一步的代码（或者上一步的参考答案）。` +
        "你的代码只保存在这个浏览器里，不会发送到任何地方；“检查”会在本页里对它运行这一步的检查。",
      checking: "正在检查……（每次访问的第一次检查要先在本页启动 Python，需要几秒钟）",
      printed: "你的代码打印了：",
      passes: (n, count) => `第 ${n} 步通过：${count} 项检查全部通过。`,
      notYet: (message) => `还没通过：${message}`,
      hint: "提示：",
      stopped: "已停止。下一次检查会重新启动 Python。",
      couldNot: (message) => `检查没能运行：${message}`,
      check: "检查",
      checkTitle: "对你的代码运行这一步的检查（在编辑器里按 Ctrl+Enter）",
      stop: "停止",
      reset: "重置这一步",
      wasReset: (n) => `第 ${n} 步已恢复为起点代码。`,
      solution: "查看参考答案",
      editor: (n) => `你第 ${n} 步的代码，可编辑`,
      checked: "已在这个浏览器里通过检查",
      done: "（已完成）",
      trackIntro: "每一步的页面上都有一个编辑器和一个“检查”按钮，在本页里运行这一步的检查。" +
        "你的代码和进度只保存在这个浏览器的本地存储里，不会发送到任何地方。",
      erase: "清除我的代码和进度",
      eraseConfirm: "要清除这个浏览器里每一步的代码和进度吗？",
      erased: "你的代码和进度已清除。",
      httpError: (status) => `下载检查代码时出错（HTTP ${status}）`,
      notLoaded: "检查代码没能加载",
      crashed: "检查本身出错了",
    },
  };
  let words = WORDS.en;

  const available = () => typeof window.mgPython === "object" && typeof WebAssembly === "object" &&
    location.protocol !== "file:";

  function checksSource() {
    checksText ??= fetch(new URL("buildit/checks.py", base)).then((r) => {
      if (!r.ok) throw new Error(words.httpError(r.status));
      return r.text();
    });
    checksText.catch(() => { checksText = null; });
    return checksText;
  }

  async function runChecks(step, source) {
    const load = await window.mgPython.exec(await checksSource(), { ns: "buildit", fresh: true, filename: "buildit/checks.py" });
    if (!load.ok) throw new Error(load.error?.traceback || words.notLoaded);
    const call = `import json\nprint(json.dumps(check(${JSON.stringify(step)}, ${JSON.stringify(source)}).as_dict()))`;
    const r = await window.mgPython.exec(call, { ns: "buildit", filename: "<check>" });
    if (!r.ok) throw new Error(r.error?.traceback || words.crashed);
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
    b.textContent = words.hint;
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
    return button(words.solution, () => {
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
    let texts = {};  // the Chinese edition: {English description: [Chinese description, Chinese hint]}
    try { texts = JSON.parse(holder.dataset.texts || "{}"); } catch (e) { /* none: the checks' own words */ }
    current = view;
    let loaded = store.get(`code:${step}`) ?? (prev ? store.get(`code:${prev}`) : null) ?? starter;

    const intro = para(words.intro(number), "mg-buildit-note");
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
      show(out, [para(words.checking)], "busy");
      try {
        const r = await runChecks(step, editor.get());
        if (current !== view) return;
        const report = document.createElement("pre");
        report.className = "mg-buildit-report";
        report.textContent = (r.output ? `${words.printed}\n${r.output.replace(/\n$/, "")}\n\n` : "") +
          r.passed.map((p) => `✓ ${texts[p]?.[0] ?? p}`).concat(r.ok ? [] : [`✗ ${r.message}`]).join("\n");
        if (r.ok) store.set(`done:${step}`, "1"); else store.del(`done:${step}`);
        const parts = [para(r.ok ? words.passes(number, r.passed.length) : words.notYet(r.message), "mg-buildit-verdict"), report];
        if (!r.ok && r.hint) parts.push(hintOf(texts[r.failed]?.[1] ?? r.hint), solutionButton(step));
        show(out, parts, r.ok ? "pass" : "fail");
      } catch (e) {
        if (current === view) show(out, [para(e.message === "Stopped" ? words.stopped : words.couldNot(e.message || e))], "error");
      } finally {
        view.busy = false;
        ui.check.disabled = false;
        ui.stop.hidden = true;
      }
    };
    const ui = {
      check: button(words.check, check),
      stop: button(words.stop, () => window.mgPython.stop("Stopped")),
      reset: button(words.reset, () => {
        loaded = starter;
        editor?.set(starter);
        store.del(`code:${step}`);
        store.del(`done:${step}`);
        show(out, [para(words.wasReset(number))], "reset");
        editor?.focus();
      }),
    };
    ui.stop.hidden = true;
    ui.check.title = words.checkTitle;
    tools.append(ui.check, ui.stop, ui.reset);
    editor = await makeEditor(box, loaded, words.editor(number), check);
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
        mark.title = done ? words.checked : "";
        mark.closest("li")?.classList.toggle("mg-buildit-done", done);
        const sr = document.createElement("span");
        sr.className = "md-visually-hidden";
        sr.textContent = done ? words.done : "";
        if (done) mark.append(sr);
      }
    };
    const intro = para(words.trackIntro);
    const out = document.createElement("p");
    out.className = "mg-buildit-out";
    out.setAttribute("role", "status");
    out.setAttribute("aria-live", "polite");
    const erase = button(words.erase, () => {
      if (!window.confirm(words.eraseConfirm)) return;
      store.clear();
      marks();
      out.textContent = words.erased;
    });
    holder.replaceChildren(intro, erase, out);
    marks();
  }

  function bind() {
    current = null;
    words = (document.documentElement.lang || "").toLowerCase().startsWith("zh") ? WORDS.zh : WORDS.en;
    if (!available()) return;  // no in-page Python: the pages offer the local command only
    for (const holder of document.querySelectorAll(".mg-buildit[data-step]")) bindStep(holder);
    for (const holder of document.querySelectorAll(".mg-buildit-track")) bindTrack(holder);
  }

  if (typeof document$ !== "undefined") document$.subscribe(bind);
  else document.addEventListener("DOMContentLoaded", bind);
})();
