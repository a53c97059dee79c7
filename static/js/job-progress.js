// Follows every background job shown on the page (templates/includes/job_progress.html): asks the
// portal for its progress every two seconds, moves the bar, and reloads the page when it ends.
(function () {
  "use strict";

  function show(box, data) {
    const bar = box.querySelector(".progress");
    const fill = box.querySelector(".progress-bar");
    bar.setAttribute("aria-valuenow", String(data.progress));
    fill.style.width = data.progress + "%";
    box.querySelector(".job-status").textContent = data.status_label;
  }

  function follow(box) {
    const url = box.dataset.jobUrl;
    let failures = 0;
    const tick = function () {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (data) {
          failures = 0;
          show(box, data);
          if (data.finished) {
            window.location.reload();
          } else {
            window.setTimeout(tick, 2000);
          }
        })
        .catch(function () {
          // Signed out, or the server is away: stop after a few tries and say so.
          failures += 1;
          if (failures < 5) {
            window.setTimeout(tick, 5000);
          } else {
            box.querySelector(".job-status").textContent = box.dataset.lost;
          }
        });
    };
    window.setTimeout(tick, 1000);
  }

  document.querySelectorAll(".job-progress").forEach(function (box) {
    const fill = box.querySelector(".progress-bar");
    fill.style.width = (fill.dataset.progress || "0") + "%";
    follow(box);
  });
})();
