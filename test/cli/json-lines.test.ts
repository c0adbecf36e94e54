import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CommandError } from '../../src/cli/command.js';
import { readLines, type InputLine } from '../../src/cli/json-lines.js';

/** Reads every line of `chunks`, each chunk delivered on its own. */
async function collectLines(chunks: readonly (Uint8Array | string)[]): Promise<InputLine[]> {
  const lines: InputLine[] = [];
  for await (const line of readLines(Readable.from(chunks, { objectMode: true }), 'input.jsonl')) {
    lines.push(line);
  }
  return lines;
}

describe('readLines', () => {
  it('yields nothing for empty input', async () => {
    expect(await collectLines([])).toEqual([]);
    expect(await collectLines([Buffer.alloc(0)])).toEqual([]);
  });

  it('numbers LF-terminated lines', async () => {
    expect(await collectLines([Buffer.from('a\nb\n\nc\n')])).toEqual([
      { number: 1, text: 'a' },
      { number: 2, text: 'b' },
      { number: 3, text: '' },
      { number: 4, text: 'c' },
    ]);
  });

  it('yields a last line without line break', async () => {
    expect(await collectLines([Buffer.from('a\nlast')])).toEqual([
      { number: 1, text: 'a' },
      { number: 2, text: 'last' },
    ]);
  });

  it('drops the CR of CRLF only', async () => {
    expect(await collectLines([Buffer.from('a\r\nb\rc\r\n\r\nd\r')])).toEqual([
      { number: 1, text: 'a' },
      { number: 2, text: 'b\rc' },
      { number: 3, text: '' },
      { number: 4, text: 'd' },
    ]);
  });

  it('drops a byte order mark at the start only', async () => {
    expect(await collectLines([Buffer.from('\uFEFFa\n\uFEFFb\n')])).toEqual([
      { number: 1, text: 'a' },
      { number: 2, text: '\uFEFFb' },
    ]);
  });

  it('joins a line split across chunks', async () => {
    // "é" is two bytes in UTF-8, split here between two chunks.
    const bytes = Buffer.from('first\nsecond é line\nthird');
    const splitAt = bytes.indexOf(Buffer.from('é')) + 1;
    const chunks = [bytes.subarray(0, 3), bytes.subarray(3, splitAt), bytes.subarray(splitAt, splitAt + 2), bytes.subarray(splitAt + 2)];
    expect(await collectLines(chunks)).toEqual([
      { number: 1, text: 'first' },
      { number: 2, text: 'second é line' },
      { number: 3, text: 'third' },
    ]);
  });

  it('marks a line with invalid UTF-8 and keeps the others', async () => {
    const input = Buffer.concat([Buffer.from('good\nbad '), Buffer.from([0xff, 0xfe]), Buffer.from('\nalso good\n')]);
    expect(await collectLines([input])).toEqual([
      { number: 1, text: 'good' },
      { number: 2, text: undefined },
      { number: 3, text: 'also good' },
    ]);
  });

  it('encodes string chunks as UTF-8', async () => {
    expect(await collectLines(['\uFEFFcafé\r\n', 'tea', '\n'])).toEqual([
      { number: 1, text: 'café' },
      { number: 2, text: 'tea' },
    ]);
  });

  it('reads a chunk that is a view into a larger buffer', async () => {
    const backing = Buffer.from('XXXXa\nbYYYY');
    const view = new Uint8Array(backing.buffer, backing.byteOffset + 4, 3);
    expect(await collectLines([view])).toEqual([
      { number: 1, text: 'a' },
      { number: 2, text: 'b' },
    ]);
  });

  it('raises CommandError naming the input on a read failure', async () => {
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('a\n');
      throw new Error('EIO: i/o error, read');
    }
    const lines: InputLine[] = [];
    const reading = (async () => {
      for await (const line of readLines(failing(), 'input.jsonl')) {
        lines.push(line);
      }
    })();
    await expect(reading).rejects.toThrow(CommandError);
    await expect(reading).rejects.toThrow('Cannot read input.jsonl: EIO: i/o error, read');
    expect(lines).toEqual([{ number: 1, text: 'a' }]);
  });
});

describe('readLines line limit', () => {
  it('drops a line past the limit and goes on', async () => {
    const { MAX_LINE_BYTES, readLines } = await import('../../src/cli/json-lines.js');
    const huge = Buffer.alloc(MAX_LINE_BYTES + 10, 0x61);
    async function* chunks() {
      yield Buffer.from('{"a":1}\n');
      yield huge.subarray(0, MAX_LINE_BYTES);
      yield Buffer.concat([huge.subarray(MAX_LINE_BYTES), Buffer.from('\n{"b":2}\n')]);
    }
    const lines = [];
    for await (const line of readLines(chunks(), 'test input')) {
      lines.push(line);
    }
    expect(lines).toEqual([
      { number: 1, text: '{"a":1}' },
      { number: 2, text: undefined, tooLong: true },
      { number: 3, text: '{"b":2}' },
    ]);
  });
});
