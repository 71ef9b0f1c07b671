// Periodic refresh at the interval of the Messages tab (default 2 minutes): the status bar
// on every page, the whole page on data tabs, unless the user is typing in a form.
(function () {
  const body = document.body;
  const seconds = parseInt(body.dataset.refreshSeconds || "0", 10);
  if (!seconds) return;
  let dirty = false;
  document.addEventListener("input", () => { dirty = true; });
  setInterval(async () => {
    if (body.hasAttribute("data-auto-refresh") && !dirty) {
      window.location.reload();
      return;
    }
    try {
      const response = await fetch(body.dataset.statusUrl, { headers: { "X-Requested-With": "fetch" } });
      if (response.ok) document.getElementById("status-bar").innerHTML = await response.text();
    } catch (error) {
      // The server may be restarting; the next tick tries again.
    }
  }, seconds * 1000);
})();
