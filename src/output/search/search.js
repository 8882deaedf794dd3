// Starts Pagefind's standard UI on the search page (`/cari/`): `?q=` in the address fills the
// box and searches, and the address follows what is typed, so results can be linked. Inside a
// province a regency's search page starts filtered to that regency.
(function () {
  var box = document.getElementById("cari");
  if (!box || typeof PagefindUI === "undefined") return;
  var ui = new PagefindUI({
    element: "#cari",
    bundlePath: box.getAttribute("data-bundle"),
    showImages: true,
    showSubResults: false,
    resetStyles: false,
  });
  // Pagefind's box has only a title; give it a name screen readers announce.
  var input = box.querySelector(".pagefind-ui__search-input");
  if (input && box.getAttribute("data-label")) input.setAttribute("aria-label", box.getAttribute("data-label"));
  var name = box.getAttribute("data-filter-name");
  var value = box.getAttribute("data-filter-value");
  if (name && value) {
    var filters = {};
    filters[name] = [value];
    ui.triggerFilters(filters);
  }
  var q = new URLSearchParams(window.location.search).get("q");
  if (q) ui.triggerSearch(q);
  box.addEventListener("input", function (event) {
    if (!event.target || !event.target.classList.contains("pagefind-ui__search-input")) return;
    var url = new URL(window.location.href);
    if (event.target.value) url.searchParams.set("q", event.target.value);
    else url.searchParams.delete("q");
    window.history.replaceState(null, "", url);
  });
})();
