// Filter forms: changing a region picker reloads the list (and narrows the pickers below it).
document.querySelectorAll("form.filters select[data-autosubmit]").forEach(function (select) {
  select.addEventListener("change", function () {
    // A higher level changed: the lower pickers no longer apply.
    var order = ["province", "city", "county", "street"];
    var below = order.slice(order.indexOf(select.name) + 1);
    below.forEach(function (name) {
      var el = select.form.elements[name];
      if (el) el.value = "";
    });
    select.form.requestSubmit ? select.form.requestSubmit() : select.form.submit();
  });
});
