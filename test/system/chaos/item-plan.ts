import { randomInt } from 'node:crypto';
import { makeCodabarBarcode } from '@app/contracts';

/** How an item arrives: what the vendor already did decides its way to the shelf. */
export type Arrival =
  /** Call number, security strip and cover from the vendor: only the stamp is left. */
  | 'pre-labelled'
  /** Pre-labelled and already stamped: nothing left, straight to the shelvers. */
  | 'shelf-ready'
  /** No call number: waits for a cataloger, then every step including the spine label. */
  | 'unlabelled'
  /** A magazine with a local call number: cover, security tag and stamp. */
  | 'magazine';

/** What happens to it once it is on the shelf. */
export type Fate =
  | 'stays'
  | 'repaired'
  | 'repair-to-bindery'
  | 'condemned'
  | 'bound'
  | 'missing'
  | 'withdrawn';

export interface PlannedItem {
  n: number;
  barcode: string;
  arrival: Arrival;
  fate: Fate;
  title: string;
  /** The call number the vendor printed (pre-labelled, magazines) or the cataloger assigns (unlabelled). */
  callNumber: string;
  scheme: 'lc' | 'local';
}

const TO_SHELF: Record<Arrival, string[]> = {
  'pre-labelled': ['RECEIVED', 'IN_PROCESS', 'SHELF_READY', 'AVAILABLE'],
  'shelf-ready': ['RECEIVED', 'SHELF_READY', 'AVAILABLE'],
  unlabelled: ['RECEIVED', 'AWAITING_CALL_NUMBER', 'IN_PROCESS', 'SHELF_READY', 'AVAILABLE'],
  magazine: ['RECEIVED', 'IN_PROCESS', 'SHELF_READY', 'AVAILABLE'],
};

const AFTER_SHELF: Record<Fate, string[]> = {
  stays: [],
  repaired: ['IN_REPAIR', 'SHELF_READY', 'AVAILABLE'],
  'repair-to-bindery': ['IN_REPAIR', 'AWAITING_BINDERY', 'AT_BINDERY', 'SHELF_READY', 'AVAILABLE'],
  // Conservation condemns it; disposal withdraws it as damaged; the catalog records the withdrawal.
  condemned: ['IN_REPAIR', 'WITHDRAWN'],
  bound: ['AWAITING_BINDERY', 'AT_BINDERY', 'SHELF_READY', 'AVAILABLE'],
  missing: ['MISSING'],
  withdrawn: ['WITHDRAWN'],
};

/** Every status the item passes through, in order: its history must be exactly this. */
export function expectedPath(item: PlannedItem): string[] {
  return [...TO_SHELF[item.arrival], ...AFTER_SHELF[item.fate]];
}

export function finalStatus(item: PlannedItem): string {
  return expectedPath(item).at(-1)!;
}

/** Shares of each fate among the items (the rest stay on the shelf). */
const FATE_SHARES: Array<[Fate, number]> = [
  ['repaired', 0.05],
  ['repair-to-bindery', 0.02],
  ['condemned', 0.02],
  ['bound', 0.03],
  ['missing', 0.01],
  ['withdrawn', 0.07],
];

/**
 * A deterministic mix: every tenth item is shelf-ready on arrival, three in ten unlabelled, one in
 * ten a magazine, the rest pre-labelled; fates are spread over arrivals so each path is exercised.
 * Barcodes use a random institution code so runs never collide, even against attached services.
 */
export function planItems(count: number): PlannedItem[] {
  const institution = String(randomInt(1000, 10_000));
  const base = randomInt(0, 50_000_000);
  const fates: Fate[] = new Array(count).fill('stays');
  // Spread each fate evenly over the items, shifted by three each time so that it falls on every
  // kind of arrival (which repeats every ten items); a taken slot passes to the next free one.
  let offset = 1;
  for (const [fate, share] of FATE_SHARES) {
    const wanted = Math.max(1, Math.round(count * share));
    const stride = count / wanted;
    for (let k = 0; k < wanted; k++) {
      let i = (Math.floor(k * stride) + offset + 3 * k) % count;
      while (fates[i] !== 'stays') i = (i + 1) % count;
      fates[i] = fate;
    }
    offset += 1;
  }
  return Array.from({ length: count }, (_, n) => {
    const arrival: Arrival = n % 10 === 0 ? 'shelf-ready' : n % 10 === 5 ? 'magazine' : n % 10 === 1 || n % 10 === 4 || n % 10 === 7 ? 'unlabelled' : 'pre-labelled';
    const sequence = base + n;
    return {
      n,
      barcode: makeCodabarBarcode(institution, sequence),
      arrival,
      fate: fates[n],
      title: arrival === 'magazine' ? `Chaos Quarterly, issue ${n}` : `Chaos and Order, volume ${n}`,
      callNumber: arrival === 'magazine' ? `PER CHAOS ${n}` : `QA${76 + (n % 20)}.${(n % 97) + 1} .C${(n % 89) + 10} ${2000 + (n % 25)}`,
      scheme: arrival === 'magazine' ? 'local' : 'lc',
    };
  });
}

/** A shipment line as the supplier's manifest describes the item. */
export function shipmentLine(item: PlannedItem): Record<string, unknown> {
  switch (item.arrival) {
    case 'pre-labelled':
      return { materialType: 'book', title: item.title, barcode: item.barcode, callNumber: item.callNumber, callNumberScheme: 'lc', securityTag: 'strip', preApplied: ['cover'], collection: 'Adult Nonfiction' };
    case 'shelf-ready':
      return { materialType: 'book', title: item.title, barcode: item.barcode, callNumber: item.callNumber, callNumberScheme: 'lc', securityTag: 'rfid', preApplied: ['cover', 'stamp'], collection: 'Adult Nonfiction' };
    case 'unlabelled':
      return { materialType: 'book', title: item.title, barcode: item.barcode, creators: ['Lorenz, Edward'], publicationYear: 1993, collection: 'Adult Nonfiction' };
    case 'magazine':
      return { materialType: 'magazine', title: item.title, barcode: item.barcode, callNumber: item.callNumber, callNumberScheme: 'local', collection: 'Periodicals' };
  }
}

/** The steps technicians still have to record, in the order they do them (the spine label last). */
export function pendingSteps(item: PlannedItem): string[] {
  switch (item.arrival) {
    case 'pre-labelled':
      return ['stamp'];
    case 'shelf-ready':
      return [];
    case 'unlabelled':
      return ['cover', 'security-tag', 'stamp', 'spine-label'];
    case 'magazine':
      return ['cover', 'security-tag', 'stamp'];
  }
}
