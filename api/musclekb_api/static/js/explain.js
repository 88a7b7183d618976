// Explanations: the derivation tree of a conclusion (finding -> rule -> muscle state -> imbalance)
// with its certainty arithmetic and sources, and the answer to "why not".

import { h, fmt } from "./dom.js";
import { sourceButtons } from "./sources.js";

const KIND_NAMES = {
  imbalance: "imbalance",
  state: "muscle state",
  finding: "finding",
  measure: "measurement",
  cause: "history",
};

const capital = (text) => (text ? text[0].toUpperCase() + text.slice(1) : "");

const times = (text) => String(text).replace(/ x /g, " \u00d7 ").replace(/\(1 - /g, "(1 \u2212 ");

function kindTag(kind) {
  return h("span", { class: ["node-kind", kind] }, KIND_NAMES[kind] || kind);
}

function sideText(side) {
  return side ? ` (${side})` : "";
}

function arithmetic(lines, lead) {
  if (!lines || !lines.length) return null;
  return h("p", { class: "arith" }, lead, " ",
    lines.map((line, i) => [i ? "; " : "", h("span", { class: "calc" }, times(line))]));
}

function factorName(rule) {
  const premises = rule.premises || [];
  if (premises.length > 1) return "weakest premise";
  const kind = premises[0] && premises[0].kind;
  return kind === "finding" ? "finding" : kind === "measure" ? "measurement" : "premise";
}

function ruleNode(rule, seen) {
  const sum = `${fmt(rule.rule_certainty)} \u00d7 ${fmt(rule.premise_certainty)} = ${fmt(rule.certainty)}`;
  return h("li", { class: "node rule-node", dataset: { rule: rule.rule } },
    kindTag("rule"), h("span", { class: "rule-label" }, rule.label || rule.rule),
    h("div", { class: "rule-meta" },
      "certainty ", h("span", { class: "calc", title: `rule certainty \u00d7 ${factorName(rule)}` }, sum),
      h("span", { class: "hint" }, ` (rule \u00d7 ${factorName(rule)})`),
      rule.sources && rule.sources.length ? [" \u00b7 source: ", sourceButtons(rule.sources, rule.source_files)] : null),
    h("div", { class: "rule-id" }, rule.rule),
    h("ul", {}, (rule.premises || []).map((p) => premiseNode(p, seen))));
}

// A muscle state that several rules rest on is derived in full the first time only.
function premiseNode(premise, seen) {
  const d = premise.derivation;
  const key = `${premise.kind}|${premise.id}|${premise.side}`;
  const again = Boolean(d) && seen.has(key);
  if (d) seen.add(key);
  return h("li", { class: ["node", "premise", premise.kind] },
    kindTag(premise.kind), premise.text || `${premise.id}${sideText(premise.side)}`,
    again ? h("span", { class: "hint" }, " \u2014 derived above") : null,
    d && !again ? arithmetic(d.arithmetic, "Evidence combined:") : null,
    d && !again && d.rules && d.rules.length ? h("ul", {}, d.rules.map((r) => ruleNode(r, seen))) : null);
}

/** The value a JSON Reference ("#/states/0/explanation/tree") points to inside `doc`. */
function pointTo(doc, ref) {
  if (typeof ref !== "string" || !ref.startsWith("#/")) return undefined;
  let node = doc;
  for (const part of ref.slice(2).split("/")) {
    const key = part.replace(/~1/g, "/").replace(/~0/g, "~");
    if (node === null || typeof node !== "object" || !(key in node)) return undefined;
    node = node[key];
  }
  return node;
}

/**
 * An assessment explains each muscle state once, in `states`; the imbalance trees point to those
 * explanations with {"$ref": ...}. Replace each reference by what it points to, so every tree can
 * be read on its own. A reference that points nowhere is left as it is.
 */
export function resolveRefs(result) {
  const walk = (node) => {
    if (Array.isArray(node)) { node.forEach(walk); return; }
    if (node === null || typeof node !== "object") return;
    for (const [key, value] of Object.entries(node)) {
      if (value && typeof value === "object" && typeof value.$ref === "string") {
        const target = pointTo(result, value.$ref);
        if (target !== undefined) node[key] = target;
      } else {
        walk(value);
      }
    }
  };
  for (const imbalance of (result && result.imbalances) || []) walk(imbalance.explanation);
  return result;
}

/** The derivation tree of one reported imbalance, as nested lists. */
export function derivationTree(tree) {
  if (!tree) return h("p", { class: "hint" }, "No derivation was given for this conclusion.");
  const seen = new Set();
  return h("ul", { class: "tree" },
    h("li", { class: "node conclusion" },
      kindTag(tree.kind || "imbalance"),
      h("strong", {}, tree.label || tree.id), sideText(tree.side), " \u2014 certainty ",
      h("span", { class: "calc" }, fmt(tree.certainty)),
      arithmetic(tree.arithmetic, "Evidence from several rules combined:"),
      h("ul", {}, (tree.rules || []).map((r) => ruleNode(r, seen)))));
}

/** The explanation panel of a reported imbalance: the tree, then the same in sentences. */
export function explanationPanel(imbalance) {
  const exp = imbalance.explanation || {};
  const sentences = exp.sentences || [];
  return h("div", { class: "derivation" },
    h("h5", {}, "How it was concluded"),
    derivationTree(exp.tree),
    sentences.length
      ? h("div", { class: "sentences" }, h("h5", {}, "In words"),
        h("ol", {}, sentences.map((s) => h("li", {}, times(s)))))
      : null);
}

const STATUS_WORDS = {
  held: "held",
  missing: "missing",
  contradicted: "contradicted",
  "too weak": "too weak",
};

function premiseLine(p) {
  const status = p.status || "missing";
  let text = p.text || `${p.side || ""} ${p.state}`;
  const tail = text.lastIndexOf(`: ${status}`);
  if (tail > 0) text = text.slice(0, tail);
  return h("li", { class: ["why-premise", `status-${status.replace(/\s+/g, "-")}`] },
    h("span", { class: ["status-badge", status.replace(/\s+/g, "-")] }, STATUS_WORDS[status] || status),
    h("span", {}, text, p.certainty !== null && p.certainty !== undefined ? ` (${fmt(p.certainty)})` : ""));
}

function whyNotRule(rule) {
  const premises = rule.premises || [];
  const held = premises.filter((p) => p.status === "held").length;
  return h("li", { class: "whynot-rule", dataset: { rule: rule.rule } },
    h("div", {}, h("span", { class: "rule-label" }, rule.label || rule.rule),
      " \u2014 ", rule.fired ? h("span", { class: "fired" }, "fired") : h("span", { class: "not-fired" }, "did not fire"),
      h("span", { class: "hint" }, ` \u00b7 rule certainty ${fmt(rule.certainty)} \u00b7 ${held} of ${premises.length} premise${premises.length === 1 ? "" : "s"} held`)),
    rule.sources && rule.sources.length ? h("div", { class: "hint" }, "source: ", sourceButtons(rule.sources)) : null,
    h("ul", { class: "premises" }, premises.map(premiseLine)));
}

function sideBlock(name, side, threshold) {
  const rules = (side && side.rules) || [];
  const cf = side ? side.certainty : null;
  const belief = cf === null || cf === undefined
    ? "No evidence for it on this side."
    : `Believed at ${fmt(cf)}${threshold !== undefined ? `, against a reporting threshold of ${fmt(threshold)}` : ""}.`;
  return h("section", { class: "whynot-side", dataset: { side: name } },
    h("h5", {}, `${name[0].toUpperCase()}${name.slice(1)} side`),
    h("p", {}, belief),
    rules.length
      ? h("ul", { class: "whynot-rules" }, rules.map(whyNotRule))
      : h("p", { class: "hint" }, "No pattern rule concludes it from muscle states."));
}

/** A readable answer to why-not: the reason, then per side each rule and its premises. */
export function whyNotAnswer(answer, cat, threshold) {
  const label = answer.label || cat.label("imbalances", answer.id);
  if (answer.kind === "exercise") {
    return h("div", { class: "whynot-result" },
      h("h4", {}, `Why not ${label}?`),
      h("p", { class: "whynot-reason" }, answer.reason),
      answer.excluded && answer.excluded.length ? h("ul", {}, answer.excluded.map((e) => h("li", {}, e))) : null);
  }
  const sides = answer.sides || {};
  return h("div", { class: "whynot-result", dataset: { target: answer.id } },
    h("h4", {}, answer.concluded ? `${label}: concluded` : `Why not ${label}?`),
    h("p", { class: "whynot-reason" }, answer.concluded ? `${capital(answer.reason)}.` : `Not concluded: ${answer.reason}.`),
    h("p", { class: "hint" }, "Each rule needs every premise believed above the threshold on that side. ",
      "Missing: no evidence at all; contradicted: evidence against it; too weak: some evidence, but not enough."),
    h("div", { class: "whynot-sides" },
      Object.keys(sides).length
        ? Object.entries(sides).map(([name, side]) => sideBlock(name, side, threshold))
        : h("p", {}, "No side-by-side detail was given.")));
}
