// A <select data-submit-on-change> sends its form as soon as a choice is made (the language
// menu). The page keeps a submit button for browsers without JavaScript; the policy of the
// site allows no inline event handler, so this file stands in for onchange="...".
(function () {
  document.querySelectorAll("select[data-submit-on-change]").forEach(function (select) {
    select.addEventListener("change", function () {
      var form = select.form;
      if (!form) return;
      if (form.requestSubmit) form.requestSubmit();
      else form.submit();
    });
  });
})();
