import 'reflect-metadata';
import { doneStepViews, isAwaitingCallNumber } from './item-view';
import { ProcessingStepRecord } from './processing-step.entity';

const record = (step: string, at: string, recordedBy = 'tech-tom'): ProcessingStepRecord =>
  Object.assign(new ProcessingStepRecord(), { itemId: 'i', step, recordedBy, recordedAt: new Date(at) });

describe('intake item view', () => {
  it("lists the vendor's steps first, as recorded at receipt in profile order, then the technicians' in the order they were recorded", () => {
    const item = {
      requiredSteps: ['spine-label', 'cover', 'security-tag', 'stamp', 'date-stamp'],
      vendorSteps: ['security-tag', 'spine-label'],
      receivedBy: 'tech-rita',
      createdAt: new Date('2026-11-25T10:00:00Z'),
    };
    const views = doneStepViews(item, [
      record('date-stamp', '2026-11-25T10:05:00Z', 'tech-ted'),
      record('stamp', '2026-11-25T10:05:00Z'),
      record('cover', '2026-11-25T10:01:00Z'),
    ]);
    expect(views).toEqual([
      { step: 'spine-label', source: 'vendor', recordedBy: 'tech-rita', recordedAt: '2026-11-25T10:00:00.000Z' },
      { step: 'security-tag', source: 'vendor', recordedBy: 'tech-rita', recordedAt: '2026-11-25T10:00:00.000Z' },
      { step: 'cover', source: 'technician', recordedBy: 'tech-tom', recordedAt: '2026-11-25T10:01:00.000Z' },
      { step: 'stamp', source: 'technician', recordedBy: 'tech-tom', recordedAt: '2026-11-25T10:05:00.000Z' },
      { step: 'date-stamp', source: 'technician', recordedBy: 'tech-ted', recordedAt: '2026-11-25T10:05:00.000Z' },
    ]);
  });

  it('says a physical item without a call number awaits one, and an electronic resource never does', () => {
    expect(isAwaitingCallNumber({ materialType: 'book', callNumber: null })).toBe(true);
    expect(isAwaitingCallNumber({ materialType: 'book', callNumber: 'QA76.73 .J38' })).toBe(false);
    expect(isAwaitingCallNumber({ materialType: 'e-resource', callNumber: null })).toBe(false);
  });
});
