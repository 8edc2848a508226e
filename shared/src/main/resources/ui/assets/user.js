// A user's page: profile, consent, suppressions of their addresses, their messages, and one timeline, newest first,
// of their events (with every trigger each one met, or the condition that failed) and messages (with each status
// change, guard decision and engagement). "Why didn't this user get that message?" is answered here.
import { h } from './dom.js';
import { get, send, find, withQuery, seg, ApiError } from './api.js';
import { time, json, statusClass } from './format.js';
import { history } from './messages.js';
import { field, showError, formError } from './forms.js';

export async function user(userId, navigate) {
  const id = seg(userId);
  let profile;
  try {
    profile = await get(`/v1/users/${id}`);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      return h('section', {}, h('h1', {}, 'User ', h('code', {}, userId)), h('p', { class: 'muted', id: 'no-user' }, 'There is no such user yet.'),
        h('h2', {}, 'Create this user'), profileForm(userId, {}, navigate));
    }
    throw e;
  }
  const [{ messages }, suppressions] = await Promise.all([
    get(`/v1/users/${id}/messages`),
    Promise.all([['email', profile.email], ['sms', profile.phone]].filter(([, a]) => a)
      .map(async ([channel, address]) => ({ channel, address, entry: await find(`/v1/suppressions/${channel}/${seg(address)}`) }))),
  ]);
  const attributes = Object.entries(profile.attributes || {});
  const consent = Object.entries(profile.consent || {});
  const topicChoices = Object.entries(profile.subscriptions || {})
    .flatMap(([topic, byChannel]) => Object.entries(byChannel).map(([channel, c]) => [topic, channel, c]));
  const about = h('div', { class: 'about' },
    h('dl', { class: 'facts' },
      ['email', 'phone', 'timezone', 'locale', 'createdAt', 'updatedAt']
        .filter((k) => profile[k] !== undefined)
        .map((k) => [h('dt', {}, k), h('dd', {}, k.endsWith('At') ? time(profile[k]) : profile[k])])),
    h('h2', {}, 'Attributes'),
    attributes.length === 0 ? h('p', { class: 'muted' }, 'None.')
      : h('dl', { class: 'facts', id: 'attributes' }, attributes.map(([k, v]) => [h('dt', {}, k), h('dd', {}, show(v))])),
    h('h2', {}, 'Consent'),
    consent.length === 0 ? h('p', { class: 'muted' }, 'None recorded.')
      : h('ul', { id: 'consent' }, consent.map(([channel, c]) => h('li', {}, h('strong', {}, channel), `: ${c.status}, from ${c.source}, ${time(c.at)}`))),
    h('h2', {}, 'Topics'),
    topicChoices.length === 0 ? h('p', { class: 'muted' }, 'No choices: the topics\' defaults apply.')
      : h('ul', { id: 'topic-choices' }, topicChoices.map(([topic, channel, c]) => h('li', {}, h('strong', {}, topic), ` on ${channel}: `,
        `${c.status}, from ${c.source}, ${time(c.at)}`))),
    h('h2', {}, 'Suppressions'),
    suppressions.length === 0 ? h('p', { class: 'muted' }, 'No email address or phone number on the profile.')
      : h('ul', { id: 'suppressions' }, suppressions.map((s) => h('li', {}, `${s.channel} ${s.address}: `,
        s.entry ? h('span', { class: 'bad' }, `suppressed (${s.entry.reason}, ${s.entry.source}, ${time(s.entry.at)})`) : 'not suppressed'))),
    h('details', { class: 'edit-profile' }, h('summary', {}, 'Edit the profile'), profileForm(userId, profile, navigate)),
    h('h2', {}, 'Messages'),
    messages.length === 0 ? h('p', { class: 'muted' }, 'No messages.')
      : h('ol', { class: 'messages compact', id: 'messages' }, messages.map(messageItem)),
    journeysOf(userId));
  return h('section', { class: 'user' },
    h('h1', {}, 'User ', h('code', { id: 'user-id-shown' }, profile.userId)),
    h('div', { class: 'columns' }, about,
      h('div', { class: 'story' }, h('h2', { id: 'timeline-title' }, 'Timeline'),
        h('p', { class: 'muted' }, 'Newest first: events with every trigger they met, messages with every status change.'),
        await timeline(userId))));
}

