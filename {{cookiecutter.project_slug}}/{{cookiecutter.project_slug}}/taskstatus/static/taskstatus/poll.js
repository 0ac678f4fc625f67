// Polls a task's JSON story until the task finishes, updating the page in place.
//
// Markup: an element with data-poll-url holds the display. Inside it,
//   [data-field="name"]       shows the JSON's `name` (a <progress> gets it as value,
//                             a <time> as its datetime, shown in local time),
//   [data-show-when="STATUS"] is visible only while the status is STATUS,
//   [data-show-if="name"]     is visible only while `name` has a value,
//   [data-href-field="name"]  gets the JSON's `name` as its href,
//   [data-list="name"]        is rebuilt from the list `name`, one copy of its
//                             <template> per item, whose [data-item="key"] show
//                             the item's values ([data-show-if-item="key"] is kept
//                             only if the item has a value for `key`).
// The root element's data-status always holds the current status, for CSS and tests.
(function () {
  "use strict";

  const FIRST_DELAY_MS = 250;
  const MAX_DELAY_MS = 2000;

  function show(el, value) {
    if (value === undefined || value === null) return;
    if (el instanceof HTMLProgressElement) el.value = value;
    else if (el instanceof HTMLTimeElement) {
      el.dateTime = value;
      el.textContent = new Date(value).toLocaleTimeString();
    } else el.textContent = value;
  }

  function renderList(list, items) {
    const template = list.querySelector("template");
    list.querySelectorAll(":scope > :not(template)").forEach((el) => el.remove());
    for (const item of items) {
      const copy = template.content.cloneNode(true);
      copy.querySelectorAll("[data-item]").forEach((el) => show(el, item[el.dataset.item]));
      copy.querySelectorAll("[data-show-if-item]").forEach((el) => {
        if (item[el.dataset.showIfItem] == null) el.remove();
      });
      list.appendChild(copy);
    }
  }

  function render(root, state) {
    root.dataset.status = state.status;
    root.querySelectorAll("[data-field]").forEach((el) => show(el, state[el.dataset.field]));
    root.querySelectorAll("[data-show-when]").forEach((el) => {
      el.hidden = !el.dataset.showWhen.split(" ").includes(state.status);
    });
    root.querySelectorAll("[data-show-if]").forEach((el) => {
      el.hidden = state[el.dataset.showIf] == null;
    });
    root.querySelectorAll("[data-href-field]").forEach((el) => {
      const href = state[el.dataset.hrefField];
      if (href) el.href = href;
    });
    root.querySelectorAll("[data-list]").forEach((el) => {
      if (state[el.dataset.list]) renderList(el, state[el.dataset.list]);
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

  document.querySelectorAll("time[datetime]").forEach((el) => {
    if (el.dateTime) show(el, el.dateTime);
  });
  document.querySelectorAll("[data-poll-url]").forEach((root) => {
    if (root.dataset.finished !== "true") poll(root);
  });
})();
