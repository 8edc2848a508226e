// Campaigns: a campaign's page with its segment, arms, run and lift.
import { h, table } from './dom.js';
import { get, find, withQuery, seg } from './api.js';
import { count, rate } from './format.js';
import { COUNTS, definition, readOnly, fact, missing, title } from './definitions.js';

export async function campaign(id) {
  const c = await find(`/v1/campaigns/${seg(id)}`);
  if (!c) return missing('Campaign', id);
  const stats = await get(`/v1/stats/campaigns/${seg(id)}`);
  const arms = Object.entries(stats.arms || {});
  return h('section', { class: 'definition' },
    h('h1', {}, 'Campaign ', h('code', {}, c.id)),
    readOnly(),
    h('dl', { class: 'facts' }, fact('Description', c.description), fact('Channel', c.channel),
      fact('Segment', c.segment), fact('Enabled', c.enabled === false ? 'no' : 'yes')),
    h('h2', {}, 'Arms, all time'),
    arms.length === 0 ? h('p', { class: 'muted' }, 'Not run yet.')
      : table('Arms', ['Arm', 'Assigned', ...COUNTS.map(title), 'Goal conversion'], arms.map(([arm, a]) => [arm, count(a.assigned),
        ...COUNTS.map((k) => count(a[k])), rate(a.conversionRate, a.assigned)]), { class: 'numbers', id: 'arms' }),
    h('p', {}, h('a', { href: withQuery('/ui/messages', { campaignId: c.id }) }, 'Messages of this campaign')),
    definition(c));
}

/** Every campaign with its segment and whether it is enabled. */
export async function campaigns() {
  const list = (await get('/v1/campaigns')).campaigns;
  return h('section', {},
    h('h1', {}, 'Campaigns'),
    list.length === 0 ? h('p', { class: 'muted' }, 'No campaigns yet.')
      : table('Campaigns', ['Campaign', 'Segment', 'Channel', 'Enabled'], list.map((c) => [
        h('a', { href: `/ui/campaigns/${seg(c.id)}` }, c.id), c.segment, c.channel, c.enabled === false ? 'no' : 'yes']), { id: 'campaigns-list' }));
}
