// The results: advisories first, what was recorded, the ranked imbalances with their certainty,
// the not-reported list, the body map and the corrective plan grouped by phase.

import { getJSON, showProblem } from "./api.js";
import { h, fill, fmt, $, slug, disclosure } from "./dom.js";
import { explanationPanel } from "./explain.js";
import { paintBodyMap } from "./bodymap.js";
import { sourceButtons } from "./sources.js";

const cap = (text) => (text ? `${text[0].toUpperCase()}${text.slice(1)}` : "");

/** Advisories the knowledge base marks as a referral to a clinician are shown as alerts. */
export const isReferral = (advisory) => advisory.referral === true;

function renderAdvisories(result) {
  const advisories = [...(result.advisories || [])].sort((a, b) => Number(isReferral(b)) - Number(isReferral(a)));
  fill($("#advisory-list"), advisories.length
    ? advisories.map((a) => h("div", {
      class: ["advisory", isReferral(a) ? "referral" : "note"],
      role: isReferral(a) ? "alert" : null,
      dataset: { code: a.code || "" },
    },
    h("span", { class: "advisory-label" }, cap(a.label || a.code)),
    h("span", { class: "advisory-sentence" }, a.sentence),
    a.sources && a.sources.length ? h("div", { class: "sources" }, "Source: ", sourceButtons(a.sources)) : null))
    : h("p", { class: "no-advisory" }, "No advisory for this assessment."));
}

function renderRecorded(state, cat) {
  const items = [];
  for (const f of state.findings) {
    items.push(`${cap(cat.label("signs", f.sign))}${f.side ? ` \u2014 ${f.side === "bilateral" ? "both sides" : f.side}` : ""}`);
  }
  for (const m of state.measurements) {
    const unit = (cat.measures.get(m.measure) || {}).unit || "";
    items.push(`${cap(cat.label("measures", m.measure))}: left ${m.left}, right ${m.right}${unit ? ` ${unit}` : ""}`);
  }
  const c = state.context;
  if (c.pain) items.push(`Pain ${c.pain}/10${c.pain_persistent ? ", persistent" : ""}`);
  else if (c.pain_persistent) items.push("Persistent pain");
  if (c.causes.length) items.push(`History: ${c.causes.map((id) => cat.label("causes", id)).join(", ")}`);
  if (Array.isArray(c.equipment)) {
    items.push(`Equipment: ${c.equipment.length ? c.equipment.map((id) => cat.label("equipment", id)).join(", ") : "none"}`);
  }
  if (c.level) items.push(`Level: ${cat.label("levels", c.level)}`);
  fill($("#recorded-list"), items.length ? items.map((t) => h("li", {}, t)) : h("li", {}, "Nothing recorded."));
}

function certaintyMeter(value, labelId) {
  return h("div", { class: "certainty" },
    h("meter", { min: "0", max: "1", value: String(value ?? 0), "aria-labelledby": labelId }),
    h("span", { class: "cf", "aria-hidden": "true" }, fmt(value)));
}

function imbalanceItem(imbalance, index, cat) {
  const base = `imb-${slug(imbalance.id)}-${imbalance.side || "any"}`;
  const titleId = `${base}-title`;
  const meterLabel = `${base}-cf`;
  const why = h("button", { class: "why-button" }, "Why? Show the derivation",
    h("span", { class: "visually-hidden" }, ` of ${imbalance.label}${imbalance.side ? `, ${imbalance.side}` : ""}`));
  const panel = h("div", { id: `${base}-why`, class: "why-panel" });
  const states = imbalance.states || [];
  const item = h("li", { class: "imbalance", id: base, dataset: { imbalance: imbalance.id, side: imbalance.side || "" }, "aria-labelledby": titleId },
    h("div", { class: "imb-head" },
      h("span", { class: "rank", "aria-hidden": "true" }, String(index + 1)),
      h("h4", { id: titleId }, h("span", { class: "visually-hidden" }, `${index + 1}. `), imbalance.label,
        imbalance.side ? h("span", { class: "side-badge" }, imbalance.side) : null),
      h("span", { id: meterLabel, class: "visually-hidden" }, `certainty of ${imbalance.label}: ${fmt(imbalance.certainty)}`),
      certaintyMeter(imbalance.certainty, meterLabel)),
    states.length
      ? h("ul", { class: "imb-states", "aria-label": "Muscle states it rests on" }, states.map((s) => {
        const kind = cat.stateKind(s.id);
        const muscle = cat.muscleOfState(s.id);
        return h("li", { class: ["state-chip", kind] },
          `${s.side ? `${s.side} ` : ""}${muscle ? muscle.label : s.label} `, h("span", { class: "kind" }, kind), ` ${fmt(s.certainty)}`);
      }))
      : null,
    imbalance.causes && imbalance.causes.length
      ? h("p", { class: "imb-causes" }, `History that adds to it: ${imbalance.causes.map((c) => cat.label("causes", c)).join(", ")}`)
      : null,
    h("div", { class: "imb-tools" }, why),
    panel);
  disclosure(why, panel, { onOpen: (p) => fill(p, explanationPanel(imbalance)) });
  return item;
}

