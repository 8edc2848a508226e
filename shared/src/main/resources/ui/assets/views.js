// The screens. Everything shown comes from the API and goes into the page as text (see dom.js).
import { h } from './dom.js';
import { get, ApiError } from './api.js';

/** The sign-in form; onKey(key) resolves to an error message to show, or nothing when signed in. */
export function signIn(onKey, notice) {
  const input = h('input', { id: 'api-key', name: 'api-key', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true });
  const message = h('p', { id: 'sign-in-message', class: 'message', role: 'alert' }, notice || '');
  const button = h('button', { type: 'submit' }, 'Sign in');
  const form = h('form', {
    class: 'sign-in', method: 'post', 'aria-labelledby': 'sign-in-title',
    onSubmit: async (e) => {
      e.preventDefault();
      const key = input.value.trim();
      if (!key) {
        message.textContent = 'Enter an API key.';
        return;
      }
      button.disabled = true;
      message.textContent = 'Checking the key…';
      const problem = await onKey(key);
      button.disabled = false;
      if (problem) {
        message.textContent = problem;
        input.select();
      }
    },
  },
  h('h1', { id: 'sign-in-title' }, 'Nudge console'),
  h('p', {}, 'Sign in with an admin API key. It stays in this tab until you sign out or close it.'),
  h('label', { for: 'api-key' }, 'API key'),
  input,
  button,
  message);
  queueMicrotask(() => input.focus());
  return form;
}

/** The header with the navigation, and the page's content below it. */
export function shell(path, onNavigate, onSignOut, content) {
  const link = (href, text) => h('a', {
    href, 'aria-current': path === href || (href !== '/ui/' && path.startsWith(href)) ? 'page' : null,
    onClick: (e) => {
      if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      e.preventDefault();
      onNavigate(href);
    },
  }, text);
  return [
    h('header', { class: 'top' },
      h('a', { class: 'brand', href: '/ui/' }, 'Nudge'),
      h('nav', { 'aria-label': 'Console' }, link('/ui/', 'Overview'), link('/ui/messages', 'Messages'), link('/ui/users', 'Users')),
      h('button', { type: 'button', class: 'sign-out', onClick: onSignOut }, 'Sign out')),
    h('main', { id: 'content' }, content),
  ];
}

export function placeholder(title, text) {
  return h('section', {}, h('h1', {}, title), h('p', { class: 'muted' }, text));
}

/** Users: go to a user's page by id. */
export function users(onNavigate) {
  const input = h('input', { id: 'user-id', name: 'user-id', autocomplete: 'off', required: true });
  return h('section', {},
    h('h1', {}, 'Users'),
    h('form', {
      class: 'inline', onSubmit: (e) => {
        e.preventDefault();
        if (input.value.trim()) onNavigate('/ui/users/' + encodeURIComponent(input.value.trim()));
      },
    }, h('label', { for: 'user-id' }, 'User id'), input, h('button', { type: 'submit' }, 'Open')));
}

/** A user's page: profile, consent and their messages with each one's history (read-only). */
export async function user(userId) {
  const id = encodeURIComponent(userId);
  let profile;
  try {
    profile = await get(`/v1/users/${id}`);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      return h('section', {}, h('h1', {}, 'User ', h('code', {}, userId)), h('p', { class: 'message' }, 'There is no such user.'));
    }
    throw e;
  }
  const { messages } = await get(`/v1/users/${id}/messages`);
  const attributes = Object.entries(profile.attributes || {});
  const consent = Object.entries(profile.consent || {});
  return h('section', { class: 'user' },
    h('h1', {}, 'User ', h('code', { id: 'user-id-shown' }, profile.userId)),
    h('dl', { class: 'facts' },
      ['email', 'phone', 'timezone', 'locale', 'createdAt', 'updatedAt']
        .filter((k) => profile[k] !== undefined)
        .map((k) => [h('dt', {}, k), h('dd', {}, profile[k])])),
    h('h2', {}, 'Attributes'),
    attributes.length === 0 ? h('p', { class: 'muted' }, 'None.')
      : h('dl', { class: 'facts', id: 'attributes' }, attributes.map(([k, v]) => [h('dt', {}, k), h('dd', {}, show(v))])),
    h('h2', {}, 'Consent'),
    consent.length === 0 ? h('p', { class: 'muted' }, 'None recorded.')
      : h('ul', {}, consent.map(([channel, c]) => h('li', {}, `${channel}: ${c.status} (${c.source}, ${c.at})`))),
    h('h2', {}, 'Messages'),
    messages.length === 0 ? h('p', { class: 'muted' }, 'No messages.')
      : h('ol', { class: 'messages', id: 'messages' }, messages.map(message)));
}

function message(m) {
  return h('li', { class: 'message-item', 'data-message-id': m.id },
    h('p', { class: 'subject' }, m.subject || `(${m.channel} without a subject)`),
    h('p', { class: 'meta' },
      h('span', { class: `status status-${String(m.status).toLowerCase()}` }, m.status),
      ` ${m.channel} · trigger ${m.triggerId} · ${m.createdAt}`, m.reason ? ` · ${m.reason}` : ''),
    h('ol', { class: 'history', 'aria-label': 'History' },
      (m.history || []).map((e) => h('li', {}, h('time', {}, e.at), ` ${e.status}`, e.reason ? ` (${e.reason})` : ''))));
}

function show(value) {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
