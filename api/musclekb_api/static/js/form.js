// The record form: tests with their signs and measures, then pain, history, equipment and level.
// Its state is plain data ({findings, measurements, context, threshold}); read() and write() convert.

import { h, fill, $, $$, slug, disclosure } from "./dom.js";

const SIDES = [
  ["", "Not seen"],
  ["left", "Left"],
  ["right", "Right"],
  ["bilateral", "Both"],
];

export const DEFAULT_THRESHOLD = 0.2;

export class RecordForm {
  constructor(cat, form) {
    this.cat = cat;
    this.form = form;
    this.testsBox = $("#tests", form);
    this.openers = new Map(); // test section id -> function(open)
    this.rows = new Map(); // sign or measure id -> row element
    this.listeners = [];
  }

  // ---------------------------------------------------------------- rendering

  render() {
    const sections = [];
    const shown = new Set();
    for (const test of this.cat.sorted("tests")) {
      const signs = this.cat.signsOf(test).filter((s) => !shown.has(s.id));
      const measures = this.cat.measuresOf(test).filter((m) => !shown.has(`m:${m.id}`));
      signs.forEach((s) => shown.add(s.id));
      measures.forEach((m) => shown.add(`m:${m.id}`));
      if (!signs.length && !measures.length) continue;
      sections.push(this.section(`test-${slug(test.id)}`, test.label, test, signs, measures));
    }
    const otherSigns = this.cat.orphanSigns();
    const otherMeasures = this.cat.orphanMeasures();
    if (otherSigns.length || otherMeasures.length) {
      sections.push(this.section("test-other", "Other observations", {
        definition: "Signs and measures that belong to no single test: what the person reports or what you notice.",
      }, otherSigns, otherMeasures));
    }
    if (!sections.length) {
      fill(this.testsBox, h("p", { class: "loading" }, "No tests could be loaded."));
      return;
    }
    fill(this.testsBox, sections);
    this.form.addEventListener("input", () => this.changed());
    this.form.addEventListener("change", () => this.changed());
    this.changed();
  }

  section(id, label, test, signs, measures) {
    const headingId = `${id}-h`;
    const count = h("span", { class: "count" });
    const button = h("button", { class: "expander" }, h("span", { class: "expander-label" }, label), count);
    const details = [test.procedure, test.reading, test.accuracy].some(Boolean)
      ? h("details", {},
        h("summary", {}, "How to do it and what to look for"),
        test.procedure ? h("p", {}, h("strong", {}, "Procedure: "), test.procedure) : null,
        test.reading ? h("p", {}, h("strong", {}, "Reading: "), test.reading) : null,
        test.accuracy ? h("p", {}, h("strong", {}, "Accuracy: "), test.accuracy) : null)
      : null;
    const body = h("div", { class: "test-body", id: `${id}-body` },
      test.definition ? h("p", { class: "definition" }, test.definition) : null,
      details,
      signs.map((s) => this.signRow(s)),
      measures.map((m) => this.measureRow(m)));
    const section = h("section", { class: "test", id, "aria-labelledby": headingId, dataset: { test: test.id || "" } },
      h("h4", { id: headingId }, button), body);
    section.countBadge = count;
    this.openers.set(id, disclosure(button, body));
    return section;
  }

  signRow(sign) {
    const base = `sign-${slug(sign.id)}`;
    const descId = sign.definition ? `${base}-desc` : null;
    let row;
    if (sign.lateral === false) {
      const inputId = `${base}-present`;
      row = h("div", { class: "sign single", id: base, dataset: { sign: sign.id, lateral: "false" } },
        h("input", { type: "checkbox", id: inputId, name: `sign:${sign.id}`, value: "present", "aria-describedby": descId }),
        h("div", {},
          h("label", { for: inputId }, sign.label),
          descId ? h("p", { class: "sign-definition", id: descId }, sign.definition) : null));
    } else {
      row = h("fieldset", { class: "sign", id: base, dataset: { sign: sign.id, lateral: "true" }, "aria-describedby": descId },
        h("legend", {}, sign.label),
        descId ? h("p", { class: "sign-definition", id: descId }, sign.definition) : null,
        h("div", { class: "sides" }, SIDES.map(([value, text]) => h("label", { class: value ? null : "none" },
          h("input", { type: "radio", name: `sign:${sign.id}`, value, checked: value === "" }),
          h("span", {}, text)))));
    }
    this.rows.set(sign.id, row);
    return row;
  }

