/**
 * Lower-case ASCII letters, digits and single dashes, accents dropped: "Fashion MNIST (small)" →
 * "fashion-mnist-small", "Café" → "cafe"; "" where nothing usable is left. Dataset ids and file names use it.
 */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
