// The cerdas editor: the "Pratinjau" button sends the body to cerdas and shows the HTML its
// own Markdown pipeline makes. Everything else works without JavaScript.
(function () {
  var button = document.getElementById("pratinjau-tombol");
  var out = document.getElementById("pratinjau");
  var body = document.getElementById("body");
  if (!button || !out || !body) return;
  button.addEventListener("click", function () {
    var data = new FormData();
    data.append("csrf", button.getAttribute("data-csrf") || "");
    data.append("body", body.value);
    fetch(button.getAttribute("data-url") || "/_cerdas/pratinjau", { method: "POST", body: data, credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (html) { out.innerHTML = html; })
      .catch(function () { out.textContent = "Pratinjau gagal (preview failed)."; });
  });
})();
