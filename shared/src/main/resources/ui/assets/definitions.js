// What the pages of triggers, templates and campaigns share: facts, counters, the stored definition, a missing one.
import { h, table } from './dom.js';
import { count, json } from './format.js';

export const COUNTS = ['triggered', 'sent', 'delivered', 'opened', 'clicked', 'converted', 'bounced', 'complained', 'failed'];

export function totals(stats) {
  const t = stats.totals || {};
  return table('Totals', COUNTS.map(title), [COUNTS.map((k) => count(t[k]))], { class: 'numbers' });
}

export function definition(doc) {
  return h('details', { class: 'raw' }, h('summary', {}, 'The stored definition'), h('pre', {}, json(doc)));
}

export function readOnly() {
  return h('p', { class: 'muted' }, 'Read-only here for now; change it through the API (PUT) or examples/.');
}

export function fact(name, value) {
  return value === undefined || value === null || value === '' ? null : [h('dt', {}, name), h('dd', {}, value)];
}

export function missing(kind, id) {
  return h('section', {}, h('h1', {}, `${kind} `, h('code', {}, id)), h('p', { class: 'message' }, `There is no such ${kind.toLowerCase()}.`));
}

export const title = (s) => s[0].toUpperCase() + s.slice(1);
