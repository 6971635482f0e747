import { describe, expect, it } from 'vitest';
import { parseUint8RowsJson } from './uint8-rows-json';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('parseUint8RowsJson', () => {
  it('reads what JSON.parse reads, skipping empty rows', () => {
    const rows = [[0, 255, 7], [], [12, 0, 199]];
    const text = ` {"data" : [ ${rows.map((r) => `[${r.join(' , ')}]`).join(',\n')} ] }\n`;
    const parsed = parseUint8RowsJson(bytes(text), 3, 'x.json');
    expect(parsed.rows).toBe(2);
    expect(parsed.emptyRows).toBe(1);
    expect(Array.from(parsed.data)).toEqual(JSON.parse(text).data.flat());
    expect(parseUint8RowsJson(bytes('{"data":[]}'), 3, 'x.json').rows).toBe(0);
  });

  it('fails loudly on anything it does not expect', () => {
    expect(() => parseUint8RowsJson(bytes('{"data":[[1,2]]}'), 3, 'x.json')).toThrow(
      'x.json: row 0 has 2 values instead of 3',
    );
    expect(() => parseUint8RowsJson(bytes('{"data":[[1,2,3,4]]}'), 3, 'x.json')).toThrow(
      'more than 3 values',
    );
    expect(() => parseUint8RowsJson(bytes('{"data":[[1,256,3]]}'), 3, 'x.json')).toThrow(
      'value 256 is outside 0–255',
    );
    expect(() => parseUint8RowsJson(bytes('{"data":[[1,0.5,3]]}'), 3, 'x.json')).toThrow(
      'expected "," or "]"',
    );
    expect(() => parseUint8RowsJson(bytes('{"data":[[1,-2,3]]}'), 3, 'x.json')).toThrow(
      'expected an integer',
    );
    expect(() => parseUint8RowsJson(bytes('{"pixels":[]}'), 3, 'x.json')).toThrow('expected "\\"data\\""');
    expect(() => parseUint8RowsJson(bytes('{"data":[[1,2,3]'), 3, 'x.json')).toThrow('x.json');
  });
});
