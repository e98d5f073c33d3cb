import { ItemStatus } from '@app/contracts';
import { ItemFacts, nextActions } from './next-actions';

const technician = { technician: true, cataloger: false };
const cataloger = { technician: false, cataloger: true };
const item = (facts: Partial<ItemFacts>): ItemFacts => ({
  ref: '31234000000016',
  status: ItemStatus.AVAILABLE,
  physical: true,
  hasCallNumber: true,
  pendingSteps: [],
  ...facts,
});
const ids = (result: ReturnType<typeof nextActions>) => result.actions.map((a) => a.id);

describe('the next actions at the scan station', () => {
  it('offers one button per pending processing step, the first one primary, through the intake proxy', () => {
    const result = nextActions(item({ status: ItemStatus.IN_PROCESS, pendingSteps: ['cover', 'stamp'] }), technician);
    expect(ids(result)).toEqual(['step:cover', 'step:stamp']);
    expect(result.actions[0]).toMatchObject({ primary: true, method: 'POST', path: '/api/intake/items/31234000000016/steps', body: { step: 'cover' } });
  });

  it('holds the spine label back until a call number exists, and says who is waited for', () => {
    const result = nextActions(item({ status: ItemStatus.AWAITING_CALL_NUMBER, hasCallNumber: false, pendingSteps: ['spine-label', 'cover'] }), technician);
    expect(ids(result)).toEqual(['step:cover']);
    expect(result.notes).toEqual(['The spine label waits for a call number from a cataloger.', 'Waiting for a cataloger to assign a call number (it is on their queue).']);
  });

  it('lets a cataloger assign a call number, asking for the number and scheme, and nothing a technician does', () => {
    const result = nextActions(item({ status: ItemStatus.AWAITING_CALL_NUMBER, hasCallNumber: false, pendingSteps: ['spine-label', 'cover'] }), cataloger);
    expect(ids(result)).toEqual(['assign-call-number']);
    expect(result.actions[0]).toMatchObject({ method: 'PUT', path: '/api/cataloging/items/31234000000016/call-number' });
    expect(result.actions[0].fields!.map((f) => f.name)).toEqual(['callNumber', 'scheme']);
  });

  it('shelves a shelf-ready item', () => {
    expect(ids(nextActions(item({ status: ItemStatus.SHELF_READY }), technician))).toEqual(['shelve', 'pull-repair', 'pull-binding']);
  });

  it('pulls an item on the shelf for repair or binding in one go, through the console', () => {
    const result = nextActions(item({}), technician);
    expect(ids(result)).toEqual(['pull-repair', 'pull-binding']);
    expect(result.actions[0]).toMatchObject({ path: '/console-api/items/31234000000016/pull', body: { reason: 'repair' } });
  });

  it('confirms an open pull request instead of opening another', () => {
    const result = nextActions(item({ openPull: { id: 'p-1', reason: 'binding' } }), technician);
    expect(ids(result)).toEqual(['pulled', 'pull-not-found']);
    expect(result.actions[0].path).toBe('/api/conservation/pull-requests/p-1/pulled');
  });

  it('withdraws an approved weeding candidate', () => {
    expect(ids(nextActions(item({ approvedWeeding: { id: 'c-1' } }), technician))).toEqual(['weed', 'weed-not-found']);
  });

  it('completes an open repair, and says so when conservation has not opened it yet', () => {
    const open = nextActions(item({ status: ItemStatus.IN_REPAIR, openRepair: { id: 'r-1' } }), technician);
    expect(open.actions[0]).toMatchObject({ id: 'complete-repair', path: '/api/conservation/repairs/r-1/complete' });
    expect(open.actions[0].fields!.map((f) => f.name)).toEqual(['treatment', 'outcome', 'minutes', 'note']);
    expect(nextActions(item({ status: ItemStatus.IN_REPAIR }), technician).notes[0]).toMatch(/scan it again/);
  });

  it('returns an item from its bindery lot', () => {
    const result = nextActions(item({ status: ItemStatus.AT_BINDERY, binderyLot: { id: 'l-1', lotNumber: 'CEN-20260101-1' } }), technician);
    expect(result.actions[0]).toMatchObject({ id: 'bindery-return', path: '/api/conservation/bindery/shipments/l-1/returns', body: { barcodes: ['31234000000016'] } });
  });

  it('offers a cataloger nothing on the shelf, and says there is nothing to do', () => {
    const result = nextActions(item({}), cataloger);
    expect(result.actions).toEqual([]);
    expect(result.notes).toEqual(['Nothing to do with this item at the scan station.']);
  });

  it('escapes the barcode in paths', () => {
    expect(nextActions(item({ ref: 'a/b', status: ItemStatus.SHELF_READY }), technician).actions[0].path).toBe('/api/cataloging/items/a%2Fb/shelve');
  });

  describe('bindery lots for an item pulled for binding', () => {
    const waiting = (facts: Partial<ItemFacts>) => item({ status: ItemStatus.AWAITING_BINDERY, title: 'Journal of Tests', callNumber: 'QA76 .J6', ...facts });
    const openLot = { id: 'l-1', lotNumber: 'CEN-20260101-1', vendorName: 'Acme Bindery', lineCount: 2 };

    it('adds it to an open lot or a new lot with a known vendor, asking for the binding slip with the spine lettering filled in', () => {
      const result = nextActions(waiting({ binderyChoices: { openLots: [openLot], vendors: [{ id: 'v-1', name: 'Acme Bindery' }] } }), technician);
      expect(ids(result)).toEqual(['bindery-add']);
      const add = result.actions[0];
      expect(add).toMatchObject({ method: 'POST', path: '/console-api/items/31234000000016/bindery', primary: true });
      expect(add.fields!.map((f) => f.name)).toEqual(['lot', 'bindingStyle', 'leafAttachment', 'clothColor', 'foilColor', 'spineLettering', 'instructions']);
      expect(add.fields![0].options).toEqual([
        ['lot:l-1', 'Lot CEN-20260101-1 — Acme Bindery, 2 items'],
        ['vendor:v-1', 'New lot with Acme Bindery'],
      ]);
      expect(add.fields!.find((f) => f.name === 'spineLettering')!.value).toBe('JOURNAL OF TESTS / QA76 .J6');
      expect(add.fields!.filter((f) => f.required).map((f) => f.name)).toEqual(['lot', 'bindingStyle', 'leafAttachment', 'clothColor', 'foilColor', 'spineLettering']);
    });

    it('offers the dispatch of the lot it is a line of, naming the lot and how many items go', () => {
      const result = nextActions(waiting({ preparingLot: { id: 'l-1', lotNumber: 'CEN-20260101-1', lineNo: 3, lineCount: 3 } }), technician);
      expect(ids(result)).toEqual(['bindery-dispatch']);
      expect(result.actions[0]).toMatchObject({ label: 'Dispatch lot CEN-20260101-1 (3 items)', method: 'POST', path: '/api/conservation/bindery/shipments/l-1/dispatch', primary: true });
      expect(result.actions[0].fields).toBeUndefined();
      expect(result.notes[0]).toBe('Line 3 of bindery lot CEN-20260101-1 (3 items), being prepared. Binding slips: Queues → Bindery lots.');
    });

    it('says whom to ask when no lot is open and no vendor is known', () => {
      const result = nextActions(waiting({ binderyChoices: { openLots: [], vendors: [] } }), technician);
      expect(result.actions).toEqual([]);
      expect(result.notes[0]).toMatch(/^No bindery lot is being prepared for this branch and no bindery vendor is known to you: ask an administrator/);
    });

    it('offers a cataloger no bindery work, only where the item stands', () => {
      const result = nextActions(waiting({ preparingLot: { id: 'l-1', lotNumber: 'CEN-20260101-1', lineNo: 1, lineCount: 1 }, binderyChoices: undefined }), cataloger);
      expect(result.actions).toEqual([]);
      expect(result.notes).toEqual(['Line 1 of bindery lot CEN-20260101-1 (1 item), being prepared. Binding slips: Queues → Bindery lots.']);
      expect(nextActions(waiting({ binderyChoices: { openLots: [openLot], vendors: [] } }), cataloger).actions).toEqual([]);
    });

    it('escapes the lot id in the dispatch path', () => {
      const result = nextActions(waiting({ preparingLot: { id: 'a/b', lotNumber: 'X', lineNo: 1, lineCount: 1 } }), technician);
      expect(result.actions[0].path).toBe('/api/conservation/bindery/shipments/a%2Fb/dispatch');
    });
  });

  describe('sale of a withdrawn item', () => {
    it("lists it for sale through disposal, asking for the condition and optionally a price", () => {
      const result = nextActions(item({ status: ItemStatus.WITHDRAWN }), technician);
      expect(ids(result)).toEqual(['list-for-sale']);
      expect(result.actions[0]).toMatchObject({ method: 'POST', path: '/api/disposal/listings', body: { barcode: '31234000000016' }, primary: true, done: 'listed for sale' });
      expect(result.actions[0].fields!.map((f) => [f.name, !!f.required])).toEqual([['condition', true], ['price', false]]);
      expect(result.actions[0].fields![0].options!.map(([value]) => value)).toEqual(['like-new', 'very-good', 'good', 'acceptable']);
    });

    it('offers a cataloger no sale, and says an item on sale is on the listings', () => {
      expect(nextActions(item({ status: ItemStatus.WITHDRAWN }), cataloger).actions).toEqual([]);
      const listed = nextActions(item({ status: ItemStatus.LISTED_FOR_SALE }), technician);
      expect(listed.actions).toEqual([]);
      expect(listed.notes).toEqual(['On sale (Queues → Listings).']);
    });
  });
});
