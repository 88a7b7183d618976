// The body map: the regions of the muscles that the reported imbalances rest on, coloured and
// patterned by state (weak, tight, both) on the side they were found. Region shapes live in the
// page's SVG, keyed by region id; which muscle lies in which region comes from /v1/muscles.

import { h, fill, fmt, $, $$ } from "./dom.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const KNOWN_KINDS = new Set(["weak", "tight"]);

function setTitle(node, text) {
  let title = Array.from(node.children).find((c) => c.localName === "title");
  if (!title) {
    title = document.createElementNS(SVG_NS, "title");
    node.prepend(title);
  }
  title.textContent = text;
}

/** Show each region only in the views its map_view names, and name every shape. */
export function setUpBodyMap(cat) {
  for (const path of $$("#bodymap .region")) {
    const region = cat.regions.get(path.dataset.region);
    const view = path.closest("svg").id.replace("bodymap-", "");
    const allowed = !region || !region.map_view || region.map_view === "both" || region.map_view === view;
    path.classList.toggle("hidden-view", !allowed);
    setTitle(path, `${path.dataset.side} ${region ? region.label : path.dataset.region}`);
  }
}

/** Muscle states of the reported imbalances, by region and side: Map("region|side" -> entry). */
export function involvement(result, cat) {
  const states = new Map();
  for (const imbalance of result.imbalances || []) {
    for (const state of imbalance.states || []) {
      const sides = state.side === "left" || state.side === "right" ? [state.side] : ["left", "right"];
      for (const side of sides) {
        const key = `${state.id}|${side}`;
        const known = states.get(key);
        if (!known || (state.certainty ?? 0) > known.certainty) {
          states.set(key, { id: state.id, side, certainty: state.certainty ?? 0, label: state.label });
        }
      }
    }
  }
  const regions = new Map();
  for (const state of states.values()) {
    const muscle = cat.muscleOfState(state.id);
    const regionId = muscle && muscle.region ? muscle.region : "unplaced";
    const key = `${regionId}|${state.side}`;
    if (!regions.has(key)) regions.set(key, { region: regionId, side: state.side, states: [] });
    regions.get(key).states.push({
      ...state,
      muscle: muscle ? muscle.label : state.id,
      kind: cat.stateKind(state.id),
    });
  }
  for (const entry of regions.values()) {
    entry.states.sort((a, b) => b.certainty - a.certainty);
    const kinds = new Set(entry.states.map((s) => s.kind));
    entry.kind = kinds.size > 1 ? "mixed" : [...kinds][0];
    entry.max = entry.states[0].certainty;
  }
  return regions;
}

function describe(entry) {
  const byKind = new Map();
  for (const s of entry.states) {
    if (!byKind.has(s.kind)) byKind.set(s.kind, []);
    byKind.get(s.kind).push(`${s.muscle} (${fmt(s.certainty)})`);
  }
  return Array.from(byKind, ([kind, muscles]) => `${kind}: ${muscles.join(", ")}`).join("; ");
}

export function paintBodyMap(result, cat) {
  const regions = involvement(result, cat);
  for (const path of $$("#bodymap .region")) {
    const entry = regions.get(`${path.dataset.region}|${path.dataset.side}`);
    path.classList.remove("state-weak", "state-tight", "state-mixed", "faint");
    const region = cat.regions.get(path.dataset.region);
    const name = `${path.dataset.side} ${region ? region.label : path.dataset.region}`;
    if (entry) {
      const kind = entry.kind === "mixed" || KNOWN_KINDS.has(entry.kind) ? entry.kind : "mixed";
      path.classList.add(`state-${kind}`);
      if (entry.max < 0.4) path.classList.add("faint");
      path.dataset.state = kind;
      setTitle(path, `${name}: ${describe(entry)}`);
    } else {
      delete path.dataset.state;
      setTitle(path, name);
    }
  }
  const list = $("#bodymap-list");
  const entries = Array.from(regions.values()).sort((a, b) =>
    cat.label("regions", a.region).localeCompare(cat.label("regions", b.region)) || a.side.localeCompare(b.side));
  fill(list, entries.length
    ? entries.map((e) => h("li", { dataset: { region: e.region, side: e.side } },
      h("strong", {}, `${e.side[0].toUpperCase()}${e.side.slice(1)} ${e.region === "unplaced" ? "(no region)" : cat.label("regions", e.region)}`),
      ` \u2014 ${describe(e)}`))
    : h("li", {}, "No muscle state stands behind the result."));
  return regions;
}
