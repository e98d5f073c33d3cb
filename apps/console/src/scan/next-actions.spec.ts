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
});
