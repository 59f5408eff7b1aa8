/* «Du blir snart logget ut»: opens the dialog the page holds (selfreg/_session_warning.html)
   shortly before the login runs out, and «Forleng økten» renews the session in the background,
   so nothing typed on the page is lost. When the time is up the dialog says so. Without
   JavaScript the dialog never opens; a form sent after the login ran out is still kept
   (selfreg.resume). The texts are the page's, translated like every other. */
(function () {
  "use strict";
  var dialog = document.getElementById("session-warning");
  if (!dialog || typeof dialog.showModal !== "function") {
    return;
  }
  var warnBefore = Number(dialog.getAttribute("data-warn-before")) || 120;
  var timers = [];

  function show(state) {
    dialog.querySelectorAll("[data-state]").forEach(function (part) {
      part.hidden = part.getAttribute("data-state") !== state;
    });
    if (!dialog.open) {
      dialog.showModal();
    }
    var heading = dialog.querySelector("[data-state='" + state + "'] h2");
    if (heading) {
      heading.focus();
    }
  }

  function schedule(secondsLeft) {
    timers.forEach(window.clearTimeout);
    timers = [
      window.setTimeout(function () { show("warning"); },
                        Math.max(0, secondsLeft - warnBefore) * 1000),
      window.setTimeout(function () { show("ended"); }, Math.max(0, secondsLeft) * 1000)
    ];
  }

  dialog.querySelectorAll("[data-close]").forEach(function (button) {
    button.addEventListener("click", function () { dialog.close(); });
  });

  var extend = dialog.querySelector("form[data-extend]");
  if (extend) {
    extend.addEventListener("submit", function (event) {
      event.preventDefault();
      window.fetch(extend.action, {
        method: "POST",
        body: new FormData(extend),
        credentials: "same-origin",
        redirect: "manual",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        if (!response.ok) {
          throw new Error("not extended");
        }
        return response.json();
      }).then(function (answer) {
        dialog.close();
        schedule(Number(answer.seconds_left));
      }).catch(function () {
        show("ended");
      });
    });
  }

  schedule(Number(dialog.getAttribute("data-seconds-left")));
})();
