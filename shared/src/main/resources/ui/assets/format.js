// Numbers, rates and times as people read them; all output is text.

const NUMBER = new Intl.NumberFormat('en');

export const count = (n) => NUMBER.format(n || 0);

/** 0.0421 → "4.21 %"; no volume → "–". */
export function rate(r, whole = 1) {
  if (!whole) return '–';
  return `${(Math.round((r || 0) * 10000) / 100).toFixed(2)} %`;
}

/** An ISO instant as "2026-12-07 10:00:01 UTC" (the API's times are UTC; so is this). */
export function time(iso) {
  if (!iso) return '';
  return String(iso).replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC');
}

export function json(value) {
  return typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value, null, 2);
}

/** A status as a CSS class suffix. */
export const statusClass = (status) => `status status-${String(status).toLowerCase()}`;

/** Today and n days before it, as YYYY-MM-DD in UTC. */
export function daysBack(n) {
  const to = new Date();
  const from = new Date(to.getTime() - n * 86400000);
  return { from: from.toISOString().slice(0, 10), to: to.toISOString().slice(0, 10) };
}

/** SES reviews an account at a 5 % bounce rate or a 0.1 % complaint rate: above these a rate stands out. */
export const LIMITS = { bounce: 0.05, complaint: 0.001 };
