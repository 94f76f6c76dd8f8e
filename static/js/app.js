// Proximity's own scripts. Kept in a file: the Content-Security-Policy allows no inline script.
document.addEventListener("DOMContentLoaded", () => {
  // Buttons that ask before doing something hard to undo: <button data-confirm="Sure?">.
  document.body.addEventListener("click", (event) => {
    const button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
  });
});
