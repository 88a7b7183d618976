// Permalinks: the recorded findings, measurements and context, packed into the URL's fragment as
// compact JSON, deflated when the browser can, then base64url ("#a=z.<data>" or "#a=j.<data>").
// The fragment never reaches the server, so a link shares the record without storing it anywhere.

const SIDE_CODES = { left: "l", right: "r", bilateral: "b" };
const SIDE_NAMES = { l: "left", r: "right", b: "bilateral" };
const PARAM = "a";

function toBase64Url(bytes) {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(data) {
  const b64 = data.replace(/-/g, "+").replace(/_/g, "/");
  const text = atob(b64 + "===".slice((b64.length + 3) % 4));
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

async function through(stream, bytes) {
  const piped = new Blob([bytes]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(piped).arrayBuffer());
}

const canDeflate = () => typeof CompressionStream === "function" && typeof DecompressionStream === "function";

/** The compact form of a request's state. */
export function pack(state, defaultThreshold) {
  const out = { v: 1 };
  if (state.findings.length) {
    out.f = state.findings.map((f) => (f.side ? [f.sign, SIDE_CODES[f.side] || f.side] : [f.sign]));
  }
  if (state.measurements.length) out.m = state.measurements.map((m) => [m.measure, m.left, m.right]);
  const c = state.context || {};
  if (c.pain) out.p = c.pain;
  if (c.pain_persistent) out.pp = 1;
  if (c.causes && c.causes.length) out.c = c.causes;
  if (Array.isArray(c.equipment)) out.e = c.equipment;
  if (c.level) out.l = c.level;
  if (state.threshold !== undefined && state.threshold !== defaultThreshold) out.t = state.threshold;
  return out;
}

/** The state back from its compact form (anything malformed throws). */
export function unpack(data, defaultThreshold) {
  if (!data || typeof data !== "object" || data.v !== 1) throw new Error("this link was made by another version of the page");
  const list = (value) => (Array.isArray(value) ? value : []);
  return {
    findings: list(data.f).map(([sign, side]) => ({ sign: String(sign), side: side ? SIDE_NAMES[side] || String(side) : null })),
    measurements: list(data.m).map(([measure, left, right]) => ({ measure: String(measure), left: Number(left), right: Number(right) })),
    context: {
      pain: Number.isInteger(data.p) ? data.p : 0,
      pain_persistent: Boolean(data.pp),
      causes: list(data.c).map(String),
      equipment: Array.isArray(data.e) ? data.e.map(String) : null,
      level: typeof data.l === "string" ? data.l : null,
    },
    threshold: typeof data.t === "number" ? data.t : defaultThreshold,
  };
}

/** The fragment ("a=...") for a state. */
export async function encode(state, defaultThreshold) {
  const bytes = new TextEncoder().encode(JSON.stringify(pack(state, defaultThreshold)));
  if (canDeflate()) {
    try {
      return `${PARAM}=z.${toBase64Url(await through(new CompressionStream("deflate-raw"), bytes))}`;
    } catch {
      // fall through to plain JSON
    }
  }
  return `${PARAM}=j.${toBase64Url(bytes)}`;
}

/** The state in a fragment, or null when the fragment holds none. Malformed data throws. */
export async function decode(hash, defaultThreshold) {
  const params = new URLSearchParams(String(hash || "").replace(/^#/, ""));
  const value = params.get(PARAM);
  if (!value) return null;
  const [format, data] = [value.slice(0, 1), value.slice(2)];
  let bytes = fromBase64Url(data);
  if (format === "z") bytes = await through(new DecompressionStream("deflate-raw"), bytes);
  else if (format !== "j") throw new Error("unknown link format");
  return unpack(JSON.parse(new TextDecoder().decode(bytes)), defaultThreshold);
}
