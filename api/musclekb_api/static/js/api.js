// Calls to the musclekb HTTP API. Failures become ApiError, carrying the RFC 9457 problem.

import { h, fill } from "./dom.js";

export class ApiError extends Error {
  constructor(status, problem, url) {
    super(problem.detail || problem.title || `request failed (${status})`);
    this.status = status;
    this.problem = problem;
    this.url = url;
  }
}

async function request(url, options = {}) {
  let response;
  try {
    response = await fetch(url, {
      ...options,
      headers: { Accept: "application/json, application/problem+json", ...(options.headers || {}) },
    });
  } catch (err) {
    throw new ApiError(0, {
      title: "The service could not be reached",
      detail: `${String(err.message || err)}. Check that musclekb serve is still running, then try again.`,
    }, url);
  }
  const type = response.headers.get("content-type") || "";
  let body = null;
  if (type.includes("json")) {
    try {
      body = await response.json();
    } catch {
      body = null;
    }
  }
  if (!response.ok) {
    const problem = body && typeof body === "object" ? body : {
      title: response.statusText || "Request failed",
      detail: `${url} answered ${response.status}.`,
    };
    problem.status = problem.status || response.status;
    throw new ApiError(response.status, problem, url);
  }
  return body;
}

export const getJSON = (url) => request(url);

export const postJSON = (url, payload) =>
  request(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(payload),
  });

/** Every item of a collection (the API allows up to 500 per page; more pages are fetched). */
export async function getAll(collection, params = {}) {
  const items = [];
  let offset = 0;
  for (;;) {
    const query = new URLSearchParams({ ...params, limit: "500", offset: String(offset) });
    const page = await getJSON(`/v1/${collection}?${query}`);
    const got = Array.isArray(page) ? page : page.items || [];
    items.push(...got);
    const total = Array.isArray(page) ? got.length : page.total ?? got.length;
    offset += got.length;
    if (got.length === 0 || offset >= total) break;
  }
  return items;
}

function locText(loc) {
  if (Array.isArray(loc)) {
    return loc.filter((part) => part !== "body").map(String).join(".").replace(/\.(\d+)/g, "[$1]");
  }
  return loc ? String(loc) : "";
}

/**
 * Show an error in `box` (an element with role="alert"): the problem's title, its detail, and each
 * of its `errors` with where it is, what is wrong and the closest valid values.
 */
export function showProblem(box, err, { heading = null, extra = null } = {}) {
  const problem = err instanceof ApiError ? err.problem : { title: "Something went wrong", detail: String(err && err.message || err) };
  const status = err instanceof ApiError && err.status ? ` (${err.status})` : "";
  const errors = Array.isArray(problem.errors) ? problem.errors : [];
  const suggestions = Array.isArray(problem.suggestions) ? problem.suggestions : [];
  const unlisted = Number.isInteger(problem.unlisted) && problem.unlisted > 0 ? problem.unlisted : 0;
  fill(
    box,
    h("p", { class: "problem-title" }, heading || `${problem.title || "Error"}${status}`),
    problem.detail ? h("p", { class: "problem-detail" }, summaryOf(problem.detail, errors)) : null,
    errors.length
      ? h("ul", { class: "problem-errors" }, errors.map((e) => h("li", {},
        locText(e.loc) ? h("code", {}, locText(e.loc)) : null,
        locText(e.loc) ? ": " : "",
        e.msg || e.message || "",
        Array.isArray(e.suggestions) && e.suggestions.length
          ? h("span", { class: "suggestions" }, ` (did you mean ${e.suggestions.join(", ")}?)`) : null)))
      : null,
    unlisted
      ? h("p", { class: "problem-more" },
        `… and ${unlisted} more ${unlisted === 1 ? "problem" : "problems"}, not listed: correct these and assess again to see the rest.`)
      : null,
    suggestions.length ? h("p", { class: "suggestions" }, `Did you mean: ${suggestions.join(", ")}?`) : null,
    extra,
  );
  box.hidden = false;
}

// When the errors are listed one by one, the detail's first line is enough: the rest repeats them
// (the closing "... and N more" line is said in words below the list).
function summaryOf(detail, errors) {
  const text = String(detail);
  const [first, ...rest] = text.split("\n").filter((line) => !/^\.\.\. and \d+ more$/.test(line));
  const repeated = errors.length && rest.length && rest.every((line) => errors.some((e) => line.includes(e.msg || "\u0000")));
  return repeated ? first : text;
}

export function clearProblem(box) {
  box.hidden = true;
  box.replaceChildren();
}
