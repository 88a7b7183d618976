// The source panel: a rule's source, fetched from /v1/sources/{id} and shown beside the results.

import { getJSON, showProblem } from "./api.js";
import { h, fill, $ } from "./dom.js";

const cache = new Map();
let returnTo = null;

function fetchSource(id) {
  if (!cache.has(id)) {
    const job = getJSON(`/v1/sources/${encodeURIComponent(id)}`);
    job.catch(() => cache.delete(id));
    cache.set(id, job);
  }
  return cache.get(id);
}

/** A button naming a source (by its file name when there is one); it opens the source panel. */
export function sourceButton(id, name) {
  return h("button", {
    type: "button",
    class: "source-link",
    dataset: { source: id },
    title: `Show the source ${id}`,
    on: { click: (event) => openSource(id, event.currentTarget) },
  }, name || id);
}

/** Source buttons for parallel lists of ids and display names. */
export function sourceButtons(ids, names = []) {
  const out = [];
  (ids || []).forEach((id, i) => {
    if (i) out.push(", ");
    out.push(sourceButton(id, names[i] || id));
  });
  return out;
}

export async function openSource(id, from = null) {
  const panel = $("#source-panel");
  const body = $("#source-body");
  returnTo = from;
  panel.hidden = false;
  fill(body, h("p", { class: "loading" }, `Loading ${id}...`));
  $("#source-h").focus();
  try {
    const src = await fetchSource(id);
    const rows = [
      ["Title", src.title || src.label],
      ["File", src.file_name ? h("span", { class: "source-file" }, src.file_name) : null],
      ["Citation", src.citation],
      ["Section", src.section],
      ["What it says", src.definition],
      ["Id", h("code", {}, src.id || id)],
    ].filter(([, value]) => value);
    fill(body,
      h("p", { class: "source-label" }, h("strong", {}, src.label || id)),
      h("dl", {}, rows.map(([term, value]) => [h("dt", {}, term), h("dd", {}, value)])));
  } catch (err) {
    const box = h("div", { class: "problem", role: "alert" });
    fill(body, box);
    showProblem(box, err, { heading: `The source ${id} could not be loaded` });
  }
}

export function setUpSourcePanel() {
  const panel = $("#source-panel");
  const close = () => {
    panel.hidden = true;
    if (returnTo && document.contains(returnTo)) returnTo.focus();
  };
  $("#source-close").addEventListener("click", close);
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") { event.preventDefault(); close(); }
  });
}
