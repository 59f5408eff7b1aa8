/* «Kopier» buttons (progressive enhancement): a button with data-copy="<id>" copies the value
   of that input, or the text of that element, to the clipboard. The buttons are rendered
   hidden and shown only here, where the clipboard can be reached; without JavaScript the text
   is still there to select and copy by hand. What to say afterwards comes from the page
   (data-copied, data-copy-failed), so it is translated like every other text. */
(function () {
  "use strict";
  if (!navigator.clipboard || !window.isSecureContext) {
    return;
  }
  function say(button, text) {
    var status = document.getElementById(button.getAttribute("data-copy-status"));
    if (status) {
      status.textContent = "";
      window.setTimeout(function () { status.textContent = text; }, 50);
    }
  }
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var target = document.getElementById(button.getAttribute("data-copy"));
    if (!target) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var value = "value" in target ? target.value : target.textContent;
      navigator.clipboard.writeText(value.trim()).then(
        function () { say(button, button.getAttribute("data-copied")); },
        function () {
          if (target.select) { target.select(); }
          say(button, button.getAttribute("data-copy-failed"));
        }
      );
    });
  });
})();
