// Topics people choose to hear about: each with its default, channels and numbers (explicit choices, the last 30
// days' changes, its messages' unsubscribe and complaint rates).
import { h, table } from './dom.js';
import { get, seg } from './api.js';
import { count, rate } from './format.js';

export async function topics() {
  const { topics: list } = await get('/v1/topics');
  const rows = await Promise.all(list.map(async (t) => {
    const stats = await get(`/v1/stats/topics/${seg(t.id)}`);
    const explicit = Object.entries(stats.explicit)
      .map(([channel, c]) => `${channel}: ${count(c.subscribed)} subscribed, ${count(c.unsubscribed)} unsubscribed`).join('; ') || 'none yet';
    const m = stats.messages;
    return [t.name, t.id, t.default, t.channels.join(', '), explicit, count(m.sent), rate(m.unsubscribeRate, m.sent), rate(m.complaintRate, m.sent)];
  }));
  return h('section', { class: 'topics' },
    h('h1', {}, 'Topics'),
    h('p', { class: 'muted' }, 'What people choose to hear about. A marketing message of a topic goes only to people subscribed to it, '
      + 'by their choice on the preference page or the topic\'s default. Explicit choices are counted as they happen; '
      + 'people on the default are not counted one by one. Rates cover the last 30 days. Topics are defined with PUT /v1/topics/{id}.'),
    list.length === 0 ? h('p', { class: 'muted', id: 'no-topics' }, 'No topics yet.')
      : table('Topics', ['Name', 'Id', 'Default', 'Channels', 'Explicit choices', 'Sent (30 days)', 'Unsubscribe rate', 'Complaint rate'],
        rows, { id: 'topics-table' }));
}
