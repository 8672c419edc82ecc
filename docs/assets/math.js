// Render the math that pymdownx.arithmatex marks, with the vendored KaTeX, on every page view
// (Material's document$ fires again after each instant navigation).
document$.subscribe(() => {
  renderMathInElement(document.body, {
    delimiters: [
      { left: "$$", right: "$$", display: true },
      { left: "$", right: "$", display: false },
      { left: "\\(", right: "\\)", display: false },
      { left: "\\[", right: "\\]", display: true },
    ],
    ignoredClasses: ["highlight", "mg-graph"],
    throwOnError: false,
  });
  // A display formula wider than the page scrolls: let keyboard users reach it to scroll it
  // (measured once KaTeX's fonts are in, which is when formulas take their real width).
  document.fonts.ready.then(() => {
    for (const el of document.querySelectorAll("div.arithmatex")) {
      if (el.scrollWidth > el.clientWidth) el.tabIndex = 0;
    }
  });
});
