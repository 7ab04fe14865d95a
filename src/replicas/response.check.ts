import type { ServeResponse } from '../http/serve-response';
import { resultMessages as m } from '../messages/result.messages';

/** An HTTP token (RFC 9110), as Node.js checks header names. */
const TOKEN = /^[\^_`a-zA-Z\-0-9!#$%&'*+.|~]+$/;
/** What Node.js refuses in a header value: control characters but tab, and anything above U+00FF. */
const BAD_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

/**
 * What in a {@link ServeResponse}'s status or headers HTTP cannot send, for the caller's 500
 * (`'a ServeResponse with …'` completes it); `undefined` when it can be sent. The status must be an
 * integer from 200 to 599: a 1xx is only ever an interim answer, so the request would get none.
 * Header names must be HTTP tokens, values strings, numbers or arrays of them without control
 * characters (a CR or LF would split the header). Checked in the replica, which keeps serving;
 * Node.js would throw at the host instead, or send the 1xx and never answer. Reading a getter or
 * Proxy trap that throws propagates.
 */
export function checkResponse(response: ServeResponse): string | undefined {
  const status: unknown = response.status;
  if (status !== undefined) {
    if (typeof status !== 'number') return m.statusNotNumber(kindOf(status));
    if (Number.isInteger(status) && status >= 100 && status <= 199) return m.statusInterim(status);
    if (!Number.isInteger(status) || status < 200 || status > 599) return m.statusOutOfRange(String(status));
  }
  const headers: unknown = response.headers;
  if (headers === undefined || headers === null) return undefined;
  if (typeof headers !== 'object' || Array.isArray(headers)) return m.headersNotObject(kindOf(headers));
  for (const [name, value] of Object.entries(headers)) {
    if (!TOKEN.test(name)) return m.headerName(quoted(name));
    const problem = valueProblem(value);
    if (problem) return problem(quoted(name));
  }
  return undefined;
}

function valueProblem(value: unknown): ((name: string) => string) | undefined {
  if (value === undefined) return m.headerUndefined;
  const values: unknown[] = Array.isArray(value) ? value : [value];
  for (const item of values) {
    if (typeof item === 'number') continue;
    if (typeof item !== 'string') return (name) => m.headerType(name, kindOf(item));
    if (BAD_VALUE_CHAR.test(item)) return m.headerChar;
  }
  return undefined;
}

/** A name as the message shows it: quoted and escaped, cut short (it is the user's text). */
function quoted(name: string): string {
  const text = JSON.stringify(name);
  return text.length > 42 ? `${text.slice(0, 40)}…"` : text;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}
