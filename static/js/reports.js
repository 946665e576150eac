// Reports: while a compile job runs, poll its state and reload the page when it has finished.
(function () {
  var el = document.getElementById("job-state");
  if (!el) return;
  var url = el.getAttribute("data-job-url");
  function poll() {
    fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        if (job.state === "done" || job.state === "failed") window.location.reload();
        else setTimeout(poll, 2000);
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1500);
})();
