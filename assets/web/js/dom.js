// Building the page from data without ever parsing it as HTML: every piece of text a person
// typed (names, titles, comments) becomes a text node, so it cannot turn into markup.

import { errorMessage } from "./labels.js";

/** `h("p", { class: "x", on: { click } }, "text", child, [more])` */
export function h(tag, props, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "on") {
      for (const [event, handler] of Object.entries(value)) element.addEventListener(event, handler);
    } else if (key === "value" && (tag === "input" || tag === "textarea" || tag === "select")) {
      element.value = value;
    } else if (key === "checked" || key === "selected") {
      element[key] = Boolean(value);
    } else {
      element.setAttribute(key, value === true ? "" : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

let counter = 0;
/** An id no other element of the page has. */
export function uid(prefix) {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** A labelled control with its hint and the place its error goes, tied by aria-describedby. */
export function field({ label, name, type = "text", required, hint, options, value, attrs = {} }) {
  const id = uid(`champ-${name}`);
  const hintId = hint ? `${id}-aide` : null;
  const errorId = `${id}-erreur`;
  const common = {
    id, name, required: required || null, "aria-describedby": hintId,
    "data-error-id": errorId, ...attrs,
  };
  let control;
  if (type === "select") {
    control = h("select", common,
      (options || []).map(([v, text]) => h("option", { value: v, selected: v === value }, text)));
  } else if (type === "textarea") {
    control = h("textarea", { ...common, value: value ?? "" });
  } else {
    control = h("input", { ...common, type, value: value ?? null });
  }
  return h("div", { class: "field" },
    h("label", { for: id }, label, required ? h("span", { "aria-hidden": "true" }, " *") : null),
    hint ? h("span", { class: "hint", id: hintId }, hint) : null,
    h("p", { class: "error-text", id: errorId, hidden: true }),
    control);
}

/** A group of radio buttons or checkboxes under one legend. */
export function choices({ legend, name, type = "radio", options, value, required, inline }) {
  const errorId = uid(`erreur-${name}`);
  const selected = Array.isArray(value) ? value : [value];
  return h("fieldset", { "data-error-id": errorId, "data-group": name },
    h("legend", {}, legend, required ? h("span", { "aria-hidden": "true" }, " *") : null),
    h("p", { class: "error-text", id: errorId, hidden: true }),
    h("div", { class: inline ? "choices-inline" : null },
      options.map(([v, text]) => {
        const id = uid(`choix-${name}`);
        return h("div", { class: "choice" },
          h("input", {
            type, id, name, value: v, checked: selected.includes(v),
            required: required && type === "radio" ? true : null,
          }),
          h("label", { for: id }, text));
      })));
}

/** Clears what `showErrors` put on a form. */
export function clearErrors(form) {
  form.querySelector(".form-errors")?.remove();
  for (const element of form.querySelectorAll("[aria-invalid]")) {
    element.removeAttribute("aria-invalid");
    restoreDescription(element);
  }
  for (const text of form.querySelectorAll(".error-text")) {
    text.hidden = true;
    text.textContent = "";
  }
}

function restoreDescription(element) {
  const errorId = element.dataset.errorId;
  const ids = (element.getAttribute("aria-describedby") || "").split(" ").filter((i) => i && i !== errorId);
  if (ids.length) element.setAttribute("aria-describedby", ids.join(" "));
  else element.removeAttribute("aria-describedby");
}

/**
 * Shows each error at the control its `field` path names (the last segment is the input's
 * name), the rest in a summary at the top of the form; moves focus to the first one.
 */
export function showErrors(form, errors) {
  clearErrors(form);
  if (!errors.length) return;
  const summary = h("div", { class: "form-errors", tabindex: "-1", role: "alert" },
    h("p", {}, h("strong", {}, errors.length > 1 ? "Ces points sont à corriger :" : "Ce point est à corriger :")),
    h("ul", {}));
  for (const error of errors) {
    const text = errorMessage(error);
    const name = (error.field || []).at(-1);
    const target = name ? form.querySelector(`[name="${CSS.escape(name)}"]`) : null;
    const group = target?.closest("[data-group]");
    const place = target && document.getElementById((group || target).dataset.errorId);
    if (!place) {
      summary.querySelector("ul").append(h("li", {}, text));
      continue;
    }
    place.textContent = text;
    place.hidden = false;
    // A group's message sits inside its fieldset, read with the legend; a control says it
    // is invalid and is described by its message.
    if (!group) {
      target.setAttribute("aria-invalid", "true");
      const described = (target.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      if (!described.includes(place.id)) target.setAttribute("aria-describedby", [...described, place.id].join(" "));
    }
    const link = h("a", { href: `#${target.id}`, on: { click: (e) => { e.preventDefault(); target.focus(); } } }, text);
    summary.querySelector("ul").append(h("li", {}, link));
  }
  form.prepend(summary);
  summary.focus();
}

/** Says `text` to screen readers without moving focus. */
export function announce(text) {
  const region = document.getElementById("annonce");
  region.textContent = "";
  // A change after a tick is announced even when the text is the same as before.
  setTimeout(() => { region.textContent = text; }, 50);
}

/** A notice box: `kind` is success, warning, danger or empty. */
export function notice(kind, ...children) {
  return h("div", { class: `notice ${kind || ""}`.trim(), role: kind === "danger" ? "alert" : null }, ...children);
}

/** Reads a form's named values: repeated names (checkboxes) become arrays. */
export function values(form) {
  const data = new FormData(form);
  const out = {};
  for (const [key, value] of data.entries()) {
    if (key in out) out[key] = [].concat(out[key], value);
    else out[key] = value;
  }
  return out;
}

/** Trimmed text, or null when empty: optional GraphQL inputs want null, not "". */
export function optional(text) {
  const trimmed = (text ?? "").toString().trim();
  return trimmed === "" ? null : trimmed;
}

export function formatDate(iso) {
  if (!iso) return "";
  const [y, m, d] = iso.slice(0, 10).split("-");
  return `${d}/${m}/${y}`;
}

export function formatBytes(size) {
  if (size < 1024) return `${size} o`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1).replace(".", ",")} Kio`;
  return `${(size / 1024 / 1024).toFixed(1).replace(".", ",")} Mio`;
}

export function formatMonths(months) {
  return `${String(months).replace(".", ",")} mois`;
}

/** A table that scrolls sideways on a narrow screen and can be scrolled with the keyboard. */
export function scrollTable(label, table) {
  return h("div", { class: "table-scroll", role: "region", "aria-label": label, tabindex: "0" }, table);
}

/** The screen's heading: focusable, so the router can move focus to it after a navigation. */
export function heading(...text) {
  return h("h1", { tabindex: "-1" }, ...text);
}

/**
 * Runs `handler(values)` on submit with the button held while it runs; an API failure is
 * shown on the form rather than lost.
 */
export function onSubmit(form, handler) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = event.submitter || form.querySelector("[type=submit]");
    if (button) button.disabled = true;
    form.setAttribute("aria-busy", "true");
    try {
      await handler(values(form), event);
    } catch (error) {
      if (!error.code) console.error(error);
      showErrors(form, [{ code: error.code || "INTERNAL", message: error.message }]);
    } finally {
      if (button) button.disabled = false;
      form.removeAttribute("aria-busy");
    }
  });
  return form;
}
