// The knowledge base's lists that the page needs, fetched once from the browse API.

import { getAll, getJSON } from "./api.js";

const LISTS = [
  ["tests", "tests"],
  ["signs", "signs"],
  ["measures", "measures"],
  ["causes", "causes"],
  ["equipment", "equipment"],
  ["levels", "levels"],
  ["regions", "regions"],
  ["muscles", "muscles"],
  ["imbalances", "imbalances"],
  ["phases", "phases"],
];

const byLabel = (a, b) => String(a.label).localeCompare(String(b.label), "en", { sensitivity: "base" });

export class Catalogue {
  constructor() {
    for (const [key] of LISTS) this[key] = new Map();
    this.info = null;
    this.problems = [];
    this.stateInfo = new Map();
  }

  /** Remember, from an assessment result, which muscle and kind each muscle state has. */
  learnStates(result) {
    const states = [...(result.states || []), ...(result.imbalances || []).flatMap((i) => i.states || [])];
    for (const s of states) {
      if (s.muscle) this.stateInfo.set(s.id, { muscle: s.muscle, kind: s.state_kind });
    }
  }

  /** Fetch every list; a list that cannot be fetched is recorded in `problems` and left empty. */
  static async load() {
    const cat = new Catalogue();
    const jobs = LISTS.map(async ([key, collection]) => {
      try {
        const items = await getAll(collection);
        cat[key] = new Map(items.map((item) => [item.id, item]));
      } catch (err) {
        cat.problems.push({ what: `/v1/${collection}`, err });
      }
    });
    jobs.push(getJSON("/v1/kb").then((info) => { cat.info = info; }).catch(() => {}));
    await Promise.all(jobs);
    return cat;
  }

  label(kind, id) {
    const item = this[kind] && this[kind].get(id);
    return item ? item.label : id;
  }

  sorted(kind) {
    return Array.from(this[kind].values()).sort(byLabel);
  }

  /** The muscle a muscle state belongs to, as the assessment reported it (or, for a state not
   * seen in a result yet, the longest muscle id that the state id starts with). */
  muscleOfState(stateId) {
    const known = this.stateInfo.get(stateId);
    if (known && this.muscles.has(known.muscle)) return this.muscles.get(known.muscle);
    let best = null;
    for (const id of this.muscles.keys()) {
      if (stateId.startsWith(`${id}-`) && (!best || id.length > best.length)) best = id;
    }
    return best ? this.muscles.get(best) : null;
  }

  /** "weak" or "tight" (whatever follows the muscle id in the state id). */
  stateKind(stateId) {
    const known = this.stateInfo.get(stateId);
    if (known && known.kind) return known.kind;
    const muscle = this.muscleOfState(stateId);
    return muscle ? stateId.slice(muscle.id.length + 1) : stateId.split("-").pop();
  }

  /** The signs shown under a test: those it lists, then any sign that names the test. */
  signsOf(test) {
    const ids = [...(test.signs || [])];
    for (const sign of this.signs.values()) {
      if ((sign.tests || []).includes(test.id) && !ids.includes(sign.id)) ids.push(sign.id);
    }
    return ids.map((id) => this.signs.get(id)).filter(Boolean);
  }

  measuresOf(test) {
    const ids = [...(test.measures || [])];
    for (const measure of this.measures.values()) {
      if ((measure.tests || []).includes(test.id) && !ids.includes(measure.id)) ids.push(measure.id);
    }
    return ids.map((id) => this.measures.get(id)).filter(Boolean);
  }

  /** Signs that no loaded test shows. */
  orphanSigns() {
    const shown = new Set();
    for (const test of this.tests.values()) for (const s of this.signsOf(test)) shown.add(s.id);
    return this.sorted("signs").filter((s) => !shown.has(s.id));
  }

  /** Measures that no loaded test shows. */
  orphanMeasures() {
    const shown = new Set();
    for (const test of this.tests.values()) for (const m of this.measuresOf(test)) shown.add(m.id);
    return this.sorted("measures").filter((m) => !shown.has(m.id));
  }
}
