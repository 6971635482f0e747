import Table from 'cli-table3';

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n');
}

export function printTable(head: string[], rows: Array<Array<string | number>>): void {
  const table = new Table({ head, style: { head: [], border: [], compact: true } });
  for (const row of rows) table.push(row.map(String));
  process.stdout.write(table.toString() + '\n');
}

export function fmt(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined) return '–';
  if (!Number.isFinite(value)) return String(value);
  return value.toFixed(digits);
}

export function pct(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : `${(value * 100).toFixed(2)} %`;
}

export function fmtLr(lr: number): string {
  return lr !== 0 && Math.abs(lr) < 1e-3 ? lr.toExponential(2) : String(Number(lr.toPrecision(3)));
}
