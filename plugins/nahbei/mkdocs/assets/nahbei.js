/* nahbei – small enhancements; every page works without this file.
   Copy buttons: <button data-nb-copy="ID"> copies the value of the field ID and
   says so in the next role="status" element. Event delegation on document, so it
   also works after mkdocs-material's instant navigation swaps the page. */
(function () {
  "use strict";

  function reveal(root) {
    var buttons = root.querySelectorAll("button[data-nb-copy][hidden]");
    for (var i = 0; i < buttons.length; i++) buttons[i].hidden = false;
  }

  function say(button, text) {
    var status = button.parentNode.querySelector(".nb-copy-status");
    if (status) status.textContent = text;
  }

  function copyBySelection(field) {
    field.focus();
    field.select();
    try {
      return document.execCommand("copy");
    } catch (e) {
      return false;
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-nb-copy]") : null;
    if (!button) return;
    var field = document.getElementById(button.getAttribute("data-nb-copy"));
    if (!field) return;
    var done = function () { say(button, button.getAttribute("data-nb-copied")); };
    var failed = function () {
      if (copyBySelection(field)) done();
      else say(button, button.getAttribute("data-nb-failed"));
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, failed);
    } else {
      failed();
    }
  });

  // A read-only address field: one click selects all of it (easy to copy by hand).
  document.addEventListener("focusin", function (event) {
    if (event.target.classList && event.target.classList.contains("nb-feed-url")) event.target.select();
  });

  // mkdocs-material's palette switch: check the radio button of the palette in
  // use. mkdocs-material checks none until one is clicked, so Tab landed on the
  // first one – in the dark scheme the light palette's radio, whose label is
  // hidden: the focus was invisible and its name wrong. Checked, Tab lands on
  // the radio next to the visible switch, named as the switch.
  (function () {
    var inputs = document.querySelectorAll("[data-md-component=palette] .md-option");
    var stored = typeof __md_get === "function" ? __md_get("__palette") : null;
    var index = stored && typeof stored.index === "number" ? stored.index : -1;
    if (!inputs[index]) {
      index = 0;
      for (var i = 0; i < inputs.length; i++) {
        if (matchMedia(inputs[i].getAttribute("data-md-color-media")).matches) { index = i; break; }
      }
    }
    if (inputs[index]) inputs[index].checked = true;
  })();

  reveal(document);
  // mkdocs-material's instant navigation replaces the page content
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () { reveal(document); });
  } else {
    new MutationObserver(function () { reveal(document); }).observe(document.body, { childList: true, subtree: true });
  }
})();
