/* Region pickers that cascade province → city → county → street: choosing a region fetches its
   children in the user's scope (/regions/<code>/children/) into the picker of their level and
   empties the pickers below. Forms opt in with data-cascade on the <form>; the pickers are the
   selects named province, city, county, street. Without JavaScript the server narrows them. */
(function () {
  "use strict";
  var ORDER = ["province", "city", "county", "street"];
  Array.prototype.forEach.call(document.querySelectorAll("form[data-cascade]"), function (form) {
    var url = form.getAttribute("data-cascade");
    var allText = form.getAttribute("data-cascade-all") || "";
    function picker(name) { return form.elements[name] && form.elements[name].tagName === "SELECT" ? form.elements[name] : null; }
    function fill(select, regions) {
      select.options.length = 0;
      select.add(new Option(allText, ""));
      regions.forEach(function (r) { select.add(new Option(r.name, r.code)); });
      select.disabled = false;
    }
    function clearBelow(name) {
      ORDER.slice(ORDER.indexOf(name) + 1).forEach(function (below) {
        var el = picker(below);
        if (el) fill(el, []);
      });
    }
    ORDER.forEach(function (name) {
      var select = picker(name);
      if (!select) return;
      select.addEventListener("change", function () {
        clearBelow(name);
        var code = select.value;
        if (!code) return;
        form.setAttribute("aria-busy", "true");
        fetch(url.replace("000000000000", code), { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { regions: [] }; })
          .then(function (data) {
            var regions = data.regions || [];
            var level = regions.length ? regions[0].level : ORDER[ORDER.indexOf(name) + 1];
            var target = picker(level);
            if (target) fill(target, regions);
            // A municipality has no city level: its city picker stays empty.
          })
          .finally(function () { form.removeAttribute("aria-busy"); });
      });
    });
  });
})();