/**
 * The profile's fields as PUT /v1/users/{userId} takes them: an empty field clears it, attributes are merged key by key
 * (null removes one), consent changes only where a status is chosen (recorded with the source "console").
 */
function profileForm(userId, profile, navigate) {
  const input = (name, value, attrs = {}) => h('input', { id: `p-${name}`, name, autocomplete: 'off', value: value || '', ...attrs });
  const email = input('email', profile.email, { type: 'email' });
  const phone = input('phone', profile.phone, { type: 'tel', placeholder: '+4915112345678' });
  const timezone = input('timezone', profile.timezone, { placeholder: 'Europe/Berlin' });
  const locale = input('locale', profile.locale, { placeholder: 'en-GB' });
  const attributes = h('textarea', { id: 'p-attributes', name: 'attributes', rows: '4', spellcheck: 'false' },
    JSON.stringify(profile.attributes || {}, null, 1));
  const consent = ['email', 'sms', 'push'].map((channel) => [channel, h('select', { id: `p-consent-${channel}`, name: `consent-${channel}` },
    h('option', { value: '' }, profile.consent && profile.consent[channel] ? `unchanged (${profile.consent[channel].status})` : 'none recorded'),
    h('option', { value: 'opted_in' }, 'opted_in'), h('option', { value: 'opted_out' }, 'opted_out'))]);
  const form = h('form', {
    class: 'editor', id: 'profile-form', 'aria-label': 'Profile', novalidate: true,
    onSubmit: async (e) => {
      e.preventDefault();
      let attrs;
      try {
        attrs = JSON.parse(attributes.value.trim() || '{}');
        if (attrs === null || typeof attrs !== 'object' || Array.isArray(attrs)) throw new Error('an object, like {"first_name": "Ada"}');
      } catch (err) {
        showError(form, { field: '/attributes', message: `Attributes must be a JSON object: ${err.message}` });
        return;
      }
      const body = { email: email.value.trim() || null, phone: phone.value.trim() || null, timezone: timezone.value.trim() || null,
        locale: locale.value.trim() || null, attributes: attrs };
      for (const k of Object.keys(profile.attributes || {})) if (!(k in attrs)) body.attributes[k] = null;
      const chosen = consent.filter(([, select]) => select.value);
      if (chosen.length > 0) body.consent = Object.fromEntries(chosen.map(([c, select]) => [c, { status: select.value, source: 'console' }]));
      try {
        await send('PUT', `/v1/users/${seg(userId)}`, body);
        navigate(`/ui/users/${seg(userId)}`);
      } catch (err) {
        if (!(err instanceof ApiError) || err.status !== 400) throw err;
        showError(form, err);
      }
    },
  },
  h('div', { class: 'row' }, field('Email', email, { pointer: '/email' }), field('Phone', phone, { pointer: '/phone', hint: 'E.164, or a number with its country code' })),
  h('div', { class: 'row' }, field('Time zone', timezone, { pointer: '/timezone' }), field('Locale', locale, { pointer: '/locale' })),
  field('Attributes (JSON)', attributes, { pointer: '/attributes', wide: true, hint: 'Liquid reads them as user.attributes.<name>' }),
  h('div', { class: 'row' }, consent.map(([channel, select]) => field(`Consent: ${channel}`, select, { pointer: `/consent/${channel}` }))),
  h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'save-profile' }, profile.userId ? 'Save the profile' : 'Create the user')),
  formError());
  return form;
}

