// The review desk's keyboard shortcuts. They work only while a comment's row has the focus
// (its checkbox or one of its buttons), so typing elsewhere never decides anything:
// A approves that comment, R rejects it, J and K move to the next and the previous row.
"use strict";
document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
  const target = event.target;
  if (!(target instanceof Element)) return;
  const row = target.closest("tr[data-id]");
  if (!row || target.matches("select, textarea, input:not([type=checkbox])")) return;
  const key = event.key.toLowerCase();
  if (key === "a" || key === "r") {
    const button = row.querySelector(`button[data-key="${key}"]`);
    if (button) {
      event.preventDefault();
      button.click();
    }
  } else if (key === "j" || key === "k") {
    const next = key === "j" ? row.nextElementSibling : row.previousElementSibling;
    const box = next && next.querySelector("input.select");
    if (box) {
      event.preventDefault();
      box.focus();
    }
  }
});
