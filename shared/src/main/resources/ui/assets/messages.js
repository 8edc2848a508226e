// Messages: search by trigger or campaign and period, narrowed by status and channel, paged; one message with its
// history and its content rendered now (email HTML in a sandboxed frame, the text part, SMS with its segments).
import { h, table, emailFrame } from './dom.js';
import { get, find, withQuery, seg } from './api.js';
import { count, time, statusClass } from './format.js';

export const STATUSES = ['SCHEDULED', 'READY', 'SENDING', 'SENT', 'DELIVERED', 'BOUNCED', 'COMPLAINED', 'SUPPRESSED',
  'CANCELLED', 'FAILED', 'UNKNOWN'];
const CHANNELS = ['email', 'sms', 'push', 'webhook'];
/** How long one click keeps following the cursor through messages that do not match. */
const SEARCH_MILLIS = 300;

export async function search(params, navigate) {
  const [{ triggers }, { campaigns }, { journeys }] = await Promise.all([get('/v1/triggers'), get('/v1/campaigns'), get('/v1/journeys')]);
  const chosen = ['trigger', 'campaign', 'journey'].filter((k) => params.get(`${k}Id`)).map((k) => `${k}:${params.get(`${k}Id`)}`)[0] || '';
  const source = h('select', { id: 'source', name: 'source', required: true },
    h('option', { value: '' }, 'Choose…'),
    h('optgroup', { label: 'Triggers' }, triggers.map((t) => h('option', { value: `trigger:${t.id}`, selected: chosen === `trigger:${t.id}` }, t.id))),
    h('optgroup', { label: 'Campaigns' }, campaigns.map((c) => h('option', { value: `campaign:${c.id}`, selected: chosen === `campaign:${c.id}` }, c.id))),
    h('optgroup', { label: 'Journeys' }, journeys.map((j) => h('option', { value: `journey:${j.id}`, selected: chosen === `journey:${j.id}` }, j.id))));
  const from = h('input', { id: 'from', name: 'from', type: 'date', value: params.get('from') || '' });
  const to = h('input', { id: 'to', name: 'to', type: 'date', value: params.get('to') || '' });
  const status = select('status', ['', ...STATUSES], params.get('status') || '', 'Any status');
  const channel = select('channel', ['', ...CHANNELS], params.get('channel') || '', 'Any channel');
  const form = h('form', {
    class: 'filters', 'aria-label': 'Search messages',
    onSubmit: (e) => {
      e.preventDefault();
      const [kind, id] = splitSource(source.value);
      navigate(withQuery('/ui/messages', { [`${kind}Id`]: id, from: from.value, to: to.value, status: status.value, channel: channel.value }));
    },
  },
  field('source', 'Trigger, campaign or journey', source), field('from', 'From', from), field('to', 'To', to),
  field('status', 'Status', status), field('channel', 'Channel', channel), h('button', { type: 'submit' }, 'Search'));
  const section = h('section', { class: 'messages-search' }, h('h1', {}, 'Messages'), form);
  if (!chosen) {
    section.append(h('p', { class: 'muted' }, 'Choose a trigger, a campaign or a journey to see its messages, newest first.'));
    return section;
  }
  const [kind, id] = splitSource(chosen);
  const query = { [`${kind}Id`]: id, from: params.get('from'), to: params.get('to'), status: params.get('status'), channel: params.get('channel') };
  const rows = h('tbody', {});
  const status_ = h('p', { class: 'muted', id: 'results-status', 'aria-live': 'polite' });
  const more = h('button', { type: 'button', class: 'secondary', id: 'more', hidden: true }, 'More');
  let shown = 0;
  let examined = 0;
  let next;
  const load = async () => {
    more.disabled = true;
    // A narrow filter may leave a page short or empty: follow the cursor while nothing was found, for at most
    // SEARCH_MILLIS, then say how far the search got and let the person go on (each answer stays quick).
    const started = performance.now();
    let added = 0;
    do {
      const page = await get(withQuery('/v1/messages', { ...query, limit: 50, cursor: next }));
      next = page.next;
      examined += page.examined || 0;
      page.messages.forEach((m) => rows.append(row(m)));
      added += page.messages.length;
    } while (added === 0 && next && performance.now() - started < SEARCH_MILLIS);
    shown += added;
    const plural = (n, word) => `${count(n)} ${word}${n === 1 ? '' : 's'}`;
    status_.textContent = !next
      ? (shown === 0 ? 'No messages match.' : `${plural(shown, 'message')} shown, all there are.`)
      : `${plural(shown, 'message')} shown; ${plural(examined, 'message')} of this ${kind} examined so far.`;
    more.textContent = shown === 0 ? 'Search further' : 'More';
    more.hidden = !next;
    more.disabled = false;
  };
  more.addEventListener('click', load);
  await load();
  section.append(
    h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Messages found' },
      h('table', { id: 'results' },
        h('caption', {}, `Messages of ${kind} ${id}`),
        h('thead', {}, h('tr', {}, ['Created', 'Status', 'Channel', 'User', 'Subject or reason', 'Message'].map((t) => h('th', { scope: 'col' }, t)))),
        rows)),
    status_, more);
  return section;
}