/**
 * The user's journey instances, filled in when GET /v1/users/{userId}/journeys answers (a runner without it says so):
 * each with its journey and version, where it is or why it ended, and its path with how each step left.
 */
function journeysOf(userId) {
  const box = h('div', { class: 'user-journeys', 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading…'));
  const at = (iso, day) => h('time', { datetime: iso, title: time(iso) }, String(iso).slice(0, 10) === day ? time(iso).slice(11) : time(iso));
  get(`/v1/users/${seg(userId)}/journeys`).then(({ instances }) => {
    box.replaceChildren(instances.length === 0 ? h('p', { class: 'muted' }, 'In no journey.')
      : h('ol', { class: 'journeys', id: 'journeys' }, instances.map((i) => {
        const day = String(i.enteredAt).slice(0, 10);
        const where = i.status === 'active' ? `at ${i.step}${i.waitingFor ? `, waiting for ${i.waitingFor}` : ''}${i.dueAt ? ` until ${time(i.dueAt)}` : ''}`
          : i.reason || '';
        return h('li', { class: 'journey-instance', 'data-instance-id': i.id },
          h('p', {}, h('a', { href: `/ui/journeys/${seg(i.journeyId)}?version=${i.version}` }, i.journeyId), ` v${i.version} `,
            h('span', { class: statusClass(i.status) }, i.status), where ? ` · ${where}` : '', h('span', { class: 'muted' }, ` · entered ${time(i.enteredAt)}`)),
          h('ol', { class: 'journey-path' }, (i.steps || []).map((s, n) => {
            const how = n > 0 ? i.steps[n - 1] : null;
            const message = (i.messages || {})[s.step];
            const arm = (i.arms || {})[s.step];
            return h('li', { 'data-step': s.step }, h('code', {}, s.step),
              how && how.left ? ` (${how.left}${how.detail ? `: ${show(how.detail)}` : ''})` : '', ' ', at(s.enteredAt, day),
              arm ? ` arm ${arm}` : '', message ? [' ', h('a', { href: `/ui/messages/${seg(message)}` }, 'message')] : '');
          })));
      })));
  }, (e) => {
    box.replaceChildren(h('p', { class: 'muted', id: 'no-journeys' },
      e instanceof ApiError && (e.status === 404 || e.status === 405) ? 'Journeys are not available here.' : `Journeys could not be read: ${e.message}`));
  });
  return [h('h2', {}, 'Journeys'), box];
}

function messageItem(m) {
  return h('li', { class: 'message-item', 'data-message-id': m.id },
    h('p', { class: 'subject' }, h('a', { href: `/ui/messages/${seg(m.id)}` }, m.subject || `(${m.channel} without a subject)`)),
    h('p', { class: 'meta' },
      h('span', { class: statusClass(m.status) }, m.status),
      ` ${m.channel} · ${sourceOf(m)} · ${time(m.createdAt)}`, m.reason ? ` · ${m.reason}` : ''));
}

/** The merged timeline, a page at a time ("Older" follows the cursor). */
async function timeline(userId) {
  const list = h('ol', { class: 'timeline', id: 'timeline' });
  const older = h('button', { type: 'button', class: 'secondary', id: 'older', hidden: true }, 'Older');
  const empty = h('p', { class: 'muted', hidden: true }, 'Nothing happened to this user yet (events are kept 30 days).');
  let next;
  const load = async () => {
    older.disabled = true;
    const page = await get(withQuery(`/v1/users/${seg(userId)}/timeline`, { limit: 50, cursor: next }));
    next = page.next;
    page.entries.forEach((e) => list.append(entry(e)));
    older.hidden = !next;
    older.disabled = false;
    empty.hidden = list.children.length > 0;
  };
  older.addEventListener('click', load);
  await load();
  return h('div', {}, list, empty, older);
}

function entry(e) {
  if (e.type === 'event') {
    const ev = e.event || {};
    return h('li', { class: 'entry entry-event', 'data-event-id': ev.eventId },
      h('p', { class: 'when' }, h('time', { datetime: e.at }, time(e.at))),
      h('p', {}, h('strong', {}, 'Event '), h('code', {}, ev.name), h('span', { class: 'muted' }, ` ${ev.eventId}`)),
      ev.properties && Object.keys(ev.properties).length ? h('pre', { class: 'properties' }, json(ev.properties)) : null,
      (e.evaluation || []).length === 0 ? h('p', { class: 'muted' }, 'No trigger listens to this event.')
        : h('ul', { class: 'evaluation' }, e.evaluation.map(decision)));
  }
  if (e.type === 'topic_choice') {
    const c = e.choice || {};
    return h('li', { class: 'entry entry-choice' },
      h('p', { class: 'when' }, h('time', { datetime: e.at }, time(e.at))),
      h('p', {}, h('strong', {}, 'Topic '), h('code', {}, c.topic), ` on ${c.channel}: ${c.status}`, h('span', { class: 'muted' }, ` · from ${c.source}`)));
  }
  const m = e.message || {};
  return h('li', { class: 'entry entry-message', 'data-message-id': m.id },
    h('p', { class: 'when' }, h('time', { datetime: e.at }, time(e.at))),
    h('p', {}, h('strong', {}, 'Message '), h('a', { href: `/ui/messages/${seg(m.id)}` }, m.subject || `${m.channel} message`), ' ',
      h('span', { class: statusClass(m.status) }, m.status), m.reason ? ` ${m.reason}` : '',
      h('span', { class: 'muted' }, ` · ${sourceOf(m)}`)),
    history(m.history));
}

/** One trigger's verdict on an event: matched (and the message), or the first condition that failed, with values. */
function decision(d) {
  if (d.journeyId) {
    return h('li', { class: `decision${d.entered === false ? ' bad' : ' good'}` }, d.entered === false ? '✗ ' : '✓ ', 'Journey ',
      h('a', { href: `/ui/journeys/${seg(d.journeyId)}` }, d.journeyId), `: ${d.reason}`);
  }
  const trigger = h('a', { href: `/ui/triggers/${seg(d.triggerId)}` }, d.triggerId);
  const messageLink = (id) => h('a', { href: `/ui/messages/${seg(id)}` }, id);
  if (d.cancelled) return h('li', { class: 'decision' }, 'Trigger ', trigger, ': ', d.reason, ' ', messageLink(d.cancelled));
  if (d.converted) return h('li', { class: 'decision good' }, 'Trigger ', trigger, ': converted ', messageLink(d.converted), ` (${d.reason})`);
  if (d.matched && d.messageId) {
    return h('li', { class: 'decision good' }, '✓ Trigger ', trigger, ' matched → message ', messageLink(d.messageId),
      d.dueAt ? `, due ${time(d.dueAt)}` : '');
  }
  if (d.condition) {
    const c = d.condition;
    return h('li', { class: 'decision bad' }, '✗ Trigger ', trigger, ' did not match: condition ', String(c.index), ' ',
      h('code', {}, c.path), ` ${c.op || ''} `, 'expected ', h('code', { class: 'expected' }, JSON.stringify(c.expected)),
      ', actual ', 'actual' in c ? h('code', { class: 'actual' }, JSON.stringify(c.actual)) : h('em', { class: 'actual' }, 'missing'));
  }
  return h('li', { class: `decision${d.matched ? '' : ' bad'}` }, d.matched ? '✓ ' : '✗ ', 'Trigger ', trigger, `: ${d.reason || (d.matched ? 'matched' : 'did not match')}`);
}

/** Where a message came from: a campaign, a journey's step, or a trigger. */
function sourceOf(m) {
  if (m.campaignId) return `campaign ${m.campaignId}`;
  return m.journeyId ? `journey ${m.journeyId} v${m.journeyVersion}, step ${m.stepId}` : `trigger ${m.triggerId}`;
}

function show(value) {
  return value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
}
