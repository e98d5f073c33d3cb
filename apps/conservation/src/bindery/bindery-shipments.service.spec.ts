import { BinderyShipment } from './bindery-shipment.entity';
import { expectedReturn, lotNumber } from './bindery-shipments.service';
import { isOverdue } from './shipment.view';

describe('bindery lot arithmetic', () => {
  it('numbers lots by branch, UTC day and sequence', () => {
    expect(lotNumber('CEN', new Date('2026-01-05T23:30:00Z'), 3)).toBe('CEN-20260105-3');
  });

  it('expects a lot back after the turnaround in calendar days, across month ends', () => {
    expect(expectedReturn(new Date('2026-01-20T10:00:00Z'), 35).toISOString()).toBe('2026-02-24T10:00:00.000Z');
  });

  it('calls only a dispatched lot past its expected return overdue', () => {
    const now = new Date('2026-03-01T00:00:00Z');
    const lot = (status: BinderyShipment['status'], expected: string | null) => ({ status, expectedReturnAt: expected ? new Date(expected) : null }) as BinderyShipment;
    expect(isOverdue(lot('dispatched', '2026-02-28T00:00:00Z'), now)).toBe(true);
    expect(isOverdue(lot('dispatched', '2026-03-02T00:00:00Z'), now)).toBe(false);
    expect(isOverdue(lot('returned', '2026-02-28T00:00:00Z'), now)).toBe(false);
    expect(isOverdue(lot('open', null), now)).toBe(false);
  });
});
