// The standards page: a criterion's figure name and threshold only matter when its answer is a
// figure. Without this script every field shows; nothing is submitted differently.
(function () {
  function sync(row) {
    var kind = row.querySelector("select[name$='-kind']");
    if (!kind) return;
    var figure = kind.value !== "rating";
    row.querySelectorAll("[data-figure-only]").forEach(function (el) {
      // A field with a message stays visible whatever the kind.
      el.hidden = !figure && !el.classList.contains("std-has-error") && !el.querySelector(".std-warning");
    });
  }
  document.querySelectorAll("[data-figure-row]").forEach(function (row) {
    sync(row);
    row.addEventListener("change", function (event) {
      if (event.target.name && event.target.name.slice(-5) === "-kind") sync(row);
    });
  });
})();
