import { COLUMN_KEYS, columnOf, LineCells, SHIPMENT_COLUMNS } from './shipment-columns';

export interface CsvProblem {
  /** 1-based row of the file (the header is row 1); absent for the file as a whole. */
  row?: number;
  message: string;
}

export interface ParsedShipmentCsv {
  /** One entry per item row, in file order. */
  lines: Array<{ row: number; cells: LineCells }>;
  problems: CsvProblem[];
}

/**
 * RFC 4180 records: quoted cells may hold commas, doubled quotes and line breaks; CRLF or LF; a
 * leading byte-order mark (spreadsheet exports) is dropped. Answers the records with the file row
 * each starts on.
 */
export function parseCsv(text: string): { records: Array<{ row: number; cells: string[] }>; problem?: CsvProblem } {
  const source = text.replace(/^\uFEFF/, '');
  const records: Array<{ row: number; cells: string[] }> = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let row = 1;
  let recordRow = 1;
  let quoteRow = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (quoted) {
      if (c === '"') {
        if (source[i + 1] === '"') {
          cell += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        if (c === '\n') row++;
        cell += c;
      }
    } else if (c === '"' && cell === '') {
      quoted = true;
      quoteRow = row;
    } else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && source[i + 1] === '\n') i++;
      cells.push(cell);
      records.push({ row: recordRow, cells });
      cells = [];
      cell = '';
      row++;
      recordRow = row;
    } else {
      cell += c;
    }
  }
  if (quoted) {
    return { records, problem: { row: quoteRow, message: `a quoted cell opened on row ${quoteRow} is never closed: add the closing " (write "" for a quote inside a cell)` } };
  }
  if (cell !== '' || cells.length > 0) {
    cells.push(cell);
    records.push({ row: recordRow, cells });
  }
  return { records: records.filter((r) => r.cells.some((c) => c.trim() !== '')) };
}

/**
 * A supplier's shipment file → lines of text cells by column, or the problems that stop it from being
 * read (named by row, each saying what to change). Values are not judged here: intake does that when
 * the shipment is sent, and its errors come back next to the line and field.
 */
export function readShipmentCsv(text: string): ParsedShipmentCsv {
  const { records, problem } = parseCsv(text);
  if (problem) return { lines: [], problems: [problem] };
  if (records.length === 0) {
    return { lines: [], problems: [{ message: `the file is empty: it needs a header row (${requiredList()}, …) and one row per item` }] };
  }
  const [header, ...rows] = records;
  const problems: CsvProblem[] = [];
  const keys = header.cells.map((name) => columnOf(name));
  header.cells.forEach((name, i) => {
    if (keys[i] === undefined) {
      problems.push({ row: header.row, message: `column "${name.trim()}" is not one we know: rename it to one of ${COLUMN_KEYS.join(', ')}, or remove it` });
    } else if (keys.indexOf(keys[i]) !== i) {
      problems.push({ row: header.row, message: `column "${name.trim()}" appears twice: keep one` });
    }
  });
  for (const column of SHIPMENT_COLUMNS.filter((c) => c.required)) {
    if (!keys.includes(column.key)) problems.push({ row: header.row, message: `the header has no ${column.key} column: add it (every item needs one)` });
  }
  if (rows.length === 0) problems.push({ message: 'the file has a header but no items: add one row per item' });
  const lines = rows.map(({ row, cells }) => {
    if (cells.length > header.cells.length) {
      problems.push({ row, message: `row ${row} has ${cells.length} cells but the header has ${header.cells.length}: quote cells that contain commas` });
    }
    const line: LineCells = {};
    keys.forEach((key, i) => {
      if (key && cells[i] !== undefined && cells[i].trim() !== '') line[key] = cells[i].trim();
    });
    return { row, cells: line };
  });
  return { lines: problems.length ? [] : lines, problems };
}

function requiredList(): string {
  return SHIPMENT_COLUMNS.filter((c) => c.required).map((c) => c.key).join(', ');
}
