// "Add another child": copies the empty row of the children formset. Without JavaScript the
// form still offers two rows, so nothing depends on this.
(function () {
  var button = document.getElementById("add-child");
  var rows = document.getElementById("child-rows");
  var template = document.getElementById("child-row-template");
  var total = document.getElementById("id_children-TOTAL_FORMS");
  var max = document.getElementById("id_children-MAX_NUM_FORMS");
  if (!button || !rows || !template || !total) return;
  button.classList.remove("d-none");
  button.addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    if (max && index >= parseInt(max.value, 10)) return;
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    rows.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var added = rows.lastElementChild.querySelector("input");
    if (added) added.focus();
    if (max && index + 1 >= parseInt(max.value, 10)) button.classList.add("d-none");
  });
})();