  measureRow(measure) {
    const base = `measure-${slug(measure.id)}`;
    const hintId = `${base}-hint`;
    const unit = measure.unit || "";
    const hasRange = Number.isFinite(measure.min_value) && Number.isFinite(measure.max_value) && measure.max_value > measure.min_value;
    const range = hasRange ? `${measure.min_value} to ${measure.max_value}${unit ? ` ${unit}` : ""}` : "";
    const better = measure.higher_is_better === false ? "lower is better" : "higher is better";
    const input = (side) => h("label", {},
      h("span", {}, side === "left" ? "Left" : "Right"),
      h("input", {
        type: "number", name: `measure:${measure.id}:${side}`, inputmode: "decimal", step: "any",
        min: hasRange ? String(measure.min_value) : null, max: hasRange ? String(measure.max_value) : null,
        "aria-describedby": `${hintId} ${base}-message`, dataset: { side },
      }),
      unit ? h("span", { class: "unit", "aria-hidden": "true" }, unit) : null);
    const message = h("p", { class: "field-message", id: `${base}-message`, "aria-live": "polite" });
    const row = h("fieldset", { class: "measure", id: base, dataset: { measure: measure.id } },
      h("legend", {}, measure.label, unit ? ` (${unit})` : ""),
      h("p", { class: "measure-hint", id: hintId }, [range ? `Valid ${range}; ` : "", better, measure.definition ? `. ${measure.definition}` : ""].join("")),
      h("div", { class: "measure-inputs" }, input("left"), input("right")),
      message);
    // Say at once when a value is outside the measure's range (the service refuses it).
    row.addEventListener("input", () => {
      const wrong = $$("input", row).filter((i) => i.validity.rangeOverflow || i.validity.rangeUnderflow);
      $$("input", row).forEach((i) => (wrong.includes(i) ? i.setAttribute("aria-invalid", "true") : i.removeAttribute("aria-invalid")));
      message.textContent = wrong.length
        ? `${wrong.map((i) => (i.dataset.side === "left" ? "Left" : "Right")).join(" and ")}: outside the valid range, ${range}.`
        : "";
    });
    this.rows.set(`measure:${measure.id}`, row);
    return row;
  }

