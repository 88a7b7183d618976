// The sign finder: asks /v1/search?kind=sign and jumps to the chosen sign in the form.

import { getJSON } from "./api.js";
import { h, fill, $$ } from "./dom.js";

const DELAY_MS = 180;

function localMatches(cat, query, limit) {
  // Used only when the search endpoint cannot be reached: plain word matching on names.
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const scored = [];
  for (const sign of cat.signs.values()) {
    const names = [sign.label, ...(sign.synonyms || [])].map((n) => n.toLowerCase());
    const score = Math.max(...names.map((n) => words.filter((w) => n.includes(w)).length / words.length));
    if (score > 0) scored.push({ id: sign.id, label: sign.label, score });
  }
  return scored.sort((a, b) => b.score - a.score).slice(0, limit);
}

export function setUpSearch({ input, list, status, cat, form }) {
  let timer = null;
  let seq = 0;
  let results = [];

  const jump = (id) => {
    if (form.focusRow(id)) {
      status.textContent = `Went to ${cat.label("signs", id)}.`;
      fill(list);
    }
  };

  const show = (items, query) => {
    results = items.filter((r) => form.rows.has(r.id));
    fill(list, results.map((r) => h("li", {},
      h("button", {
        type: "button", dataset: { sign: r.id },
        on: { click: () => jump(r.id) },
      }, h("span", {}, r.label), h("span", { class: "where" }, form.whereIs(r.id))))));
    status.textContent = query
      ? results.length ? `${results.length} matching sign${results.length > 1 ? "s" : ""}; the first is ${results[0].label}.` : `No sign matches "${query}".`
      : "";
  };

  const run = async (query) => {
    const mine = ++seq;
    if (!query.trim()) { show([], ""); return; }
    let items;
    try {
      const answer = await getJSON(`/v1/search?${new URLSearchParams({ q: query, kind: "sign", limit: "8" })}`);
      items = (answer.results || []).filter((r) => !r.kind || r.kind === "sign");
    } catch {
      items = localMatches(cat, query, 8);
    }
    if (mine === seq) show(items, query);
    return items;
  };

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => run(input.value), DELAY_MS);
  });

  input.addEventListener("keydown", async (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      clearTimeout(timer);
      const items = await run(input.value);
      const first = (items || []).find((r) => form.rows.has(r.id));
      if (first) jump(first.id);
    } else if (event.key === "ArrowDown") {
      const first = $$("button", list)[0];
      if (first) { event.preventDefault(); first.focus(); }
    } else if (event.key === "Escape") {
      input.value = "";
      show([], "");
    }
  });

  list.addEventListener("keydown", (event) => {
    const buttons = $$("button", list);
    const at = buttons.indexOf(document.activeElement);
    if (at < 0) return;
    if (event.key === "ArrowDown" && at < buttons.length - 1) { event.preventDefault(); buttons[at + 1].focus(); }
    if (event.key === "ArrowUp") { event.preventDefault(); (at > 0 ? buttons[at - 1] : input).focus(); }
    if (event.key === "Escape") { event.preventDefault(); input.focus(); }
  });

  return { run, results: () => results };
}
