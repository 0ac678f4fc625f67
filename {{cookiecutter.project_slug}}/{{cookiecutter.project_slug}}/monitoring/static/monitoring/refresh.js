// The dashboard refreshes itself: every data-refresh-seconds, its content is fetched again
// and swapped in; a static file rather than an inline script, so a strict CSP allows it.
"use strict";
(() => {
  const content = document.querySelector("[data-refresh-seconds]");
  if (!content) return;
  const seconds = Number(content.dataset.refreshSeconds);
  setInterval(async () => {
    const response = await fetch(window.location.href, { credentials: "same-origin" });
    if (!response.ok) return;
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.querySelector("[data-refresh-seconds]");
    if (fresh) content.replaceChildren(...fresh.childNodes);
  }, seconds * 1000);
})();
