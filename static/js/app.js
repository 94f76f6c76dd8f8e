// Proximity's own scripts. Kept in a file: the Content-Security-Policy allows no inline script.
document.addEventListener("DOMContentLoaded", () => {
  // Buttons that ask before doing something hard to undo: <button data-confirm="Sure?">.
  document.body.addEventListener("click", (event) => {
    const button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
  });

  // Parts of a form shown only for some choices: <div data-show-when="field=value">.
  // "activity_type=officer" matches when the chosen option's text mentions "officer".
  const forms = new Set(
    [...document.querySelectorAll("[data-show-when]")].map((el) => el.closest("form")),
  );
  const matches = (form, rule) => {
    const [name, wanted] = rule.split("=");
    const field = form.elements[name];
    if (!field) return true;
    if (field instanceof RadioNodeList) return field.value === wanted;
    if (field.tagName === "SELECT") {
      const option = field.options[field.selectedIndex];
      return option ? option.text.toLowerCase().includes(wanted) : false;
    }
    return field.value === wanted;
  };
  const update = (form) => {
    form.querySelectorAll("[data-show-when]").forEach((el) => {
      el.hidden = !matches(form, el.dataset.showWhen);
    });
  };
  forms.forEach((form) => {
    if (!form) return;
    form.addEventListener("change", () => update(form));
    update(form);
  });
});
