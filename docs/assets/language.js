// The language switch (Material's, in the header) leads to the same page in the other edition:
// docs/hooks/translation.py writes that page's URL into it. Both editions give every section the
// same id, so the section the reader is in (the URL's #fragment) is added here, at the click.
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("a.md-select__link[hreflang]");
  if (link && location.hash) link.href = link.href.split("#")[0] + location.hash;
}, true);
