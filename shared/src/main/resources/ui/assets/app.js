// The console's entry: sign-in, then the page the address names (a deep link survives sign-in: the URL never changes).
import { h, mount } from './dom.js';
import { session, check, get, ApiError } from './api.js';
import * as views from './views.js';
import { overview } from './overview.js';
import { search, message } from './messages.js';
import { user } from './user.js';
import { triggers, trigger } from './triggers.js';
import { templates, template } from './templates.js';
import { campaigns, campaign } from './campaigns.js';
import { journeys, journey } from './journeys.js';
import { outbox } from './outbox.js';
import { suppressions, keys } from './admin.js';
import { webhooks, webhook } from './webhooks.js';
import { topics } from './topics.js';

const root = document.getElementById('app');

const PROBLEMS = {
  invalid: 'That key is not valid.',
  'not-admin': 'This key cannot use the console: it is an ingest key, and the console needs a key with admin scope.',
};

/** Whether this is the local runner (it has an outbox); asked once per page load. */
let local;
/** After a navigation inside the console, focus moves to the new page's content (as a page load would). */
let focusContent = false;

function navigate(path) {
  history.pushState(null, '', path);
  focusContent = true;
  render();
}

function signOut(notice) {
  session.signOut();
  local = undefined;
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
  const address = path + location.search;
  if (local === undefined) local = get('/local/outbox?limit=1').then(() => true, () => false);
  const content = h('div', { class: 'loading', role: 'status' }, 'Loading…');
  mount(root, views.shell(path, await local, signOut, content));
  try {
    const shown = await page(path, new URLSearchParams(location.search));
    if (location.pathname + location.search === address) {
      content.replaceWith(shown);
      if (focusContent) document.getElementById('content').focus();
      focusContent = false;
    }
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      signOut('Your key is no longer valid; sign in again.');
      return;
    }
    content.replaceWith(h('section', {}, h('h1', {}, 'Something went wrong'),
      h('p', { class: 'message', role: 'alert' }, e.message)));
  }
}

/** The page for a path under /ui/. */
async function page(path, params) {
  const parts = path.replace(/^\/ui\/?/, '').split('/').filter((p) => p !== '').map(decodeURIComponent);
  const [section, id] = parts;
  document.title = `${id || section || 'Overview'} · Nudge console`;
  if (parts.length === 0) return overview(params, navigate);
  if (parts.length === 1) {
    if (section === 'users') return views.users(navigate);
    if (section === 'messages') return search(params, navigate);
    if (section === 'outbox') return outbox();
    if (section === 'suppressions') return suppressions(params, navigate);
    if (section === 'keys') return keys(navigate);
    if (section === 'webhooks') return webhooks(navigate);
    if (section === 'topics') return topics();
    if (section === 'triggers') return triggers(navigate);
    if (section === 'templates') return templates(navigate);
    if (section === 'campaigns') return campaigns(navigate);
    if (section === 'journeys') return journeys(navigate);
  }
  if (parts.length === 2) {
    const pages = { users: user, messages: message, triggers: trigger, templates: template, campaigns: campaign, journeys: journey, webhooks: webhook };
    if (pages[section]) return pages[section](id, navigate, params);
  }
  return views.placeholder('No such page', 'The console has no page at this address.');
}

// Links inside the console change the page without reloading it; a modified click opens a tab as usual.
document.addEventListener('click', (e) => {
  const a = e.target instanceof Element ? e.target.closest('a[href^="/ui"]') : null;
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(a.getAttribute('href'));
});
window.addEventListener('popstate', () => render());
render();
