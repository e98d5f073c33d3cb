import { randomInt } from 'node:crypto';
import { makeCodabarBarcode } from '../../libs/contracts/src/identifiers/barcode';
import { isbn13CheckDigit } from '../../libs/contracts/src/identifiers/isbn';

export interface ShipmentLine {
  materialType: 'book';
  title: string;
  barcode: string;
  isbn: string;
  callNumber: string;
  callNumberScheme: 'lc';
  securityTag: 'strip';
  preApplied: ['cover'];
  /** Shelving location; the mixed day scopes its weeding rule to a collection of its own. */
  collection?: string;
  publicationYear?: number;
}

/**
 * Pre-labelled books as a vendor ships them (call number, security strip and cover applied), so the
 * default book profile leaves only the stamp. Barcodes come from a random institution code and
 * sequence base per bench invocation, so runs never collide, not even against attached services.
 */
export class ItemFactory {
  private readonly institution = String(randomInt(1000, 10_000));
  private sequence = randomInt(0, 90_000_000);

  preLabelledBook(): ShipmentLine {
    const n = this.sequence++;
    const first12 = `978${String(n % 1_000_000_000).padStart(9, '0')}`;
    return {
      materialType: 'book',
      title: `Benchmark title ${this.institution}-${n}`,
      barcode: makeCodabarBarcode(this.institution, n),
      isbn: `${first12}${isbn13CheckDigit(first12)}`,
      // Valid LC call numbers spread over a few classes, so shelf keys differ as in a real shipment.
      callNumber: `QA${76 + (n % 20)}.${(n % 97) + 1} .B${(n % 89) + 10} ${2000 + (n % 25)}`,
      callNumberScheme: 'lc',
      securityTag: 'strip',
      preApplied: ['cover'],
    };
  }

  preLabelledBooks(count: number): ShipmentLine[] {
    return Array.from({ length: count }, () => this.preLabelledBook());
  }
}

export function shipment(items: ShipmentLine[]) {
  return { supplier: 'Benchmark Books', branch: 'CEN', items };
}
