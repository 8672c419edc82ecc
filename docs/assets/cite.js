// Cite this section (docs/hooks/cite.py writes the controls and the texts to copy into each page).
// The button beside a heading's ¶ opens a small menu of three copy buttons: the section's link in
// this version, a BibTeX entry, an APA citation. Copying says "Copied" in the page's status region
// (role=status), which screen readers announce. The listeners sit on `document`, so they serve
// every page that instant navigation brings in without being bound again; each new page view
// (Material's document$) starts with every menu closed.
(function () {
  "use strict";
  var WHAT = { link: "the link to this section", bibtex: "the BibTeX citation", apa: "the APA citation" };
  // On the Chinese edition (<html lang="zh-CN">) the status says it in Chinese.
  var WHAT_ZH = { link: "本节的链接", bibtex: " BibTeX 引用", apa: " APA 引用" };

  function zh() { return document.documentElement.lang.indexOf("zh") === 0; }

  function copied(kind) {
    return zh() ? "已复制" + (WHAT_ZH[kind] || "") + "。" : "Copied " + (WHAT[kind] || "it") + ".";
  }

  function refused(kind) {
    return zh() ? "无法复制" + (WHAT_ZH[kind] || "") + "：浏览器拒绝了。"
      : "Could not copy " + (WHAT[kind] || "it") + ": your browser refused.";
  }

  function menuOf(toggle) { return toggle.parentNode.querySelector(".mg-seccite__menu"); }

  function close(toggle, refocus) {
    toggle.setAttribute("aria-expanded", "false");
    var menu = menuOf(toggle);
    menu.hidden = true;
    menu.querySelectorAll("[data-done]").forEach(function (b) { delete b.dataset.done; });
    if (refocus) toggle.focus();
  }

  function closeAll(except) {
    document.querySelectorAll('.mg-seccite__toggle[aria-expanded="true"]').forEach(function (t) {
      if (t !== except) close(t, false);
    });
  }

  function open(toggle) {
    closeAll(toggle);
    toggle.setAttribute("aria-expanded", "true");
    var menu = menuOf(toggle);
    menu.hidden = false;
    menu.querySelector("button").focus();
  }

  function fallbackCopy(text) {  // no async clipboard (a page served over plain http to another machine)
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    area.remove();
    return ok ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); });
    }
    return fallbackCopy(text);
  }

  function say(message) {
    var status = document.querySelector(".mg-seccite-status");
    if (!status) return;
    status.textContent = "";
    // A new text node after a tick, so that the same message twice is announced twice.
    setTimeout(function () { status.textContent = message; }, 50);
  }

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest(".mg-seccite__toggle");
    if (toggle) {
      if (toggle.getAttribute("aria-expanded") === "true") close(toggle, true);
      else open(toggle);
      return;
    }
    var item = event.target.closest(".mg-seccite__copy");
    if (item) {
      var kind = item.dataset.mgWhat;
      copy(item.dataset.mgCopy).then(function () {
        say(copied(kind));
        item.parentNode.querySelectorAll("[data-done]").forEach(function (b) { delete b.dataset.done; });
        item.dataset.done = "";
      }, function () {
        say(refused(kind));
      });
      return;
    }
    if (!event.target.closest(".mg-seccite__menu")) closeAll(null);
  });

  document.addEventListener("keydown", function (event) {
    var menu = event.target.closest && event.target.closest(".mg-seccite__menu");
    if (!menu) return;
    var toggle = menu.parentNode.querySelector(".mg-seccite__toggle");
    var items = Array.prototype.slice.call(menu.querySelectorAll("button"));
    var i = items.indexOf(event.target);
    if (event.key === "Escape") { event.preventDefault(); close(toggle, true); }
    else if (event.key === "ArrowDown") { event.preventDefault(); items[(i + 1) % items.length].focus(); }
    else if (event.key === "ArrowUp") { event.preventDefault(); items[(i - 1 + items.length) % items.length].focus(); }
    else if (event.key === "Tab" && ((event.shiftKey && i === 0) || (!event.shiftKey && i === items.length - 1))) {
      close(toggle, false);  // Tab out of the menu closes it; focus moves on as usual
    }
  });

  if (window.document$) window.document$.subscribe(function () { closeAll(null); });
})();
