// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Typing an amount selects "other"; choosing a tier clears the typed amount.
  document.querySelectorAll(".donation-form").forEach(function (form) {
    var other = form.querySelector("input[name=other_amount]");
    var otherRadio = form.querySelector("input[name=tier][value=other]");
    if (!other || !otherRadio) return;
    other.addEventListener("input", function () {
      if (other.value.trim()) otherRadio.checked = true;
    });
    form.querySelectorAll("input[name=tier]").forEach(function (radio) {
      radio.addEventListener("change", function () {
        if (radio !== otherRadio && radio.checked) other.value = "";
      });
    });
  });
  // Move focus to the error summary so screen readers announce it.
  var summary = document.querySelector(".error-summary[tabindex]");
  if (summary) summary.focus();
})();
