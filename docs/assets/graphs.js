// Build-time graphs that move: the backward-pass stepper (docs/hooks/stepper.py) and the full-size
// view of a graph too wide for the column (docs/hooks/graphsvg.py). Both are bound on every page
// view: Material's instant navigation swaps the page without re-running scripts, but fires document$;
// figures made later in the page are bound with window.mgGraphs.bind(element).
(() => {
  const timers = new Set();
  // The words this script puts on the page, in Chinese on the Chinese edition (<html lang="zh-CN">);
  // the English text is the key. A step's own sentence comes in the page's words from hooks/stepper.py.
  const ZH = { "Step {0} of {1}: ": "第 {0} 步，共 {1} 步：", "Play": "播放", "Pause": "暂停",
               "The graph at full size (Escape closes)": "原尺寸的图（按 Esc 关闭）", "Close": "关闭" };
  const tr = (text, ...args) => ((document.documentElement.lang.startsWith("zh") && ZH[text]) || text)
    .replace(/\{(\d)\}/g, (_, i) => args[i]);

  function stepper(fig) {
    const data = JSON.parse(fig.dataset.mgData);
    const steps = data.steps, last = steps.length - 1;
    const svg = fig.querySelector("svg");
    const grads = data.names.map((_, i) => svg.querySelector(`[data-mg-node="${i}"] text.mg-grad`));
    const controls = fig.querySelector(".mg-step-controls");
    const button = (what) => controls.querySelector(`[data-mg-do="${what}"]`);
    const say = fig.querySelector(".mg-step-say");
    const rows = [...fig.querySelectorAll("tr[data-mg-step]")];
    let now = 0, timer = null;

    function show(k) {
      now = Math.max(0, Math.min(last, k));
      const step = steps[now];
      svg.querySelectorAll(".mg-now, .mg-to, .mg-push").forEach((e) => e.classList.remove("mg-now", "mg-to", "mg-push"));
      step.grads.forEach((g, i) => { if (grads[i]) grads[i].textContent = "grad " + g; });
      const mark = (selector, cls) => svg.querySelectorAll(selector).forEach((e) => e.classList.add(cls));
      if (step.node >= 0) {
        mark(`[data-mg-node="${step.node}"], [data-mg-op="${step.node}"]`, "mg-now");
        if (step.to.length) mark(`[data-mg-opedge="${step.node}"]`, "mg-push");
      }
      for (const to of step.to) {
        mark(`[data-mg-node="${to}"]`, "mg-to");
        mark(`[data-mg-edge="${to}-${step.node}"]`, "mg-push");
      }
      fig.dataset.mgStep = String(now);
      say.textContent = tr("Step {0} of {1}: ", now, last) + step.say;
      rows.forEach((r, i) => {
        r.classList.toggle("mg-step-current", i === now);
        if (i === now) r.setAttribute("aria-current", "step"); else r.removeAttribute("aria-current");
      });
      // aria-disabled, not disabled: a control in use keeps the keyboard focus at either end
      for (const b of ["prev", "reset"]) button(b).setAttribute("aria-disabled", String(now === 0));
      button("next").setAttribute("aria-disabled", String(now === last));
      if (now === last) pause();
    }

    function pause() {
      if (timer) { clearInterval(timer); timers.delete(timer); timer = null; }
      button("play").textContent = tr("Play");
      button("play").setAttribute("aria-pressed", "false");
    }

    function play() {
      if (timer) return pause();
      if (now === last) show(0);
      button("play").textContent = tr("Pause");
      button("play").setAttribute("aria-pressed", "true");
      timer = setInterval(() => (fig.isConnected ? show(now + 1) : pause()), 1500);
      timers.add(timer);
    }

    const actions = { reset: () => { pause(); show(0); }, prev: () => { pause(); show(now - 1); },
                      next: () => { pause(); show(now + 1); }, play };
    controls.addEventListener("click", (e) => {
      const b = e.target.closest("button[data-mg-do]");
      if (b) actions[b.dataset.mgDo]();
    });
    controls.addEventListener("keydown", (e) => {  // arrows, Home and End step too, from any control
      const act = { ArrowRight: "next", ArrowLeft: "prev", Home: "reset", End: null }[e.key];
      if (act === undefined) return;
      e.preventDefault();
      if (act) actions[act](); else { pause(); show(last); }
    });
    controls.hidden = false;
    fig.querySelector("details.mg-step-table").open = false;  // still one click away: the text alternative
    show(0);
  }

  function zoom(button) {
    const fig = document.getElementById(button.dataset.mgZoom);
    button.hidden = false;
    button.addEventListener("click", () => {
      const dialog = document.createElement("dialog");
      dialog.className = "mg-zoom-view";
      dialog.setAttribute("aria-label", tr("The graph at full size (Escape closes)"));
      const close = document.createElement("button");
      close.type = "button";
      close.className = "mg-btn";
      close.textContent = tr("Close");
      close.addEventListener("click", () => dialog.close());
      const copy = fig.querySelector("svg").cloneNode(true);
      copy.querySelectorAll("[id]").forEach((e) => e.removeAttribute("id"));
      copy.style.minWidth = "0";
      dialog.append(close, copy);
      dialog.addEventListener("close", () => { dialog.remove(); button.focus(); });
      fig.append(dialog);
      dialog.showModal();
    });
  }

  function bind(root) {
    for (const fig of root.querySelectorAll("figure.mg-stepper:not([data-mg-bound])")) {
      fig.dataset.mgBound = "";
      stepper(fig);
    }
    for (const b of root.querySelectorAll("button[data-mg-zoom]:not([data-mg-bound])")) {
      b.dataset.mgBound = "";
      zoom(b);
    }
  }
  // For figures made in the page after it loaded (run.js's live steppers, the playground).
  window.mgGraphs = { bind: (root) => bind(root.parentElement || root) };

  document$.subscribe(() => {
    timers.forEach(clearInterval);
    timers.clear();
    bind(document);
  });
})();
