/**
 * Reading what servers report: INFO text as fields, and a field/value reply (RESP2 flat array or RESP3 map, e.g.
 * MIGRATE_PREPARE's report) as an object. Shared by every suite (one copy, here).
 */

/** INFO text ("# Section" headers, "name:value" lines, CRLF or LF) to `{ name: value }`. */
export function infoFields(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/** A flat `[k1, v1, k2, v2, ...]` (RESP2) or a Map (RESP3) reply to a plain object keyed by field name. */
export function replyPairs(reply: unknown): Record<string, unknown> {
  if (reply instanceof Map) return Object.fromEntries([...reply].map(([k, v]) => [String(k), v]));
  const a = reply as unknown[];
  const out: Record<string, unknown> = {};
  for (let i = 0; i < a.length; i += 2) out[String(a[i])] = a[i + 1];
  return out;
}
