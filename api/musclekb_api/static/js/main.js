// The clinician page: load the knowledge base's lists, build the form, run assessments, explain.

import { ApiError, postJSON, showProblem, clearProblem } from "./api.js";
import { Catalogue } from "./catalogue.js";
import { h, fill, fmt, $ } from "./dom.js";
import { RecordForm, DEFAULT_THRESHOLD } from "./form.js";
import { setUpSearch } from "./search.js";
import { setUpSourcePanel } from "./sources.js";
import { setUpBodyMap } from "./bodymap.js";
import { renderResult, isReferral } from "./results.js";
import { whyNotAnswer, resolveRefs } from "./explain.js";
import { encode, decode } from "./permalink.js";

const page = {
  cat: null,
  form: null,
  last: null, // {state, request, result}
  running: false,
};

/** The API request for a form state. */
export function toRequest(state) {
  const context = {
    pain: state.context.pain,
    pain_persistent: state.context.pain_persistent,
    causes: state.context.causes,
  };
  if (Array.isArray(state.context.equipment)) context.equipment = state.context.equipment;
  if (state.context.level) context.level = state.context.level;
  return {
    findings: state.findings.map((f) => ({ sign: f.sign, side: f.side, present: true })),
    measurements: state.measurements.map((m) => ({ measure: m.measure, left: m.left, right: m.right })),
    context,
    threshold: state.threshold,
  };
}

function showKbInfo(cat) {
  const info = cat.info;
  if (!info) return;
  const counts = info.counts || {};
  const parts = [["test", "tests"], ["sign", "signs"], ["imbalance", "imbalances"], ["rule", "rules"], ["exercise", "exercises"]]
    .filter(([k]) => counts[k] !== undefined).map(([k, name]) => `${counts[k]} ${name}`);
  const hash = info.content_hash ? ` (${String(info.content_hash).slice(0, 12)})` : "";
  $("#kb-info").textContent = `Knowledge base ${info.version || ""}${hash}${parts.length ? ` \u00b7 ${parts.join(", ")}` : ""}`;
  $("#report-kb").textContent = ` \u00b7 knowledge base ${info.version || ""}${hash}`;
}

function showLoadProblems(cat) {
  const box = $("#load-problem");
  if (!cat.problems.length) { clearProblem(box); return; }
  const first = cat.problems[0].err;
  showProblem(box, first, {
    heading: "Part of the knowledge base could not be loaded; the form may be incomplete.",
    extra: h("ul", {}, cat.problems.map((p) => h("li", {}, h("code", {}, p.what), `: ${p.err instanceof ApiError ? p.err.problem.detail || p.err.problem.title : p.err}`))),
  });
}

function fillWhyNotTargets(result) {
  const select = $("#whynot-target");
  const keep = select.value;
  const concluded = new Set((result ? result.imbalances || [] : []).map((i) => i.id));
  const all = page.cat.sorted("imbalances");
  const option = (imb) => h("option", { value: imb.id }, imb.label);
  const notYet = all.filter((i) => !concluded.has(i.id));
  const done = all.filter((i) => concluded.has(i.id));
  fill(select,
    notYet.length ? h("optgroup", { label: "Not concluded" }, notYet.map(option)) : null,
    done.length ? h("optgroup", { label: "Concluded" }, done.map(option)) : null);
  if (keep && all.some((i) => i.id === keep) && !concluded.has(keep)) select.value = keep;
}

function showFormProblems(problems) {
  const box = $("#form-problem");
  for (const p of problems) if (p.element) p.element.setAttribute("aria-invalid", "true");
  fill(box,
    h("p", { class: "problem-title" }, "Please check the form before assessing:"),
    h("ul", {}, problems.map((p) => h("li", {}, p.message, " ",
      p.element ? h("button", { type: "button", class: "quiet", on: { click: () => focusField(p.element) } }, "Go to the field") : null))));
  box.hidden = false;
  if (problems[0].element) focusField(problems[0].element);
}

function focusField(element) {
  const row = element.closest(".sign, .measure");
  if (row && row.dataset.measure) page.form.focusRow(`measure:${row.dataset.measure}`);
  else if (row && row.dataset.sign) page.form.focusRow(row.dataset.sign);
  element.focus();
}

function setStatus(text) {
  $("#status").textContent = text;
}

function summary(result) {
  const imbalances = result.imbalances || [];
  const advisories = result.advisories || [];
  const parts = [];
  if (imbalances.length) {
    const top = imbalances[0];
    parts.push(`${imbalances.length} likely imbalance${imbalances.length > 1 ? "s" : ""}; the first is ${top.label}${top.side ? ` (${top.side})` : ""} at ${fmt(top.certainty)}.`);
  } else {
    parts.push("No imbalance above the threshold.");
  }
  const referrals = advisories.filter(isReferral).length;
  if (advisories.length) parts.push(`${advisories.length} advisor${advisories.length > 1 ? "ies" : "y"}${referrals ? `, including ${referrals === 1 ? "a referral" : `${referrals} referrals`}` : ""}.`);
  const plan = (result.plan || []).length;
  parts.push(`${plan} exercise${plan === 1 ? "" : "s"} in the plan.`);
  return `Assessment done: ${parts.join(" ")}`;
}

async function updateLink(state) {
  try {
    const fragment = await encode(state, DEFAULT_THRESHOLD);
    if (location.hash !== `#${fragment}`) history.replaceState(null, "", `#${fragment}`);
  } catch {
    // the page still works without a link
  }
  $("#permalink").value = location.href;
}

