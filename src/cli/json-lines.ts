/** Splitting a byte stream into numbered lines for the JSON Lines import. */
import { CommandError, errorMessage } from './command.js';

/** One line of input, without its line break; `text` is undefined when the bytes are not valid UTF-8 or the line is too long. */
export interface InputLine {
  /** 1-based line number. */
  readonly number: number;
  readonly text: string | undefined;
  /** True when the line was longer than {@link MAX_LINE_BYTES} and was dropped unread. */
  readonly tooLong?: boolean;
}

/** Maximum line length read, in bytes: a template is at most a 1 MiB request body plus the server-set fields. */
export const MAX_LINE_BYTES = 4 * 1024 * 1024;

const LINE_FEED = 0x0a;
const BYTE_ORDER_MARK = '\uFEFF';

/**
 * Reads `input` line by line. Lines end with LF or CRLF, and a last line
 * without a line break counts too. Each line is decoded on its own, so a line
 * with invalid UTF-8 yields `text: undefined` and the others are unaffected.
 * A byte order mark at the start of the input is dropped. String chunks, as a
 * stream in object mode or with an encoding set yields them, are encoded as
 * UTF-8 first. Such a stream has already replaced invalid bytes with U+FFFD,
 * so their lines are not rejected. A read failure raises {@link CommandError}
 * naming `inputName`.
 */
export async function* readLines(input: AsyncIterable<Uint8Array | string>, inputName: string): AsyncGenerator<InputLine> {
  // ignoreBOM keeps a byte order mark in the text, so that only the one at the start is dropped.
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const decode = (bytes: Uint8Array, number: number): InputLine => {
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      return { number, text: undefined };
    }
    if (number === 1 && text.startsWith(BYTE_ORDER_MARK)) {
      text = text.slice(1);
    }
    return { number, text: text.endsWith('\r') ? text.slice(0, -1) : text };
  };

  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let number = 0;
  // A line past the limit is dropped as it arrives, so that one huge line cannot exhaust memory.
  const keep = (part: Buffer) => {
    pendingBytes += part.length;
    if (pendingBytes <= MAX_LINE_BYTES) {
      pending.push(part);
    } else {
      pending = [];
    }
  };
  const finishLine = (): InputLine => {
    number += 1;
    const line = pendingBytes > MAX_LINE_BYTES ? { number, text: undefined, tooLong: true } : decode(Buffer.concat(pending), number);
    pending = [];
    pendingBytes = 0;
    return line;
  };
  try {
    for await (const chunk of input) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      let start = 0;
      for (let end = bytes.indexOf(LINE_FEED); end !== -1; end = bytes.indexOf(LINE_FEED, start)) {
        keep(bytes.subarray(start, end));
        yield finishLine();
        start = end + 1;
      }
      if (start < bytes.length) {
        keep(bytes.subarray(start));
      }
    }
  } catch (error) {
    throw new CommandError(`Cannot read ${inputName}: ${errorMessage(error)}`, { cause: error });
  }
  if (pendingBytes > 0) {
    yield finishLine();
  }
}
