import 'reflect-metadata';
import { canTransition, ITEM_STATUSES, ItemStatus } from '@app/contracts';
import { effectOfProcessed, statusAfterCallNumber, statusAfterReceipt } from './processing-flow';

describe('processing flow', () => {
  describe('statusAfterReceipt', () => {
    it('makes an electronic resource available at once, call number or not', () => {
      expect(statusAfterReceipt({ materialType: 'e-resource', hasCallNumber: false, pendingSteps: [] })).toBe(ItemStatus.AVAILABLE);
      expect(statusAfterReceipt({ materialType: 'e-resource', hasCallNumber: true, pendingSteps: ['stamp'] })).toBe(ItemStatus.AVAILABLE);
    });

    it('sends a physical item without a call number to the catalogers, even with nothing left to process', () => {
      expect(statusAfterReceipt({ materialType: 'book', hasCallNumber: false, pendingSteps: ['cover'] })).toBe(ItemStatus.AWAITING_CALL_NUMBER);
      expect(statusAfterReceipt({ materialType: 'newspaper', hasCallNumber: false, pendingSteps: [] })).toBe(ItemStatus.AWAITING_CALL_NUMBER);
    });

    it('puts a pre-labelled item into processing while steps remain, else straight to the shelvers', () => {
      expect(statusAfterReceipt({ materialType: 'book', hasCallNumber: true, pendingSteps: ['cover'] })).toBe(ItemStatus.IN_PROCESS);
      expect(statusAfterReceipt({ materialType: 'magazine', hasCallNumber: true, pendingSteps: [] })).toBe(ItemStatus.SHELF_READY);
    });

    it('only ever names a status that RECEIVED may move to', () => {
      for (const materialType of ['book', 'e-resource'] as const) {
        for (const hasCallNumber of [true, false]) {
          for (const pendingSteps of [[], ['stamp']]) {
            expect(canTransition(ItemStatus.RECEIVED, statusAfterReceipt({ materialType, hasCallNumber, pendingSteps }))).toBe(true);
          }
        }
      }
    });
  });

  it('moves an item with its call number to processing, or to the shelvers when processing is done', () => {
    expect(statusAfterCallNumber(false)).toBe(ItemStatus.IN_PROCESS);
    expect(statusAfterCallNumber(true)).toBe(ItemStatus.SHELF_READY);
  });

  describe('effectOfProcessed', () => {
    it('moves an item in process to shelf-ready and remembers it for one still awaiting a call number', () => {
      expect(effectOfProcessed(ItemStatus.IN_PROCESS)).toBe('to-shelf-ready');
      expect(effectOfProcessed(ItemStatus.AWAITING_CALL_NUMBER)).toBe('remember');
    });

    it('ignores the event for every status past processing, so it never moves an item backwards', () => {
      const past = ITEM_STATUSES.filter((s) => ![ItemStatus.RECEIVED, ItemStatus.AWAITING_CALL_NUMBER, ItemStatus.IN_PROCESS].includes(s));
      for (const status of past) expect(effectOfProcessed(status)).toBe('ignore');
    });
  });
});