  /** Fill the context controls: causes, equipment, levels. */
  renderContext() {
    const checks = (box, name, items) => fill(box, items.map((item) => {
      const id = `${name}-${slug(item.id)}`;
      return h("div", { class: "check" },
        h("input", { type: "checkbox", id, name, value: item.id }),
        h("label", { for: id, title: item.definition || null }, item.label));
    }));
    checks($("#causes", this.form), "cause", this.cat.sorted("causes"));
    checks($("#equipment", this.form), "equipment", this.cat.sorted("equipment"));
    const level = $("#level", this.form);
    const levels = Array.from(this.cat.levels.values()).sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0) || a.label.localeCompare(b.label));
    fill(level, h("option", { value: "" }, "not stated"), levels.map((l) => h("option", { value: l.id }, l.label)));
    const pain = $("#pain", this.form);
    const out = $("#pain-value", this.form);
    const showPain = () => { out.value = pain.value; out.textContent = pain.value; };
    pain.addEventListener("input", showPain);
    $("#threshold", this.form).addEventListener("input", (event) => event.target.removeAttribute("aria-invalid"));
    showPain();
    // Ticking a piece of equipment means the plan should be limited to what is ticked.
    $("#equipment", this.form).addEventListener("change", (event) => {
      if (event.target.checked) $("#equipment-limit", this.form).checked = true;
    });
  }

  // ---------------------------------------------------------------- state

  onChange(fn) { this.listeners.push(fn); }

  changed() {
    let total = 0;
    for (const section of $$(".test", this.testsBox)) {
      let n = 0;
      for (const row of $$(".sign, .measure", section)) {
        const on = this.rowRecorded(row);
        row.classList.toggle("recorded", on);
        if (on) n += 1;
      }
      total += n;
      if (section.countBadge) section.countBadge.textContent = n ? `${n} recorded` : "";
    }
    const counter = $("#recorded-count");
    if (counter) counter.textContent = total ? `${total} recorded` : "Nothing recorded yet";
    this.listeners.forEach((fn) => fn());
  }

  rowRecorded(row) {
    if (row.classList.contains("measure")) return $$("input", row).some((i) => i.value !== "" || i.validity.badInput);
    const checked = $("input:checked", row);
    return Boolean(checked && checked.value);
  }

  /**
   * The form as request data, plus the problems that stop it being sent:
   * [{message, element}] (a measure with only one side, a value that is not a number, ...).
   * Reading changes nothing on the page.
   */
  read() {
    const findings = [];
    const measurements = [];
    const problems = [];
    for (const row of $$(".sign", this.testsBox)) {
      const checked = $("input:checked", row);
      if (!checked || !checked.value) continue;
      const lateral = row.dataset.lateral !== "false";
      findings.push({ sign: row.dataset.sign, side: lateral ? checked.value : null });
    }
    for (const row of $$(".measure", this.testsBox)) {
      const [left, right] = ["left", "right"].map((side) => $(`input[data-side="${side}"]`, row));
      const label = $("legend", row).textContent;
      if (left.validity.badInput || right.validity.badInput) {
        const bad = left.validity.badInput ? left : right;
        problems.push({ message: `${label}: the ${bad.dataset.side} value is not a number.`, element: bad });
        continue;
      }
      if (left.value === "" && right.value === "") continue;
      if (left.value === "" || right.value === "") {
        const empty = left.value === "" ? left : right;
        problems.push({ message: `${label}: give a value for the ${empty.dataset.side} side too (both sides are compared).`, element: empty });
        continue;
      }
      measurements.push({ measure: row.dataset.measure, left: Number(left.value), right: Number(right.value) });
    }
    const f = this.form;
    const limit = $("#equipment-limit", f).checked;
    const thresholdInput = $("#threshold", f);
    let threshold = thresholdInput.value === "" ? DEFAULT_THRESHOLD : Number(thresholdInput.value);
    if (!Number.isFinite(threshold) || threshold < 0 || threshold >= 1) {
      problems.push({ message: "Reporting threshold: give a number from 0 up to (not including) 1.", element: thresholdInput });
      threshold = DEFAULT_THRESHOLD;
    }
    const state = {
      findings,
      measurements,
      context: {
        pain: Number.parseInt($("#pain", f).value, 10) || 0,
        pain_persistent: $("#pain-persistent", f).checked,
        causes: $$('input[name="cause"]:checked', f).map((i) => i.value),
        equipment: limit ? $$('input[name="equipment"]:checked', f).map((i) => i.value) : null,
        level: $("#level", f).value || null,
      },
      threshold,
    };
    return { state, problems };
  }

  /** Set the form from request data; returns the ids it does not know (left out). */
  write(state) {
    this.clear(false);
    const unknown = [];
    for (const finding of state.findings || []) {
      const row = this.rows.get(finding.sign);
      if (!row) { unknown.push(finding.sign); continue; }
      if (row.dataset.lateral === "false") {
        $("input", row).checked = true;
      } else {
        const side = finding.side || "bilateral";
        const input = $(`input[value="${side}"]`, row);
        if (input) input.checked = true;
      }
    }
    for (const m of state.measurements || []) {
      const row = this.rows.get(`measure:${m.measure}`);
      if (!row) { unknown.push(m.measure); continue; }
      $('input[data-side="left"]', row).value = m.left ?? "";
      $('input[data-side="right"]', row).value = m.right ?? "";
      $("input", row).dispatchEvent(new Event("input", { bubbles: true }));
    }
    const f = this.form;
    const ctx = state.context || {};
    $("#pain", f).value = String(ctx.pain ?? 0);
    $("#pain", f).dispatchEvent(new Event("input"));
    $("#pain-persistent", f).checked = Boolean(ctx.pain_persistent);
    const tick = (name, ids) => {
      for (const id of ids || []) {
        const input = $$(`input[name="${name}"]`, f).find((i) => i.value === id);
        if (input) input.checked = true; else unknown.push(id);
      }
    };
    tick("cause", ctx.causes);
    $("#equipment-limit", f).checked = Array.isArray(ctx.equipment);
    tick("equipment", ctx.equipment);
    const level = $("#level", f);
    if (ctx.level && Array.from(level.options).some((o) => o.value === ctx.level)) level.value = ctx.level;
    else if (ctx.level) unknown.push(ctx.level);
    $("#threshold", f).value = String(state.threshold ?? DEFAULT_THRESHOLD);
    // Open the tests that hold something.
    for (const section of $$(".test", this.testsBox)) {
      if ($$(".sign, .measure", section).some((row) => this.rowRecorded(row))) this.openers.get(section.id)(true);
    }
    this.changed();
    return unknown;
  }

  clear(notify = true) {
    for (const input of $$("input", this.form)) {
      if (input.type === "radio") input.checked = input.value === "";
      else if (input.type === "checkbox") input.checked = false;
      else if (input.type === "number" || input.type === "search") input.value = "";
      input.removeAttribute("aria-invalid");
    }
    for (const message of $$(".field-message", this.form)) message.textContent = "";
    $("#pain", this.form).value = "0";
    $("#pain", this.form).dispatchEvent(new Event("input"));
    $("#level", this.form).value = "";
    $("#threshold", this.form).value = String(DEFAULT_THRESHOLD);
    if (notify) this.changed();
  }

  openAll(open) {
    for (const set of this.openers.values()) set(open);
  }

  /** The section id a sign or measure row sits in. */
  sectionOf(row) {
    const section = row.closest(".test");
    return section ? section.id : null;
  }

  /** Open the sign's test, scroll to the sign, highlight it and put the focus in it. */
  focusRow(key) {
    const row = this.rows.get(key);
    if (!row) return false;
    const sectionId = this.sectionOf(row);
    if (sectionId) this.openers.get(sectionId)(true);
    for (const old of $$(".target", this.testsBox)) old.classList.remove("target");
    row.classList.remove("flash");
    void row.offsetWidth; // restart the highlight animation
    row.classList.add("target", "flash");
    row.scrollIntoView({ block: "center", behavior: "auto" });
    const input = $("input:checked", row) || $("input", row);
    if (input) input.focus({ preventScroll: true });
    return true;
  }

  /** Where a sign is shown: the label of its test section. */
  whereIs(signId) {
    const row = this.rows.get(signId);
    const section = row && row.closest(".test");
    return section ? $(".expander-label", section).textContent : "";
  }

  /** Mark the inputs an API error points at (loc like ["body","measurements",0,"left"]). */
  markInvalid(loc, request) {
    const parts = (Array.isArray(loc) ? loc : String(loc).split(/[.[\]]+/)).filter((p) => p !== "body" && p !== "");
    const [list, index, field] = parts;
    const item = request && Array.isArray(request[list]) ? request[list][Number(index)] : null;
    if (list === "measurements" && item) {
      const row = this.rows.get(`measure:${item.measure}`);
      const inputs = row ? $$("input", row).filter((i) => !field || i.dataset.side === field) : [];
      inputs.forEach((i) => i.setAttribute("aria-invalid", "true"));
      return inputs[0] || null;
    }
    if (list === "findings" && item) {
      const row = this.rows.get(item.sign);
      return row ? $("input", row) : null;
    }
    return null;
  }
}
