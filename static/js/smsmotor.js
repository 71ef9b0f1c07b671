// Page behaviour that needs no inline script (the Content-Security-Policy allows none):
// forms marked data-submit-once, data-auto-submit and data-confirm; fields shown for one kind
// of line (data-shown-for); live parts (htmx polling)
// paused while the page is hidden; and the full refresh at the Messages tab's interval
// (default 2 minutes) on data tabs, unless the user is typing in a form.
(function () {
  const body = document.body;

  // A button that stays pressed while the server works (Connect, Load data...). Disabled
  // only after the browser has taken the form's values, so its name=value still goes.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    if (form.hasAttribute("data-submit-once")) {
      const button = event.submitter;
      if (button) {
        setTimeout(() => {
          button.disabled = true;
          if (button.dataset.busyLabel) button.textContent = button.dataset.busyLabel;
        }, 0);
      }
    }
  });

  // A select that applies itself (the language).
  document.addEventListener("change", (event) => {
    const field = event.target;
    if (field.hasAttribute && field.hasAttribute("data-auto-submit") && field.form) field.form.requestSubmit();
  });

  // Fields that belong to one kind of line (the Modem tab): shown only for that kind.
  const showForKind = (select) => {
    document.querySelectorAll("[data-shown-for]").forEach((part) => {
      part.hidden = !part.dataset.shownFor.split(" ").includes(select.value);
    });
  };
  document.addEventListener("change", (event) => {
    if (event.target.matches && event.target.matches("[data-kind-select]")) showForKind(event.target);
  });
  const kindSelect = document.querySelector("[data-kind-select]");
  if (kindSelect) showForKind(kindSelect);

  // Live parts poll only while someone can see them.
  document.addEventListener("htmx:beforeRequest", (event) => {
    if (document.visibilityState === "hidden" && event.detail.elt.hasAttribute("data-live")) event.preventDefault();
  });

  const seconds = parseInt(body.dataset.refreshSeconds || "0", 10);
  if (!seconds || !body.hasAttribute("data-auto-refresh")) return;
  let dirty = false;
  document.addEventListener("input", () => { dirty = true; });
  setInterval(() => {
    if (!dirty && document.visibilityState === "visible") window.location.reload();
  }, seconds * 1000);
})();
