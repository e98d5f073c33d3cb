import { parseCsv, readShipmentCsv } from './shipment-csv';
import { toShipmentItem } from './shipment-columns';

describe('reading a supplier CSV', () => {
  it('reads quoted cells with commas, doubled quotes and line breaks, CRLF or LF, after a byte-order mark', () => {
    const { records } = parseCsv('\uFEFFa,b,c\r\n"x, y","say ""hi""","two\nlines"\nlast,,\n');
    expect(records.map((r) => r.cells)).toEqual([
      ['a', 'b', 'c'],
      ['x, y', 'say "hi"', 'two\nlines'],
      ['last', '', ''],
    ]);
    // The row a record starts on, counting the line break inside the quoted cell.
    expect(records.map((r) => r.row)).toEqual([1, 2, 4]);
  });

  it('skips blank lines and reads a last line without a line break', () => {
    expect(parseCsv('a,b\n\n1,2').records.map((r) => r.cells)).toEqual([['a', 'b'], ['1', '2']]);
  });

  it('matches headers ignoring case, spaces, hyphens and underscores, and keeps the file row of each line', () => {
    const parsed = readShipmentCsv('Material Type,TITLE,bar_code,Call-Number,Scheme\nbook,Dune,31234000000016,PS3558 .E63 D8,lc\n');
    expect(parsed.problems).toEqual([]);
    expect(parsed.lines).toEqual([{ row: 2, cells: { materialType: 'book', title: 'Dune', barcode: '31234000000016', callNumber: 'PS3558 .E63 D8', callNumberScheme: 'lc' } }]);
  });

  it('names an unknown column and a missing required one, saying what to change', () => {
    const parsed = readShipmentCsv('title,colour\nDune,red\n');
    expect(parsed.lines).toEqual([]);
    expect(parsed.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^column "colour" is not one we know: rename it to one of materialType, title, .*, or remove it$/),
      'the header has no materialType column: add it (every item needs one)',
    ]);
    expect(parsed.problems[0].row).toBe(1);
  });

  it('names the row with more cells than the header (an unquoted comma)', () => {
    const parsed = readShipmentCsv('materialType,title\nbook,Smith, John\n');
    expect(parsed.problems).toEqual([{ row: 2, message: 'row 2 has 3 cells but the header has 2: quote cells that contain commas' }]);
  });

  it('says where an unclosed quote starts', () => {
    expect(readShipmentCsv('materialType,title\nbook,"Dune\nbook,Emma\n').problems[0]).toMatchObject({ row: 2, message: expect.stringContaining('never closed') });
  });

  it('explains an empty file and a header without items', () => {
    expect(readShipmentCsv('').problems[0].message).toMatch(/^the file is empty/);
    expect(readShipmentCsv('materialType,title\n').problems[0].message).toBe('the file has a header but no items: add one row per item');
  });
});

describe('turning text cells into a shipment line', () => {
  it('leaves blanks out, splits lists on ;, makes a numeric year a number and normalises codes', () => {
    expect(
      toShipmentItem({
        materialType: ' Book ',
        title: 'Dune',
        barcode: '3123 4000 0000 16',
        creators: 'Herbert, Frank; ; Smith, J.',
        isbn: '',
        publicationYear: '1965',
        callNumberScheme: 'LC',
        callNumber: 'PS3558 .E63 D8',
        preApplied: 'cover;stamp',
        currency: 'usd',
        price: '9.99',
      }),
    ).toEqual({
      materialType: 'book',
      title: 'Dune',
      barcode: '31234000000016',
      creators: ['Herbert, Frank', 'Smith, J.'],
      publicationYear: 1965,
      callNumber: 'PS3558 .E63 D8',
      callNumberScheme: 'lc',
      preApplied: ['cover', 'stamp'],
      price: '9.99',
      currency: 'USD',
    });
  });

  it('passes a value it cannot convert on as text, for intake to name', () => {
    expect(toShipmentItem({ materialType: 'book', title: 'X', publicationYear: 'nineteen' }).publicationYear).toBe('nineteen');
  });
});