async function assess({ moveFocus = true } = {}) {
  if (page.running) return;
  const formBox = $("#form-problem");
  clearProblem(formBox);
  clearProblem($("#result-problem"));
  const { state, problems } = page.form.read();
  if (problems.length) {
    showFormProblems(problems);
    setStatus("The form needs a correction before the assessment can run.");
    return;
  }
  const request = toRequest(state);
  page.running = true;
  $("#results-h").closest("section").setAttribute("aria-busy", "true");
  setStatus("Assessing...");
  try {
    const result = resolveRefs(await postJSON("/v1/assessments", request));
    page.last = { state, request, result };
    page.cat.learnStates(result);
    renderResult(result, state, page.cat);
    $("#report-date").textContent = new Date().toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
    $("#report-date").dateTime = new Date().toISOString();
    $("#report").hidden = false;
    fill($("#whynot-answer"));
    clearProblem($("#whynot-problem"));
    fillWhyNotTargets(result);
    setStatus(summary(result));
    await updateLink(state);
    if (moveFocus) {
      const heading = $("#results-h");
      heading.scrollIntoView({ block: "start" });
      heading.focus({ preventScroll: true });
    }
    // Counts finished assessments (result, link and focus all updated).
    document.documentElement.dataset.assessed = String(Number(document.documentElement.dataset.assessed || 0) + 1);
  } catch (err) {
    let firstField = null;
    if (err instanceof ApiError && Array.isArray(err.problem.errors)) {
      for (const e of err.problem.errors) firstField = page.form.markInvalid(e.loc, request) || firstField;
    }
    showProblem(formBox, err, {
      heading: err instanceof ApiError && err.status === 422 ? "The assessment could not be made: the request has problems" : null,
      extra: firstField ? h("button", { type: "button", class: "quiet", on: { click: () => focusField(firstField) } }, "Go to the field") : null,
    });
    showProblem($("#result-problem"), err, { heading: "No result: see the problem shown with the form." });
    setStatus("The assessment could not be made.");
  } finally {
    page.running = false;
    $("#results-h").closest("section").removeAttribute("aria-busy");
  }
}

async function askWhyNot(event) {
  event.preventDefault();
  const target = $("#whynot-target").value;
  if (!target) return;
  const box = $("#whynot-problem");
  clearProblem(box);
  const { state, problems } = page.form.read();
  const request = problems.length && page.last ? page.last.request : toRequest(state);
  $("#whynot-status").textContent = "Asking...";
  try {
    const answer = await postJSON("/v1/assessments/why-not", { ...request, target });
    fill($("#whynot-answer"), whyNotAnswer(answer, page.cat, request.threshold));
    $("#whynot-status").textContent = `${answer.label || target}: ${answer.concluded ? "" : "not concluded, "}${answer.reason}.`;
  } catch (err) {
    fill($("#whynot-answer"));
    showProblem(box, err);
    $("#whynot-status").textContent = "";
  }
}

async function restoreFromLink() {
  let state;
  try {
    state = await decode(location.hash, DEFAULT_THRESHOLD);
  } catch (err) {
    showProblem($("#form-problem"), err, { heading: "This link could not be read; the form was left as it was." });
    return;
  }
  if (!state) return;
  const unknown = page.form.write(state);
  await assess({ moveFocus: true });
  if (unknown.length) {
    const note = `The link names things this knowledge base does not have; they were left out: ${unknown.join(", ")}.`;
    const box = $("#form-problem");
    if (box.hidden) showProblem(box, new Error(note), { heading: "Part of the link was not understood" });
    else box.append(h("p", {}, note));
  }
}

async function copyLink() {
  const input = $("#permalink");
  const done = (text) => { $("#copy-status").textContent = text; };
  try {
    await navigator.clipboard.writeText(input.value);
    done("Link copied.");
  } catch {
    input.focus();
    input.select();
    done("Select and copy the link shown.");
  }
}

function watchForStaleResults() {
  page.form.onChange(() => {
    if (!page.last) return;
    const now = JSON.stringify(toRequest(page.form.read().state));
    if (now !== JSON.stringify(page.last.request)) setStatus("The form has changed since this result: press Assess to update it.");
    else setStatus(summary(page.last.result));
  });
}

async function start() {
  setUpSourcePanel();
  const cat = await Catalogue.load();
  page.cat = cat;
  showLoadProblems(cat);
  showKbInfo(cat);
  const form = new RecordForm(cat, $("#assessment-form"));
  page.form = form;
  form.renderContext();
  form.render();
  setUpBodyMap(cat);
  setUpSearch({ input: $("#sign-search"), list: $("#sign-search-results"), status: $("#sign-search-status"), cat, form });
  fillWhyNotTargets(null);

  $("#assessment-form").addEventListener("submit", (event) => { event.preventDefault(); assess(); });
  $("#whynot-form").addEventListener("submit", askWhyNot);
  $("#clear-form").addEventListener("click", () => { form.clear(); clearProblem($("#form-problem")); });
  $("#expand-all").addEventListener("click", () => form.openAll(true));
  $("#collapse-all").addEventListener("click", () => form.openAll(false));
  $("#print").addEventListener("click", () => window.print());
  $("#copy-link").addEventListener("click", copyLink);
  window.addEventListener("hashchange", restoreFromLink);
  watchForStaleResults();

  document.documentElement.dataset.ready = "true";
  await restoreFromLink();
}

start().catch((err) => {
  showProblem($("#load-problem"), err, { heading: "The page could not start" });
});
