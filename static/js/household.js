// «Nærkontakter i husstanden» with htmx: «Legg til nærkontakt» and «Fjern» post the form as
// they do without scripts, and only the section is swapped (hx-select). The focus then goes
// where it belongs: into the new row, or to the section's heading after a row is removed.
// Without scripts the page comes back with autofocus on the same places.
(function () {
  let pressed = "";
  document.addEventListener("htmx:beforeRequest", (event) => {
    pressed = event.detail.elt.getAttribute("name") || "";
  });
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
