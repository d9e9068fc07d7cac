/*
 * The upload page: when a file is chosen, its last-modified time (File.lastModified, ms since
 * 1970) goes into the hidden input named by the file input's data-last-modified-into. The
 * mapping page then offers it as "file made at" (decision 0064). Without JavaScript the upload
 * time is used instead.
 */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input || !input.getAttribute) return;
    var target = input.getAttribute("data-last-modified-into");
    if (!target || !input.files || !input.files.length) return;
    var hidden = document.getElementById(target);
    if (hidden) hidden.value = String(input.files[0].lastModified || "");
  });
})();
