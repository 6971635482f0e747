/**
 * "3.1 MB": checkpoint and store sizes as the README, `workbench show`, `workbench checkpoints` and the run
 * page write them (powers of 1000, so they agree with the README's per-run figures).
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
