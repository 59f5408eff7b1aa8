// «Skriv ut»: the button is hidden in the markup and shown here, so that a page without
// scripts offers no button that does nothing. No inline handlers: the CSP allows only 'self'.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
