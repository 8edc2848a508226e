// The console's entry: sign-in, then the page the address names (a deep link survives sign-in: the URL never changes).
import { h, mount } from './dom.js';
import { session, check, ApiError } from './api.js';
import * as views from './views.js';

const root = document.getElementById('app');

const PROBLEMS = {
  invalid: 'That key is not valid.',
  'not-admin': 'This key cannot use the console: it is an ingest key, and the console needs a key with admin scope.',
};

function navigate(path) {
  history.pushState(null, '', path);
  render();
}

function signOut(notice) {
  session.signOut();
  render(typeof notice === 'string' ? notice : undefined);
}

async function render(notice) {
  if (!session.key()) {
    document.title = 'Sign in · Nudge console';
    mount(root, views.signIn(async (key) => {
      try {
        const verdict = await check(key);
        if (verdict !== 'ok') return PROBLEMS[verdict];
      } catch (e) {
        return `Nudge could not be reached (${e.message}). Try again.`;
      }
      session.signIn(key);
      render();
      return undefined;
    }, notice));
    return;
  }
  const path = location.pathname;
  const content = h('div', { class: 'loading' }, 'Loading…');
  mount(root, views.shell(path, navigate, signOut, content));
  try {
    const shown = await page(path);
    if (location.pathname === path) content.replaceWith(shown);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      signOut('Your key is no longer valid; sign in again.');
      return;
    }
    content.replaceWith(h('p', { class: 'message', role: 'alert' }, `Something went wrong: ${e.message}`));
  }
}

/** The page for a path under /ui/. */
async function page(path) {
  const parts = path.replace(/^\/ui\/?/, '').split('/').filter((p) => p !== '').map(decodeURIComponent);
  const [section, id] = parts;
  document.title = `${section || 'Overview'} · Nudge console`;
  if (parts.length === 0) {
    return views.placeholder('Overview', 'Per trigger and per campaign counts and rates come here next.');
  }
  if (section === 'users' && parts.length === 1) return views.users(navigate);
  if (section === 'users' && parts.length === 2) return views.user(id);
  if (section === 'messages' && parts.length === 1) {
    return views.placeholder('Messages', 'Searching messages by trigger or campaign comes here next.');
  }
  const kinds = { messages: 'Message', triggers: 'Trigger', templates: 'Template', campaigns: 'Campaign' };
  if (kinds[section] && parts.length === 2) {
    return views.placeholder(`${kinds[section]} ${id}`, 'This page comes next.');
  }
  return views.placeholder('No such page', 'The console has no page at this address.');
}

window.addEventListener('popstate', () => render());
render();