function renderImbalances(result, cat) {
  const list = $("#imbalance-list");
  const imbalances = result.imbalances || [];
  fill(list, imbalances.length
    ? imbalances.map((imb, i) => imbalanceItem(imb, i, cat))
    : h("li", { class: "none" }, `No imbalance was believed above the threshold of ${fmt(result.threshold)}.`));
  const notReported = Object.entries(result.not_reported || {});
  fill($("#not-reported"), notReported.length
    ? [h("p", {}, "Not reported:"),
      h("ul", {}, notReported.map(([id, reason]) => h("li", {}, `${cat.label("imbalances", id)}: ${reason}`)))]
    : null);
}

function doseText(dose) {
  if (!dose) return "";
  const sets = dose.sets ? `${dose.sets} set${dose.sets === 1 ? "" : "s"}` : "";
  const each = dose.reps ? `${dose.reps} reps` : dose.hold_seconds ? `${dose.hold_seconds} s hold` : "";
  return [sets, each].filter(Boolean).join(" \u00d7 ");
}

function stateName(id, side, result, cat) {
  const known = (result.states || []).find((s) => s.id === id);
  const muscle = cat.muscleOfState(id);
  const label = muscle ? `${muscle.label} ${cat.stateKind(id)}` : known ? known.label : id;
  return `${side ? `${side} ` : ""}${label}`;
}

function exerciseItem(item, result, cat) {
  const addressed = item.addresses || {};
  const imbalances = (addressed.imbalances || []).slice().sort((a, b) => b.weight - a.weight);
  const states = (addressed.states || []).slice().sort((a, b) => b.weight - a.weight);
  const more = h("button", { class: "quiet more-button" }, "How to do it",
    h("span", { class: "visually-hidden" }, `: ${item.label}`));
  const morePanel = h("div", { class: "exercise-more" });
  const li = h("li", { class: "exercise", dataset: { exercise: item.id } },
    h("h5", {}, item.label),
    h("p", {}, h("span", { class: "dose" }, doseText(item.dose)),
      item.side_emphasis === "left" || item.side_emphasis === "right"
        ? h("span", { class: "emphasis" }, `start with the ${item.side_emphasis} side`)
        : item.side_emphasis === "both" ? h("span", { class: "emphasis" }, "both sides") : null),
    item.dose && item.dose.note ? h("p", { class: "dose-note" }, cap(item.dose.note)) : null,
    h("dl", { class: "addresses" },
      imbalances.length ? h("div", {}, h("dt", {}, "Addresses:"),
        h("dd", {}, imbalances.map((a) => `${cat.label("imbalances", a.id)}${a.side ? ` (${a.side})` : ""}`).join("; "))) : null,
      states.length ? h("div", {}, h("dt", {}, "Muscle states:"),
        h("dd", {}, states.map((s) => stateName(s.id, s.side, result, cat)).join("; "))) : null),
    h("div", { class: "imb-tools" }, more),
    morePanel);
  disclosure(more, morePanel, {
    onOpen: async (panel) => {
      fill(panel, h("p", { class: "loading" }, "Loading..."));
      try {
        const ex = await getJSON(`/v1/exercises/${encodeURIComponent(item.id)}`);
        fill(panel,
          ex.definition ? h("p", {}, ex.definition) : null,
          ex.instructions ? h("p", {}, ex.instructions) : null,
          item.why && item.why.length ? [h("p", {}, h("strong", {}, "Why it is in the plan:")), h("ul", {}, item.why.map((w) => h("li", {}, w)))] : null,
          ex.sources && ex.sources.length ? h("p", { class: "hint" }, "Source: ", sourceButtons(ex.sources)) : null);
      } catch (err) {
        const box = h("div", { class: "problem", role: "alert" });
        fill(panel, box, item.why && item.why.length ? h("ul", {}, item.why.map((w) => h("li", {}, w))) : null);
        showProblem(box, err, { heading: "The exercise could not be loaded" });
      }
    },
  });
  return li;
}

function renderPlan(result, cat) {
  const groups = new Map();
  for (const item of result.plan || []) {
    if (!groups.has(item.phase)) groups.set(item.phase, { label: item.phase_label || cat.label("phases", item.phase), items: [] });
    groups.get(item.phase).items.push(item);
  }
  const order = (phase) => (cat.phases.get(phase) || {}).order ?? 99;
  const phases = Array.from(groups.entries()).sort((a, b) => order(a[0]) - order(b[0]));
  fill($("#plan-phases"), phases.length
    ? phases.map(([phase, group], i) => h("section", { class: "phase", dataset: { phase }, "aria-labelledby": `phase-${slug(phase)}` },
      h("h4", { id: `phase-${slug(phase)}` }, `${i + 1}. ${cap(group.label)}`),
      h("ol", { class: "plan-items" }, group.items.map((item) => exerciseItem(item, result, cat)))))
    : h("p", {}, "No exercise in the plan: nothing was concluded, or every candidate was excluded."));
}

/** Fill every part of the report from one assessment result. */
export function renderResult(result, state, cat) {
  renderAdvisories(result);
  renderRecorded(state, cat);
  renderImbalances(result, cat);
  paintBodyMap(result, cat);
  renderPlan(result, cat);
}
