// Sends a form marked data-autosubmit as soon as the page is read (the logout's hand-over to
// the identity provider). Without scripts the citizen presses its button instead.
document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
  form.submit();
});