function row(m) {
  return h('tr', { 'data-message-id': m.id },
    h('td', {}, time(m.createdAt)),
    h('td', {}, h('span', { class: statusClass(m.status) }, m.status)),
    h('td', {}, m.channel),
    h('td', {}, m.userId ? h('a', { href: `/ui/users/${seg(m.userId)}` }, m.userId) : ''),
    h('td', {}, m.subject || m.reason || ''),
    h('td', {}, h('a', { href: `/ui/messages/${seg(m.id)}` }, 'Open')));
}

/** One message: what happened to it and what it says. */
export async function message(id) {
  const m = await find(`/v1/messages/${seg(id)}`);
  if (!m) return h('section', {}, h('h1', {}, 'Message ', h('code', {}, id)), h('p', { class: 'message' }, 'There is no such message.'));
  const source = m.journeyId
    ? ['Journey', h('span', {}, h('a', { href: `/ui/journeys/${seg(m.journeyId)}` }, m.journeyId), ` v${m.journeyVersion} · step ${m.stepId}`)]
    : m.campaignId
      ? ['Campaign', h('span', {}, h('a', { href: `/ui/campaigns/${seg(m.campaignId)}` }, m.campaignId), m.arm ? ` · arm ${m.arm}` : '')]
      : ['Trigger', h('a', { href: `/ui/triggers/${seg(m.triggerId)}` }, m.triggerId)];
  const facts = [
    ['Status', h('span', { class: statusClass(m.status), id: 'message-status' }, m.status)],
    ['Reason', m.reason],
    ['Channel', m.channel],
    ['User', m.userId ? h('a', { href: `/ui/users/${seg(m.userId)}` }, m.userId) : null],
    source,
    ['Template', m.templateId ? h('a', { href: `/ui/templates/${seg(m.templateId)}` }, m.templateId) : null],
    ['Event', m.campaignId ? null : m.eventId],
    ['Journey instance', m.instanceId ? h('a', { href: `/ui/users/${seg(m.userId)}` }, m.instanceId) : null],
    ['Created', time(m.createdAt)],
    ['Due', time(m.dueAt)],
    ['Provider id', m.providerMessageId],
    ['SMS segments', m.smsSegments],
  ].filter(([, v]) => v !== undefined && v !== null && v !== '');
  return h('section', { class: 'message-page' },
    h('h1', {}, m.subject ? m.subject : `Message ${m.id}`),
    h('p', { class: 'muted' }, 'Message ', h('code', {}, m.id)),
    h('dl', { class: 'facts' }, facts.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    h('h2', {}, 'History'),
    history(m.history),
    h('h2', {}, 'Content'),
    content(m.rendered || { unavailable: 'not available' }));
}

export function history(entries) {
  return h('ol', { class: 'history', 'aria-label': 'History' },
    (entries || []).map((e) => h('li', {}, h('time', { datetime: e.at }, time(e.at)), ' ', h('span', { class: statusClass(e.status) }, e.status),
      e.reason ? ` ${e.reason}` : '')));
}

/** The content as rendered now; email HTML only ever inside a sandboxed frame. */
export function content(r) {
  if (r.unavailable) return h('p', { class: 'muted', id: 'content-unavailable' }, `Cannot show the content: ${r.unavailable}.`);
  const note = r.note ? h('p', { class: 'muted' }, `Note: ${r.note}.`) : null;
  if (r.channel === 'email') {
    return h('div', { class: 'content' }, note,
      h('p', {}, h('strong', {}, 'Subject: '), r.subject || ''),
      r.html ? emailFrame(r.html, 'Email preview') : h('p', { class: 'muted' }, 'No HTML part.'),
      h('p', { class: 'muted' }, 'The preview runs no scripts and loads no remote images.'),
      h('h3', {}, 'Text part'),
      r.text ? h('pre', { class: 'text-part' }, r.text) : h('p', { class: 'muted' }, 'No text part.'));
  }
  if (r.channel === 'sms') {
    return h('div', { class: 'content' }, note, h('pre', { class: 'sms', id: 'sms-body' }, r.body),
      h('p', { id: 'sms-segments' }, `${count(r.segments)} segment${r.segments === 1 ? '' : 's'}, ${r.encoding}`));
  }
  if (r.channel === 'webhook') return h('div', { class: 'content' }, note, webhookRequest(r));
  return h('div', { class: 'content' }, note, h('p', {}, h('strong', {}, r.title || '')), h('p', {}, r.body || ''));
}

/** A webhook request as rendered: method and URL, the template's headers, the body (Nudge adds its own headers when sending). */
export function webhookRequest(r) {
  return [h('p', { id: 'webhook-request' }, h('code', {}, `${r.method} ${r.url}`)),
    Object.keys(r.headers || {}).length ? h('pre', { class: 'text-part', id: 'webhook-headers' },
      Object.entries(r.headers).map(([k, v]) => `${k}: ${v}`).join('\n')) : null,
    h('pre', { class: 'text-part', id: 'webhook-body' }, r.body || ''),
    h('p', { class: 'muted' }, 'Sent with Idempotency-Key (the message id), User-Agent and, with a secret, Nudge-Signature.')];
}

function select(id, values, current, anyLabel) {
  return h('select', { id, name: id }, values.map((v) => h('option', { value: v, selected: v === current }, v || anyLabel)));
}

function field(id, label, input) {
  return h('div', { class: 'field' }, h('label', { for: id }, label), input);
}

function splitSource(value) {
  const at = value.indexOf(':');
  return [value.slice(0, at), value.slice(at + 1)];
}
