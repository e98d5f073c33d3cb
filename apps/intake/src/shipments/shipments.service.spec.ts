import { duplicateBarcodes, normalisePrice } from './shipments.service';

describe('shipment checks', () => {
  it('names both lines of a barcode that appears twice, and ignores lines without a barcode', () => {
    expect(
      duplicateBarcodes([
        { line: 0, barcode: 'A' },
        { line: 1, barcode: null },
        { line: 2, barcode: 'B' },
        { line: 3, barcode: null },
        { line: 4, barcode: 'A' },
      ]),
    ).toEqual(['items[0].barcode and items[4].barcode: barcode A appears twice in the shipment']);
  });

  it('finds no duplicates in a shipment of distinct barcodes', () => {
    expect(duplicateBarcodes([{ line: 0, barcode: 'A' }, { line: 1, barcode: 'B' }])).toEqual([]);
  });

  it('writes prices with two decimals, as numeric(12,2) stores them', () => {
    expect(normalisePrice('4.5')).toBe('4.50');
    expect(normalisePrice('12')).toBe('12.00');
    expect(normalisePrice('007.25')).toBe('7.25');
    expect(normalisePrice('0.99')).toBe('0.99');
  });
});
