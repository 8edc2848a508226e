// The screens. Everything shown comes from the API and goes into the page as text (see dom.js).
import { h } from './dom.js';

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

/** The header with the navigation (the outbox only in local mode), and the page's content below it. */
export function shell(path, local, onSignOut, content) {
  const link = (href, text) => h('a', {
    href, 'aria-current': path === href || (href !== '/ui/' && path.startsWith(href)) ? 'page' : null,
  }, text);
  return [
    h('a', { class: 'skip', href: '#content' }, 'Skip to the content'),
    h('header', { class: 'top' },
      h('a', { class: 'brand', href: '/ui/' }, 'Nudge'),
      h('nav', { 'aria-label': 'Console' }, link('/ui/', 'Overview'), link('/ui/messages', 'Messages'), link('/ui/users', 'Users'),
        link('/ui/triggers', 'Triggers'), link('/ui/templates', 'Templates'), link('/ui/campaigns', 'Campaigns'), link('/ui/journeys', 'Journeys'),
        link('/ui/topics', 'Topics'), link('/ui/webhooks', 'Webhooks'), link('/ui/suppressions', 'Suppressions'), link('/ui/keys', 'Keys'), local ? link('/ui/outbox', 'Outbox') : null),
      h('button', { type: 'button', class: 'sign-out', onClick: onSignOut }, 'Sign out')),
    h('main', { id: 'content', tabindex: '-1' }, content),
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
