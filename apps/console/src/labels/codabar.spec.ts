import { codabarModules, codabarSvg, codabarWidths } from './codabar';

describe('Codabar', () => {
  it('encodes each character in the standard patterns, framed by start A and stop B', () => {
    // Modules at a 2:1 ratio, as JsBarcode and most encoders print them: A, 0, 1, B with narrow gaps.
    expect(codabarModules('01')).toBe(['1011001001', '101010011', '101011001', '1001001011'].join('0'));
  });

  it('has 4 bars and 3 spaces per character, 2 or 3 of them wide, and a narrow gap between characters', () => {
    const data = '31234000000016';
    const widths = codabarWidths(data, { ratio: 3 });
    const symbols = data.length + 2;
    expect(widths).toHaveLength(symbols * 7 + (symbols - 1));
    for (let s = 0; s < symbols; s++) {
      const char = widths.slice(s * 8, s * 8 + 7);
      expect(char.filter((w) => w === 3).length).toBeGreaterThanOrEqual(2);
      expect(char.filter((w) => w === 3).length).toBeLessThanOrEqual(3);
      if (s < symbols - 1) expect(widths[s * 8 + 7]).toBe(1);
    }
  });

  it('refuses characters Codabar cannot carry', () => {
    expect(() => codabarWidths('12A4')).toThrow(/digits and/);
  });

  it('draws an SVG with one rectangle per bar, quiet zones and the digits under it', () => {
    const svg = codabarSvg('31234000000016');
    expect(svg.match(/<rect x="[\d.]+" y="0" width="[\d.]+" height="40"\/>/g)).toHaveLength(16 * 4);
    expect(svg).toContain('aria-label="Codabar barcode 31234000000016"');
    expect(svg).toContain('>31234000000016</text>');
    expect(svg).toMatch(/<rect x="10" y="0"/);
  });
});
