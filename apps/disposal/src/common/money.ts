/** Decimal strings such as `4`, `4.5` or `4.50` (SPEC §5: money travels as a decimal string). */
export const MONEY_INPUT = /^\d{1,9}(\.\d{1,2})?$/;

/** `4.5` → `4.50`: money leaves as it is stored, numeric(12,2). */
export function normaliseMoney(amount: string): string {
  const [whole, fraction = ''] = amount.split('.');
  return `${whole.replace(/^0+(?=\d)/, '')}.${fraction.padEnd(2, '0')}`;
}
