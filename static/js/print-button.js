// A <button data-print> prints the page (the participant list, a funder report). The site's
// policy allows no inline event handler, so this file stands in for onclick="window.print()".
(function () {
  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
