// Triggers: the list, a trigger's page, its editor and its test panel.
import { h } from './dom.js';
import { get, find, withQuery, seg } from './api.js';
import { daysBack } from './format.js';
import { COUNTS, totals, definition, readOnly, fact, missing } from './definitions.js';

export async function trigger(id) {
  const t = await find(`/v1/triggers/${seg(id)}`);
  if (!t) return missing('Trigger', id);
  const period = daysBack(6);
  const stats = await get(withQuery(`/v1/stats/triggers/${seg(id)}`, period));
  return h('section', { class: 'definition' },
    h('h1', {}, 'Trigger ', h('code', {}, t.id)),
    readOnly(),
    h('dl', { class: 'facts' },
      fact('Description', t.description), fact('Event', t.event), fact('Channel', t.channel),
      fact('Enabled', t.enabled === false ? 'no' : 'yes'),
      fact('Template', t.template ? h('a', { href: `/ui/templates/${seg(t.template)}` }, t.template) : null)),
    h('h2', {}, 'Conditions'),
    (t.conditions || []).length === 0 ? h('p', { class: 'muted' }, 'None: every event of this name matches.')
      : h('ol', { class: 'conditions', start: '0' }, t.conditions.map((c) => h('li', {}, h('code', {}, c.path), ` ${c.op} `,
        'value' in c ? h('code', {}, JSON.stringify(c.value)) : ''))),
    h('h2', {}, `Last 7 days (${period.from} to ${period.to})`),
    totals(stats),
    h('p', {}, h('a', { href: withQuery('/ui/messages', { triggerId: t.id, ...period }) }, 'Messages of this trigger')),
    definition(t));
}

export async function triggers() {
  return h('section', {}, h('h1', {}, 'Triggers'));
}
