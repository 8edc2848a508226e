// Local mode only: the outbox, the emails, SMS and push notifications the runner "sent", as a person would see them.
import { h, emailFrame } from './dom.js';
import { get, seg } from './api.js';
import { count, time } from './format.js';

export async function outbox() {
  const { total, items } = await get('/local/outbox?limit=50');
  return h('section', { class: 'outbox' },
    h('h1', {}, 'Outbox'),
    h('p', { class: 'muted' }, `What the local runner delivered, newest first: ${count(items.length)} of ${count(total)}. `
      + 'The files are in the data folder\u2019s outbox/.'),
    items.length === 0 ? h('p', { class: 'muted' }, 'Nothing sent yet.')
      : h('ol', { class: 'messages', id: 'outbox' }, items.map(item)));
}

function item(e) {
  const open = h('a', { href: `/ui/messages/${seg(e.messageId)}` }, 'Message');
  if (e.unreadable) return h('li', { class: 'message-item' }, `${e.file}: could not be read (${e.unreadable})`);
  if (e.channel === 'email') {
    return h('li', { class: 'message-item', 'data-message-id': e.messageId },
      h('p', { class: 'subject' }, e.subject || '(no subject)'),
      h('p', { class: 'meta' }, `email to ${e.to} · from ${e.from} · ${e.at} · `, open),
      h('details', {}, h('summary', {}, 'Show the email'),
        e.html ? emailFrame(e.html, `Email: ${e.subject || ''}`) : null,
        e.text ? h('pre', { class: 'text-part' }, e.text) : null));
  }
  if (e.channel === 'sms') {
    return h('li', { class: 'message-item', 'data-message-id': e.messageId },
      h('pre', { class: 'sms' }, e.body),
      h('p', { class: 'meta' }, `SMS to ${e.to} · ${count(e.segments)} segment${e.segments === 1 ? '' : 's'}, ${e.encoding} · ${time(e.at)} · `, open));
  }
  return h('li', { class: 'message-item', 'data-message-id': e.messageId },
    h('pre', { class: 'sms' }, e.message),
    h('p', { class: 'meta' }, `push to a ${e.platform} device · ${time(e.at)} · `, open));
}
