// Suppressions (list by channel, add, remove) and API keys (create — the secret shown once —, list, revoke).
import { h, table } from './dom.js';
import { get, send, withQuery, seg, ApiError } from './api.js';
import { time } from './format.js';

const REASONS = ['manual', 'bounced', 'complained', 'unsubscribed'];

export async function suppressions(params, navigate) {
  const channel = params.get('channel') === 'sms' ? 'sms' : 'email';
  const page = await get(withQuery('/v1/suppressions', { channel, limit: 100, after: params.get('after') }));
  const choose = h('select', { id: 'suppression-channel', name: 'channel', onChange: () => navigate(withQuery('/ui/suppressions', { channel: choose.value })) },
    ['email', 'sms'].map((c) => h('option', { value: c, selected: c === channel }, c === 'email' ? 'Email addresses' : 'Phone numbers')));
  const address = h('input', { id: 'new-address', name: 'address', required: true, autocomplete: 'off',
    placeholder: channel === 'email' ? 'ada@example.com' : '+4915112345678' });
  const reason = h('select', { id: 'new-reason', name: 'reason' }, REASONS.map((r) => h('option', { value: r }, r)));
  const problem = h('p', { class: 'message', role: 'alert', id: 'suppression-problem' });
  const add = h('form', {
    class: 'filters', 'aria-label': 'Suppress an address',
    onSubmit: async (e) => {
      e.preventDefault();
      try {
        await send('PUT', `/v1/suppressions/${channel}/${seg(address.value.trim())}`, { reason: reason.value });
        navigate(withQuery('/ui/suppressions', { channel }));
      } catch (err) {
        problem.textContent = err instanceof ApiError ? `Not added: ${err.message}` : String(err);
      }
    },
  }, field('new-address', channel === 'email' ? 'Email address' : 'Phone number', address), field('new-reason', 'Reason', reason),
  h('button', { type: 'submit' }, 'Suppress'));
  const rows = page.suppressions.map((s) => [
    s.address, s.reason, s.source, time(s.at),
    h('button', {
      type: 'button', class: 'secondary danger', 'aria-label': `Remove ${s.address} from the list`,
      onClick: async () => {
        if (!window.confirm(`Remove ${s.address} from the suppression list? Nudge will send to it again.`)) return;
        await send('DELETE', `/v1/suppressions/${channel}/${seg(s.address)}`);
        navigate(withQuery('/ui/suppressions', { channel }));
      },
    }, 'Remove'),
  ]);
  return h('section', { class: 'suppressions' },
    h('h1', {}, 'Suppressions'),
    h('p', { class: 'muted' }, 'Nudge sends nothing to these. Bounces, complaints and STOP replies add to the list by themselves.'),
    h('div', { class: 'inline' }, h('label', { for: 'suppression-channel' }, 'Show'), choose),
    add, problem,
    page.suppressions.length === 0 ? h('p', { class: 'muted', id: 'no-suppressions' }, 'None.')
      : table(`Suppressed ${channel === 'email' ? 'email addresses' : 'phone numbers'}`, ['Address', 'Reason', 'Source', 'Since', ''], rows, { id: 'suppressions-table' }),
    page.next ? h('p', {}, h('a', { href: withQuery('/ui/suppressions', { channel, after: page.next }) }, 'Next page')) : null);
}

export async function keys(navigate) {
  const { keys: list } = await get('/v1/keys');
  const name = h('input', { id: 'key-name', name: 'name', required: true, autocomplete: 'off', placeholder: 'backend' });
  const scope = h('select', { id: 'key-scope', name: 'scope' },
    h('option', { value: 'ingest' }, 'ingest: post events and profiles'), h('option', { value: 'admin' }, 'admin: everything, the console too'));
  const problem = h('p', { class: 'message', role: 'alert', id: 'key-problem' });
  const created = h('div', { id: 'created-key', 'aria-live': 'polite' });
  const form = h('form', {
    class: 'filters', 'aria-label': 'Create a key',
    onSubmit: async (e) => {
      e.preventDefault();
      try {
        const made = await send('POST', '/v1/keys', { name: name.value.trim(), scope: scope.value });
        const secret = h('input', { id: 'new-key', readonly: true, value: made.key, spellcheck: 'false' });
        const copied = h('span', { class: 'muted', 'aria-live': 'polite' });
        created.replaceChildren(h('div', { class: 'card' },
          h('h2', {}, `Key "${made.name}" (${made.scope})`),
          h('p', {}, 'Copy it now: Nudge keeps only its hash and will not show it again.'),
          h('label', { for: 'new-key' }, 'The key'), secret,
          h('p', {}, h('button', {
            type: 'button', onClick: async () => {
              secret.select();
              try {
                await navigator.clipboard.writeText(made.key);
                copied.textContent = ' Copied.';
              } catch {
                copied.textContent = ' Selected: press Ctrl+C to copy.';
              }
            },
          }, 'Copy'), copied)));
        name.value = '';
        problem.textContent = '';
        tbody.append(keyRow(made));
      } catch (err) {
        problem.textContent = err instanceof ApiError ? `Not created: ${err.message}` : String(err);
      }
    },
  }, field('key-name', 'Name', name), field('key-scope', 'Scope', scope), h('button', { type: 'submit' }, 'Create key'));
  const keyRow = (k) => h('tr', { 'data-key-id': k.id },
    h('th', { scope: 'row' }, k.name), h('td', {}, k.scope), h('td', {}, k.id), h('td', {}, time(k.createdAt)), h('td', {}, k.rateLimit || ''),
    h('td', {}, h('button', {
      type: 'button', class: 'secondary danger', 'aria-label': `Revoke the key ${k.name}`,
      onClick: async () => {
        if (!window.confirm(`Revoke the key "${k.name}"? Whatever uses it is refused from now on.`)) return;
        await send('DELETE', `/v1/keys/${seg(k.id)}`);
        navigate('/ui/keys');
      },
    }, 'Revoke')));
  const tbody = h('tbody', {}, list.map(keyRow));
  return h('section', { class: 'keys' },
    h('h1', {}, 'API keys'),
    h('p', { class: 'muted' }, 'An ingest key posts events and profiles (your app backend); an admin key can do everything, this console included.'),
    form, problem, created,
    h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Keys' },
      h('table', { id: 'keys-table' }, h('caption', {}, 'Keys'),
        h('thead', {}, h('tr', {}, ['Name', 'Scope', 'Id', 'Created', 'Rate limit', ''].map((t) => h('th', { scope: 'col' }, t)))),
        tbody)));
}

function field(id, label, input) {
  return h('div', { class: 'field' }, h('label', { for: id }, label), input);
}
