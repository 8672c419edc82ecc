// A link to a section of the page the reader is on (a heading's ¶, the table of contents, a
// footnote) is followed by the browser itself: it scrolls there and names the section in the address
// at once, as on a site without instant navigation.
//
// Why: Material's instant navigation (mkdocs-material 9.8.2) takes such a click over. On the first
// one after the page was opened by a full load, it fetches the whole page again and scrolls only once
// that is in; and if by then the history entry it just pushed carries a state (its own scroll memory
// writes one 100 ms after the reader last scrolled, navigation.tracking 250 ms after), it takes the
// click for a Back and "restores" that old position instead. The reader stays where they were, or is
// sent to the top, and navigation.tracking names the section above in the address. Seen on
// code-walkthrough/#differences (tests/browser/test_behaviour.py::test_permalink_lands_on_its_heading).
//
// So the click is kept from Material's listener (on document.body), and so is the `popstate` that
// Chromium fires, before any timer, while it follows the link (Material would take that for a Back and
// fetch the page again too). Material still learns of the new section by `hashchange`: its table of
// contents, navigation.tracking and Back keep working. Links to other pages, modified clicks (new
// tab) and real Back/Forward are left to Material.
(() => {
  let following = null;  // the address of the link within the page being followed, during its click

  addEventListener("click", (ev) => {
    if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    const link = ev.target instanceof Element ? ev.target.closest("a[href]") : null;
    if (!link || link.target || link.hasAttribute("download")) return;
    const url = new URL(link.href, location.href);
    if (url.hash.length > 1 && url.origin === location.origin && url.pathname === location.pathname
        && url.search === location.search) {
      ev.stopPropagation();
      following = url.href;
      setTimeout(() => { following = null; }, 0);  // the browser follows it before any timer runs
    }
  }, true);  // capture: before the event reaches the page, and so before Material's listener

  // Loaded before Material's bundle (docs/overrides/main.html): Chromium calls the listeners of
  // the window in the order they were added, capture or not.
  addEventListener("popstate", (ev) => {
    if (following !== null && location.href === following) ev.stopImmediatePropagation();
  });
})();
