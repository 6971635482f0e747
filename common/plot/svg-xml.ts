/**
 * Text for SVG/XML. Run names are user input and end up in legends: characters XML 1.0 forbids (control
 * characters, lone surrogates, U+FFFE/U+FFFF) are dropped, since a single one makes the whole file
 * unreadable, and markup characters are escaped.
 */
export function escapeXml(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (!isXmlChar(cp)) continue;
    out += ESCAPES[ch] ?? ch;
  }
  return out;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** The Char production of XML 1.0. */
function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

/** A coordinate with at most two decimals: enough below a pixel, and it keeps large plots small. */
export function coord(value: number): string {
  return String(Math.round(value * 100) / 100);
}
