// Starts Pagefind's search box. Pagefind finds its index and the site's address from the
// script's own location, so search works under a sub-path. Without JavaScript the lists remain.
window.addEventListener("DOMContentLoaded", function () {
  if (typeof PagefindUI === "undefined") return;
  new PagefindUI({ element: "#search", showSubResults: false, showImages: false });
});
