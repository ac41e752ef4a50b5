// After an invalid submission, move the focus to the error summary so that keyboard and
// screen-reader users start from the list of what to correct (RGAA 11.10).
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
});
