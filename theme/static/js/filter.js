// Progressive enhancement: filter the ward list as you type. Without JavaScript the full list and
// the A to Z links still work; this file only adds the box (which is hidden in the HTML).
(function () {
  var box = document.querySelector(".ward-filter");
  var input = document.getElementById("ward-filter-input");
  var count = document.getElementById("ward-filter-count");
  if (!box || !input) return;
  box.hidden = false;
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-filterable] li"));
  input.addEventListener("input", function () {
    var query = input.value.trim().toLowerCase();
    var shown = 0;
    items.forEach(function (item) {
      var match = item.textContent.toLowerCase().indexOf(query) !== -1;
      item.hidden = !match;
      if (match) shown += 1;
    });
    count.textContent = query ? shown + " ward" + (shown === 1 ? "" : "s") + " found" : "";
  });
})();
