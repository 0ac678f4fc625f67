// Polls a task's JSON status until the task finishes, updating the page in place.
//
// Markup: an element with data-poll-url holds the display. Inside it,
//   [data-field="name"]       shows the JSON's `name` (a <progress> gets it as value),
//   [data-show-when="STATUS"] is visible only while the status is STATUS,
//   [data-href-field="name"]  gets the JSON's `name` as its href.
// The root element's data-status always holds the current status, for CSS and tests.
(function () {
  "use strict";

  const FIRST_DELAY_MS = 250;
  const MAX_DELAY_MS = 2000;

  function render(root, state) {
    root.dataset.status = state.status;
    root.querySelectorAll("[data-field]").forEach((el) => {
      const value = state[el.dataset.field];
      if (value === undefined || value === null) return;
      if (el instanceof HTMLProgressElement) el.value = value;
      else el.textContent = value;
    });
    root.querySelectorAll("[data-show-when]").forEach((el) => {
      el.hidden = !el.dataset.showWhen.split(" ").includes(state.status);
    });
    root.querySelectorAll("[data-href-field]").forEach((el) => {
      const href = state[el.dataset.hrefField];
      if (href) el.href = href;
    });
  }

  async function poll(root) {
    let delay = FIRST_DELAY_MS;
    for (;;) {
      try {
        const response = await fetch(root.dataset.pollUrl, {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
        });
        if (response.ok) {
          const state = await response.json();
          render(root, state);
          if (state.is_finished) return;
        }
      } catch (error) {
        // The server may be restarting: keep trying, more slowly.
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 1.5, MAX_DELAY_MS);
    }
  }

  document.querySelectorAll("[data-poll-url]").forEach((root) => {
    if (root.dataset.finished !== "true") poll(root);
  });
})();
