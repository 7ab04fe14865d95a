import { TextDecoder } from 'node:util';

/**
 * windows-1252 at 0x80–0x9F (WHATWG index; the five undefined bytes map to their own code point).
 * Every label of ISO-8859-1, latin1, ASCII and windows-1252 names this encoding in WHATWG.
 */
const WINDOWS_1252_HIGH = '€\x81‚ƒ„…†‡ˆ‰Š‹Œ\x8dŽ\x8f\x90‘’“”•–—˜™š›œ\x9džŸ';

/** Node 20–24 decode windows-1252 as Latin-1, so 0x80–0x9F come out as C1 controls (nodejs/node#56542). */
const NODE_WINDOWS_1252_IS_LATIN1 = new TextDecoder('windows-1252').decode(Uint8Array.of(0x80)) !== '€';

const C1 = /[\x80-\x9f]/g;

/** Why a body cannot be decoded: the charset it named, as written. */
export class UnknownCharsetError extends Error {
  constructor(readonly charset: string) {
    super(`unknown charset '${charset}'`);
    this.name = 'UnknownCharsetError';
  }
}

/**
 * Decodes bytes as the charset a Content-Type names, with the WHATWG encodings `TextDecoder`
 * knows (labels compared case-insensitively; none means UTF-8). Bytes invalid in that charset
 * become U+FFFD and a byte-order mark is dropped, as `TextDecoder` does by default. A charset it
 * does not know (or one WHATWG maps to "replacement") throws {@link UnknownCharsetError}.
 */
export class CharsetDecoder {
  /** Decoders by lower-case label; only known labels are kept, so the map stays small whatever callers send. */
  private readonly decoders = new Map<string, TextDecoder>();

  /** `bytes` as text in `charset` (UTF-8 when `null` or `undefined`). */
  decode(bytes: Uint8Array, charset: string | null | undefined): string {
    const label = charset == null ? 'utf-8' : charset.trim().toLowerCase();
    let decoder = this.decoders.get(label);
    if (!decoder) {
      try {
        decoder = new TextDecoder(label);
      } catch {
        throw new UnknownCharsetError(charset ?? label);
      }
      this.decoders.set(label, decoder);
    }
    const text = decoder.decode(bytes);
    if (NODE_WINDOWS_1252_IS_LATIN1 && decoder.encoding === 'windows-1252')
      return text.replace(C1, (c) => WINDOWS_1252_HIGH[c.charCodeAt(0) - 0x80]);
    return text;
  }
}
