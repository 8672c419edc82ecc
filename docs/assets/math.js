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
});
