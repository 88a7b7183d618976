// Small DOM helpers. Text always goes in as text nodes, never as markup.

/**
 * Create an element: h("p", {class: "x", "aria-label": "y"}, "text", child, [more]).
 * Attributes with a value of null, undefined or false are left out; true gives an empty value.
 * `on` takes an object of event listeners; `dataset` an object of data-* values.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "on") {
      for (const [event, fn] of Object.entries(value)) el.addEventListener(event, fn);
    } else if (name === "dataset") {
      for (const [key, v] of Object.entries(value)) el.dataset[key] = String(v);
    } else if (name === "class") {
      el.className = Array.isArray(value) ? value.filter(Boolean).join(" ") : value;
    } else if (name === "text") {
      el.textContent = String(value);
    } else if (name in el && typeof value !== "string" && name !== "list") {
      el[name] = value;
    } else {
      el.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(el, children);
  return el;
}

/** Append children (strings, numbers, nodes, nested arrays; null and false are skipped). */
export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** Replace every child of `el`. */
export function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));

/** A certainty as the engine prints it: two decimals at most, no trailing zeros. */
export function fmt(value) {
  if (value === null || value === undefined || Number.isNaN(Number(value))) return "";
  const rounded = Math.round(Number(value) * 100) / 100;
  return String(rounded);
}

/** An id safe to use inside an element id. */
export function slug(text) {
  return String(text).replace(/[^A-Za-z0-9_-]/g, "_");
}

let counter = 0;
/** A fresh element id with the given prefix. */
export function uid(prefix) {
  counter += 1;
  return `${prefix}-${counter}`;
}

/**
 * A disclosure: a button with aria-expanded that shows and hides `panel`.
 * `onOpen` runs the first time the panel opens (for content loaded on demand).
 */
export function disclosure(button, panel, { open = false, onOpen = null } = {}) {
  if (!panel.id) panel.id = uid("panel");
  button.type = "button";
  button.setAttribute("aria-controls", panel.id);
  let loaded = false;
  const set = (value) => {
    button.setAttribute("aria-expanded", String(value));
    panel.hidden = !value;
    if (value && onOpen && !loaded) {
      loaded = true;
      onOpen(panel);
    }
  };
  button.addEventListener("click", () => set(button.getAttribute("aria-expanded") !== "true"));
  set(open);
  return set;
}
