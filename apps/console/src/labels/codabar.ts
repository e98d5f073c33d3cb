/**
 * Codabar (ANSI/AIM BC3), the symbology of library item barcodes. Each character is seven elements —
 * bar, space, bar, space, bar, space, bar — each narrow or wide; characters are separated by a narrow
 * space, and the symbol starts and ends with one of A–D (libraries commonly use A … B).
 */
const WIDE_ELEMENTS: Readonly<Record<string, string>> = {
  '0': '0000011',
  '1': '0000110',
  '2': '0001001',
  '3': '1100000',
  '4': '0010010',
  '5': '1000010',
  '6': '0100001',
  '7': '0100100',
  '8': '0110000',
  '9': '1001000',
  '-': '0001100',
  $: '0011000',
  ':': '1000101',
  '/': '1010001',
  '.': '1010100',
  '+': '0010101',
  A: '0011010',
  B: '0101001',
  C: '0001011',
  D: '0001110',
};

export const CODABAR_DATA = /^[0-9\-$:/.+]+$/;

export interface CodabarOptions {
  start?: 'A' | 'B' | 'C' | 'D';
  stop?: 'A' | 'B' | 'C' | 'D';
  /** Wide-to-narrow ratio; the standard allows 2.25 to 3. */
  ratio?: number;
}

/** Element widths (in narrow units) of the whole symbol: bar first, bars and spaces alternating. */
export function codabarWidths(data: string, options: CodabarOptions = {}): number[] {
  if (!CODABAR_DATA.test(data)) throw new RangeError(`Codabar encodes digits and - $ : / . + only, got "${data}"`);
  const ratio = options.ratio ?? 2.5;
  const symbol = `${options.start ?? 'A'}${data}${options.stop ?? 'B'}`;
  const widths: number[] = [];
  [...symbol].forEach((char, i) => {
    if (i > 0) widths.push(1); // the inter-character gap
    for (const wide of WIDE_ELEMENTS[char]) widths.push(wide === '1' ? ratio : 1);
  });
  return widths;
}

/** The symbol as modules (1 = bar), at ratio 2: the form other encoders print, handy for checking. */
export function codabarModules(data: string, options: Omit<CodabarOptions, 'ratio'> = {}): string {
  return codabarWidths(data, { ...options, ratio: 2 })
    .map((width, i) => (i % 2 === 0 ? '1' : '0').repeat(width))
    .join('');
}

export interface BarcodeSvgOptions extends CodabarOptions {
  /** Height of the bars in narrow units. */
  height?: number;
  /** Print the digits under the bars. */
  text?: boolean;
}

/**
 * An SVG of the barcode with quiet zones (10 narrow units each side), scaled by its container: the
 * viewBox is in narrow units, so printing at any width keeps the proportions a scanner needs.
 */
export function codabarSvg(data: string, options: BarcodeSvgOptions = {}): string {
  const widths = codabarWidths(data, options);
  const quiet = 10;
  const height = options.height ?? 40;
  const textHeight = options.text === false ? 0 : 14;
  let x = quiet;
  const bars: string[] = [];
  widths.forEach((width, i) => {
    if (i % 2 === 0) bars.push(`<rect x="${round(x)}" y="0" width="${round(width)}" height="${height}"/>`);
    x += width;
  });
  const total = x + quiet;
  const label = textHeight
    ? `<text x="${round(total / 2)}" y="${height + 12}" text-anchor="middle" font-family="monospace" font-size="12">${data}</text>`
    : '';
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="barcode" viewBox="0 0 ${round(total)} ${height + textHeight}" role="img" aria-label="Codabar barcode ${data}">` +
    `<rect x="0" y="0" width="${round(total)}" height="${height + textHeight}" fill="#fff"/><g fill="#000">${bars.join('')}</g>${label}</svg>`
  );
}

function round(value: number): string {
  return String(Math.round(value * 100) / 100);
}
