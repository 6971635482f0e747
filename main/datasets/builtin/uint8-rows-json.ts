export interface Uint8Rows {
  /** rows × rowLength values. */
  data: Uint8Array;
  rows: number;
  /** Empty rows ("[]") in the file, skipped. */
  emptyRows: number;
}

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const ZERO = 0x30;
const NINE = 0x39;
const COMMA = 0x2c;
const CLOSE = 0x5d; // ]

/**
 * Reads `{"data": [[v, v, ...], ...]}` where every v is an integer 0–255 and every non-empty row has rowLength
 * values, straight from the bytes. JSON.parse would build ~55 million boxed numbers on the way (seconds, and
 * hundreds of MB); this is one pass with no allocation beyond the result. Anything else in the file is an error,
 * so a changed package fails loudly instead of decoding wrong.
 */
export function parseUint8RowsJson(bytes: Uint8Array, rowLength: number, name: string): Uint8Rows {
  let pos = 0;
  const fail = (what: string): never => {
    throw new Error(`${name}: ${what} at byte ${pos}`);
  };
  const skipSpace = () => {
    while (pos < bytes.length) {
      const c = bytes[pos];
      if (c !== SPACE && c !== LF && c !== CR && c !== TAB) break;
      pos++;
    }
  };
  const expect = (text: string) => {
    skipSpace();
    for (let k = 0; k < text.length; k++, pos++) {
      if (bytes[pos] !== text.charCodeAt(k)) fail(`expected ${JSON.stringify(text)}`);
    }
  };

  // Every value takes at least two bytes ("0,"), which bounds the number of rows.
  const capacity = Math.floor(bytes.length / (2 * rowLength)) + 1;
  const data = new Uint8Array(capacity * rowLength);
  let rows = 0;
  let emptyRows = 0;

  expect('{');
  expect('"data"');
  expect(':');
  expect('[');
  skipSpace();
  let more = bytes[pos] !== CLOSE;
  if (!more) pos++;
  while (more) {
    expect('[');
    skipSpace();
    if (bytes[pos] === CLOSE) {
      pos++;
      emptyRows++;
    } else {
      const base = rows * rowLength;
      let column = 0;
      for (;;) {
        skipSpace();
        let value = 0;
        const start = pos;
        while (pos < bytes.length && bytes[pos] >= ZERO && bytes[pos] <= NINE)
          value = value * 10 + bytes[pos++] - ZERO;
        if (pos === start) fail('expected an integer');
        if (value > 255) fail(`value ${value} is outside 0–255`);
        if (column === rowLength) fail(`row ${rows + emptyRows} has more than ${rowLength} values`);
        data[base + column++] = value;
        skipSpace();
        const separator = bytes[pos++];
        if (separator === CLOSE) break;
        if (separator !== COMMA) fail('expected "," or "]"');
      }
      if (column !== rowLength) fail(`row ${rows + emptyRows} has ${column} values instead of ${rowLength}`);
      rows++;
    }
    skipSpace();
    const separator = bytes[pos++];
    if (separator === CLOSE) more = false;
    else if (separator !== COMMA) fail('expected "," or "]" between rows');
  }
  expect('}');
  skipSpace();
  if (pos !== bytes.length) fail('unexpected content after the data');
  return { data: data.subarray(0, rows * rowLength), rows, emptyRows };
}
