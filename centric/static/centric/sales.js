// Dragging a card onto another column submits the card's own move form (the keyboard's way),
// so a drop goes through the same checks and messages as choosing the stage and pressing Move.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var board = document.querySelector("[data-board]");
    if (!board) return;
    var dragged = null;
    board.addEventListener("dragstart", function (event) {
      dragged = event.target.closest("[data-deal]");
      if (dragged && event.dataTransfer) event.dataTransfer.setData("text/plain", dragged.dataset.deal);
    });
    board.addEventListener("dragover", function (event) {
      var column = event.target.closest("[data-stage]");
      if (!dragged || !column) return;
      event.preventDefault();
      column.classList.add("is-target");
    });
    board.addEventListener("dragleave", function (event) {
      var column = event.target.closest("[data-stage]");
      if (column) column.classList.remove("is-target");
    });
    board.addEventListener("drop", function (event) {
      var column = event.target.closest("[data-stage]");
      if (!dragged || !column) return;
      event.preventDefault();
      column.classList.remove("is-target");
      var form = dragged.querySelector("[data-move-form]");
      if (!form) return;
      form.querySelector("select[name=stage]").value = column.dataset.stage;
      form.requestSubmit();
    });
  });
})();
