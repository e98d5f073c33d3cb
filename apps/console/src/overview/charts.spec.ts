import { barChart, barPercent, stackLayout } from './charts';
import { fromCents, mapLimit, toCents } from './overview.service';

describe('charts', () => {
  it('scales bars to the largest value, keeping a non-zero value visible and zero empty', () => {
    expect(barPercent(50, 200)).toBe(25);
    expect(barPercent(1, 100_000)).toBe(1);
    expect(barPercent(0, 10)).toBe(0);
    expect(barPercent(5, 0)).toBe(0);
  });

  it('lays segments end to end, skipping empty ones and ending exactly at 100', () => {
    const placed = stackLayout([
      { key: 'A', label: 'a', value: 1 },
      { key: 'B', label: 'b', value: 0 },
      { key: 'C', label: 'c', value: 2 },
    ]);
    expect(placed.map((s) => [s.key, s.x, s.width])).toEqual([
      ['A', 0, 33.33],
      ['C', 33.33, 66.67],
    ]);
    expect(stackLayout([{ key: 'A', label: 'a', value: 0 }])).toEqual([]);
  });

  it('prints every number beside its bar and escapes labels', () => {
    const chart = barChart([{ label: '<b>Shelve</b>', value: 3 }], 'Work').value;
    expect(chart).toContain('&lt;b&gt;Shelve&lt;/b&gt;');
    expect(chart).toContain('<span class="bar-value">3');
  });
});

describe('overview helpers', () => {
  it('adds money exactly in cents', () => {
    expect(fromCents(toCents('0.10') + toCents('0.20'))).toBe('0.30');
    expect(fromCents(toCents('12.5') + toCents('7'))).toBe('19.50');
  });

  it('runs at most the given number of tasks at once, keeping the order of results', async () => {
    let running = 0;
    let peak = 0;
    const results = await mapLimit([1, 2, 3, 4, 5], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
      return n * 10;
    });
    expect(results).toEqual([10, 20, 30, 40, 50]);
    expect(peak).toBe(2);
  });
});
