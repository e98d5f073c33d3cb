import { mapShipmentErrors } from './shipment-errors';

describe("mapping intake's refusals to lines and fields", () => {
  it('puts each validation message next to its line and field', () => {
    expect(
      mapShipmentErrors([
        'items[1].isbn: check digit should be 7',
        'items[3].creators[0]: each value in creators must be a string',
        'items[0].barcode: barcode is required for a physical item (scan a label if the vendor applied none)',
      ]).lines,
    ).toEqual([
      { index: 1, field: 'isbn', message: 'check digit should be 7' },
      { index: 3, field: 'creators', message: 'each value in creators must be a string' },
      { index: 0, field: 'barcode', message: 'barcode is required for a physical item (scan a label if the vendor applied none)' },
    ]);
  });

  it('splits a conflict naming several lines, and attaches a duplicate to both', () => {
    const mapped = mapShipmentErrors([
      'items[0].barcode and items[2].barcode: barcode 31234000000016 appears twice in the shipment; items[4].barcode: 31234000000024 is already received; nothing of the shipment was stored',
    ]);
    expect(mapped.lines).toEqual([
      { index: 0, field: 'barcode', message: 'barcode 31234000000016 appears twice in the shipment' },
      { index: 2, field: 'barcode', message: 'barcode 31234000000016 appears twice in the shipment' },
      { index: 4, field: 'barcode', message: '31234000000024 is already received' },
    ]);
    expect(mapped.general).toEqual([]);
  });

  it('keeps a field it has no column for on the line, named', () => {
    expect(mapShipmentErrors(['items[2].colour: unknown field']).lines).toEqual([{ index: 2, field: null, message: 'colour: unknown field' }]);
  });

  it('sends supplier and branch problems to those fields and anything else to the summary', () => {
    const mapped = mapShipmentErrors(['supplier: supplier should not be empty', 'branch: branch must be a known branch (CEN, NOR, SOU)', 'items: items must contain at least 1 elements']);
    expect(mapped.form).toEqual([
      { field: 'supplier', message: 'supplier should not be empty' },
      { field: 'branch', message: 'branch must be a known branch (CEN, NOR, SOU)' },
    ]);
    expect(mapped.general).toEqual(['lines: items must contain at least 1 elements']);
  });
});
