import 'reflect-metadata';
import { doneStepViews, isAwaitingCallNumber } from './item-view';
import { ProcessingStepRecord } from './processing-step.entity';

const record = (step: string, at: string, source: 'vendor' | 'technician' = 'technician'): ProcessingStepRecord =>
  Object.assign(new ProcessingStepRecord(), { itemId: 'i', step, recordedBy: 'u', recordedAt: new Date(at), source });

describe('intake item view', () => {
  it('lists done steps in the order they were recorded, steps recorded together in profile order', () => {
    const required = ['spine-label', 'cover', 'security-tag', 'stamp'];
    const views = doneStepViews(required, [
      record('stamp', '2026-11-25T10:05:00Z'),
      record('security-tag', '2026-11-25T10:00:00Z', 'vendor'),
      record('spine-label', '2026-11-25T10:00:00Z', 'vendor'),
    ]);
    expect(views.map((v) => [v.step, v.source, v.recordedAt])).toEqual([
      ['spine-label', 'vendor', '2026-11-25T10:00:00.000Z'],
      ['security-tag', 'vendor', '2026-11-25T10:00:00.000Z'],
      ['stamp', 'technician', '2026-11-25T10:05:00.000Z'],
    ]);
  });

  it('says a physical item without a call number awaits one, and an electronic resource never does', () => {
    expect(isAwaitingCallNumber({ materialType: 'book', callNumber: null })).toBe(true);
    expect(isAwaitingCallNumber({ materialType: 'book', callNumber: 'QA76.73 .J38' })).toBe(false);
    expect(isAwaitingCallNumber({ materialType: 'e-resource', callNumber: null })).toBe(false);
  });
});
