// The template editor's counter: asks the server (which counts exactly as the modem will
// encode) while the user types, a quarter of a second after the last key.
(function () {
  const form = document.getElementById("template-form");
  if (!form) return;
  const text = form.querySelector("[data-template-text]");
  const box = document.getElementById("template-measure");
  let timer = null;
  text.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const body = new FormData();
      body.append("text", text.value);
      body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
      const response = await fetch(form.dataset.measureUrl, { method: "POST", body });
      if (!response.ok) return;
      const measure = await response.json();
      for (const name of ["rendered", "length", "encoding_text", "segments", "error"]) {
        box.querySelector(`[data-field=${name}]`).textContent = measure[name];
      }
      box.querySelector("[data-field=length]").classList.toggle("text-danger", measure.over);
      box.querySelector("[data-field=length]").classList.toggle("fw-bold", measure.over);
    }, 250);
  });
})();
