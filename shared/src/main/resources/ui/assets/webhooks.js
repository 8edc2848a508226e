// The stream out: webhook subscriptions (create — the secret shown once —, rotate, enable, delete) and each one's
// delivery attempts, newest first.
import { h, table } from './dom.js';
import { get, send, withQuery, seg, ApiError } from './api.js';
import { time } from './format.js';

const TYPES = ['message.sent', 'message.delivered', 'message.bounced', 'message.complained', 'message.opened',
  'message.clicked', 'message.failed', 'message.suppressed', 'message.converted', 'user.unsubscribed', 'user.subscribed',
  'journey.entered', 'journey.exited'];

export async function webhooks(navigate) {
  const { webhooks: list } = await get('/v1/webhooks');
  const id = h('input', { id: 'webhook-id', name: 'id', required: true, autocomplete: 'off', placeholder: 'warehouse', pattern: '[A-Za-z0-9_-]{1,64}' });
  const url = h('input', { id: 'webhook-url', name: 'url', type: 'url', required: true, autocomplete: 'off', placeholder: 'https://hooks.example.com/nudge' });
  const boxes = TYPES.map((t) => h('input', { type: 'checkbox', id: `webhook-type-${t}`, name: 'events', value: t, checked: t === 'message.sent' }));
  const types = h('fieldset', { class: 'types' }, h('legend', {}, 'Events'),
    TYPES.map((t, i) => h('label', { for: `webhook-type-${t}`, class: 'check' }, boxes[i], ` ${t}`)));
  const addresses = h('input', { type: 'checkbox', id: 'webhook-addresses', name: 'includeAddresses' });
  const problem = h('p', { class: 'message', role: 'alert', id: 'webhook-problem' });
  const shown = h('div', { id: 'webhook-secret', 'aria-live': 'polite' });
  const form = h('form', {
    class: 'filters', 'aria-label': 'Subscribe an endpoint',
    onSubmit: async (e) => {
      e.preventDefault();
      const events = boxes.filter((b) => b.checked).map((b) => b.value);
      try {
        const made = await send('PUT', `/v1/webhooks/${seg(id.value.trim())}`, { url: url.value.trim(), events, includeAddresses: addresses.checked });
        problem.textContent = '';
        if (made.secret) {
          shown.replaceChildren(secretCard(`Subscription "${made.id}"`, made.secret));
        } else {
          navigate('/ui/webhooks');
        }
        tbody.append(row(made));
      } catch (err) {
        problem.textContent = err instanceof ApiError ? `Not saved: ${err.message}` : String(err);
      }
    },
  }, field('webhook-id', 'Id', id), field('webhook-url', 'URL', url), types,
  h('label', { for: 'webhook-addresses', class: 'check' }, addresses, ' Include email addresses and phone numbers'),
  h('button', { type: 'submit' }, 'Save subscription'));
  const row = (w) => h('tr', { 'data-webhook-id': w.id },
    h('th', { scope: 'row' }, h('a', { href: `/ui/webhooks/${seg(w.id)}` }, w.id)), h('td', {}, w.url), h('td', {}, w.events.join(', ')),
    h('td', {}, w.enabled ? 'on' : 'off'), h('td', {}, w.includeAddresses ? 'yes' : 'no'), h('td', {}, time(w.updatedAt)),
    h('td', {}, h('button', {
      type: 'button', class: 'secondary', 'aria-label': `Rotate the secret of ${w.id}`,
      onClick: async () => {
        if (!window.confirm(`A new secret for "${w.id}"? The current one keeps signing for 24 hours.`)) return;
        const rotated = await send('POST', `/v1/webhooks/${seg(w.id)}/rotate-secret`);
        shown.replaceChildren(secretCard(`New secret of "${w.id}" (the old one signs until ${time(rotated.previousSecretExpiresAt)})`, rotated.secret));
      },
    }, 'Rotate secret'), ' ', h('button', {
      type: 'button', class: 'secondary danger', 'aria-label': `Delete the subscription ${w.id}`,
      onClick: async () => {
        if (!window.confirm(`Delete "${w.id}"? Its endpoint gets no more events; events waiting for a retry are dropped.`)) return;
        await send('DELETE', `/v1/webhooks/${seg(w.id)}`);
        navigate('/ui/webhooks');
      },
    }, 'Delete')));
  const tbody = h('tbody', {}, list.map(row));
  return h('section', { class: 'webhooks' },
    h('h1', {}, 'Webhooks'),
    h('p', { class: 'muted' }, 'Every send, delivery, bounce, open, click and opt-out, signed, to your own systems: a warehouse, a CRM, a support tool. ',
      'Each request carries Nudge-Signature and the event id as Idempotency-Key; a user\'s events arrive in order.'),
    form, problem, shown,
    h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Subscriptions' },
      h('table', { id: 'webhooks-table' }, h('caption', {}, 'Subscriptions'),
        h('thead', {}, h('tr', {}, ['Id', 'URL', 'Events', 'Enabled', 'Addresses', 'Changed', ''].map((t) => h('th', { scope: 'col' }, t)))),
        tbody)));
}

/** One subscription's delivery attempts, newest first, a page at a time. */
export async function webhook(id, navigate, params) {
  const subscription = await get(`/v1/webhooks/${seg(id)}`);
  const page = await get(withQuery(`/v1/webhooks/${seg(id)}/deliveries`, { limit: 50, cursor: params.get('cursor') }));
  const toggle = h('button', {
    type: 'button', class: 'secondary', id: 'webhook-toggle',
    onClick: async () => {
      await send('PUT', `/v1/webhooks/${seg(id)}`, { url: subscription.url, events: subscription.events,
        includeAddresses: subscription.includeAddresses, enabled: !subscription.enabled });
      navigate(`/ui/webhooks/${seg(id)}`);
    },
  }, subscription.enabled ? 'Disable' : 'Enable');
  const rows = page.deliveries.map((d) => [time(d.at), d.type, d.eventId, String(d.attempt), d.outcome,
    d.statusCode === undefined ? '' : String(d.statusCode), d.latencyMs === undefined ? '' : `${d.latencyMs} ms`, d.error || '']);
  return h('section', { class: 'webhook' },
    h('p', {}, h('a', { href: '/ui/webhooks' }, '← Webhooks')),
    h('h1', {}, `Webhook "${subscription.id}"`),
    h('p', {}, `${subscription.url} · ${subscription.events.join(', ')} · ${subscription.enabled ? 'enabled' : 'disabled'} `, toggle),
    page.deliveries.length === 0 ? h('p', { class: 'muted', id: 'no-deliveries' }, 'No attempts in the last 7 days.')
      : table('Delivery attempts, newest first', ['At', 'Event', 'Event id', 'Attempt', 'Outcome', 'Status', 'Latency', 'Error'], rows,
        { id: 'deliveries-table' }),
    page.cursor ? h('p', {}, h('a', { href: withQuery(`/ui/webhooks/${seg(id)}`, { cursor: page.cursor }) }, 'Older attempts')) : null);
}

function secretCard(title, secret) {
  const input = h('input', { id: 'webhook-secret-value', readonly: true, value: secret, spellcheck: 'false' });
  return h('div', { class: 'card' }, h('h2', {}, title),
    h('p', {}, 'Copy the signing secret now: Nudge will not show it again. Your endpoint checks Nudge-Signature with it.'),
    h('label', { for: 'webhook-secret-value' }, 'Signing secret'), input);
}

function field(forId, label, input) {
  return h('div', { class: 'field' }, h('label', { for: forId }, label), input);
}
