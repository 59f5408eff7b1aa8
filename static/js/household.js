// «Nærkontakter i husstanden» with htmx: «Legg til nærkontakt» and «Fjern» post the form as
// they do without scripts, and only the section is swapped (hx-select). The focus then goes
// where it belongs: into the new row, or to the section's heading after a row is removed.
// Without scripts the page comes back with autofocus on the same places.
(function () {
  let pressed = "";

  // A response that is not the form again (an error page, the login page after the session
  // ran out) or none at all: the button posts the form as it does without scripts, so that
  // the browser shows the page the server meant.
  function withoutScripts(button) {
    pressed = "";
    if (button && button.form) button.form.requestSubmit(button);
  }

  document.addEventListener("htmx:beforeRequest", (event) => {
    pressed = event.detail.elt.getAttribute("name") || "";
  });
  document.addEventListener("htmx:beforeSwap", (event) => {
    const xhr = event.detail.xhr;
    if (xhr.status !== 200 || !xhr.responseText.includes('id="household"')) {
      event.detail.shouldSwap = false;
      withoutScripts(event.detail.requestConfig.elt);
    }
  });
  document.addEventListener("htmx:sendError", (event) => withoutScripts(event.detail.elt));
  document.addEventListener("htmx:afterSettle", () => {
    const section = document.getElementById("household");
    if (!section || !pressed) return;
    const rows = section.querySelectorAll(".household__row");
    if (pressed === "nk_legg_til" && rows.length) {
      rows[rows.length - 1].querySelector("input").focus();
    } else {
      document.getElementById("household-heading").focus();
    }
    pressed = "";
  });
})();
