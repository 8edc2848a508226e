// Triggers: the list with each one's state and week, a trigger's page with its editor, and the test panel that asks
// the API what the trigger (as edited, saved or not) would do with an event of a user — which writes nothing.
import { h, table } from './dom.js';
import { get, send, find, withQuery, seg, ApiError } from './api.js';
import { count, daysBack, time } from './format.js';
import { totals, definition } from './definitions.js';
import { field, group, showError, clearErrors, formError, confirmed } from './forms.js';
import { content } from './messages.js';

const OPS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'not_in', 'contains', 'starts_with', 'exists', 'not_exists'];
const PATHS = ['event.properties.', 'event.name', 'user.attributes.', 'user.email', 'user.phone', 'user.locale', 'user.timezone',
  'user.consent.email', 'user.consent.sms', 'user.consent.push'];
const REENTRY = ['always', 'once', 'replace', 'once_per:P1D', 'once_per:P7D'];
const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Every trigger: its event, channel and template, whether it is on, and its last 7 days. */
export async function triggers(navigate) {
  const period = daysBack(6);
  const [list, overview] = await Promise.all([get('/v1/triggers'), get(withQuery('/v1/stats/overview', period))]);
  const week = new Map(overview.triggers.map((t) => [t.id, t.totals || {}]));
  const rows = list.triggers.map((t) => {
    const w = week.get(t.id) || {};
    return [h('a', { href: `/ui/triggers/${seg(t.id)}` }, t.id), t.event, t.channel,
      h('a', { href: `/ui/templates/${seg(t.template)}` }, t.template), state(t.enabled),
      count(w.triggered), count(w.sent), count(w.converted)];
  });
  return h('section', {},
    h('h1', {}, 'Triggers'),
    newForm(navigate),
    rows.length === 0 ? h('p', { class: 'muted', id: 'no-triggers' }, 'No triggers yet: create the first one above.')
      : table(`Triggers, last 7 days (${period.from} to ${period.to})`,
        ['Trigger', 'Event', 'Channel', 'Template', 'State', 'Triggered', 'Sent', 'Converted'], rows, { id: 'triggers-list' }));
}

function newForm(navigate) {
  const id = h('input', { id: 'new-trigger-id', name: 'id', autocomplete: 'off', required: true, pattern: ID.source, placeholder: 'cart_reminder' });
  const problem = h('p', { class: 'message', role: 'alert' });
  return h('form', {
    class: 'filters', 'aria-label': 'New trigger',
    onSubmit: (e) => {
      e.preventDefault();
      const value = id.value.trim();
      if (!ID.test(value)) {
        problem.textContent = 'An id is 1-64 of A-Z a-z 0-9 _ -.';
        return;
      }
      navigate(`/ui/triggers/${seg(value)}`);
    },
  }, field('New trigger id', id, { hint: '1-64 of A-Z a-z 0-9 _ -; it cannot change later' }), h('button', { type: 'submit' }, 'Create'), problem);
}

const state = (enabled) => (enabled === false ? h('span', { class: 'state off' }, 'Disabled') : h('span', { class: 'state on' }, 'Enabled'));

/** A trigger's page: its state, editor, test panel and last 7 days; for an id not stored yet, the editor of a new one. */
export async function trigger(id, navigate) {
  const [stored, templates] = await Promise.all([find(`/v1/triggers/${seg(id)}`), get('/v1/templates')]);
  const editor = triggerForm(stored || { event: '', channel: 'email', template: '', priority: 'marketing', enabled: true, conditions: [] },
    templates.templates);
  const header = h('div', { class: 'trigger-header' });
  const status = h('p', { class: 'saved', id: 'save-status', role: 'status' });
  let current = stored;

  const renderHeader = () => header.replaceChildren(
    h('h1', {}, 'Trigger ', h('code', {}, id), current ? null : h('span', { class: 'muted new-note' }, ' (not saved yet)')),
    current ? h('div', { class: 'actions' }, h('span', { id: 'trigger-state' }, state(current.enabled)),
      h('button', { type: 'button', class: 'secondary', id: 'toggle-enabled', onClick: toggle },
        current.enabled === false ? 'Enable' : 'Disable'),
      h('button', { type: 'button', class: 'secondary danger', id: 'delete-trigger', onClick: remove }, 'Delete'),
      h('a', { href: withQuery('/ui/messages', { triggerId: id, ...daysBack(6) }) }, 'Messages of this trigger')) : null);

  async function save(doc) {
    try {
      current = await send('PUT', `/v1/triggers/${seg(id)}`, doc);
      draft.forget();
      clearErrors(editor.form);
      editor.fill(current);
      renderHeader();
      status.textContent = `Saved at ${time(new Date().toISOString())}.`;
      return true;
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 400) throw err;
      status.textContent = '';
      showError(editor.form, err);
      return false;
    }
  }

  async function toggle() {
    const enable = current.enabled === false;
    const question = enable ? `Enable the trigger ${id}? From now on, ${current.event} events that match send messages.`
      : `Disable the trigger ${id}? Its events stop sending messages until it is enabled again (scheduled ones still go out).`;
    if (!confirmed(question)) return;
    const { id: _id, ...stored } = current; // the answer names its id; a PUT takes it from the path
    if (await save({ ...stored, enabled: enable })) status.textContent = enable ? 'Enabled.' : 'Disabled.';
  }

  async function remove() {
    if (!confirmed(`Delete the trigger ${id}? This cannot be undone; its counters and messages stay.`)) return;
    await send('DELETE', `/v1/triggers/${seg(id)}`);
    draft.forget();
    navigate('/ui/triggers');
  }

  // unsaved edits outlive a visit to another page (writing the template, say) for as long as the tab
  const draft = drafts(`trigger.${id}`);
  const kept = draft.load();
  const restored = h('p', { class: 'notice', id: 'draft-restored', role: 'status' });
  if (kept && JSON.stringify(kept) !== JSON.stringify(editor.read())) {
    editor.fill(kept);
    restored.append('Your unsaved changes are back. ', h('button', { type: 'button', class: 'secondary', onClick: () => {
      draft.forget();
      editor.fill(current || {});
      restored.replaceChildren();
    } }, 'Discard them'));
  }
  const keep = () => draft.save(editor.read());
  editor.form.addEventListener('input', keep);
  editor.form.addEventListener('change', keep);
  editor.form.addEventListener('click', (e) => { if (e.target.closest('button[type=button]')) queueMicrotask(keep); });
  editor.form.addEventListener('submit', async (e) => {
    e.preventDefault();
    await save(editor.read());
  });
  renderHeader();
  const period = daysBack(6);
  const stats = current ? await get(withQuery(`/v1/stats/triggers/${seg(id)}`, period)) : null;
  return h('section', { class: 'definition' },
    header,
    h('div', { class: 'columns trigger-columns' },
      h('div', {}, h('h2', {}, 'Definition'), restored, editor.form, status),
      testPanel(id, editor)),
    stats ? [h('h2', {}, `Last 7 days (${period.from} to ${period.to})`), totals(stats)] : null,
    current ? definition(current) : null);
}

/** A draft kept in this tab's session storage, under a name. */
function drafts(name) {
  const key = `nudge.draft.${name}`;
  return {
    load: () => {
      try {
        return JSON.parse(sessionStorage.getItem(key));
      } catch {
        return null;
      }
    },
    save: (doc) => sessionStorage.setItem(key, JSON.stringify(doc)),
    forget: () => sessionStorage.removeItem(key),
  };
}

/** The editor: a field per part of the document, each named by its JSON pointer so an API error lands beside it. */
function triggerForm(doc, templates) {
  const form = h('form', { class: 'editor', id: 'trigger-form', 'aria-label': 'Trigger definition', novalidate: true });
  const inputs = {
    event: h('input', { id: 't-event', name: 'event', autocomplete: 'off', placeholder: 'cart_abandoned' }),
    channel: select('t-channel', ['email', 'sms', 'push', 'webhook']),
    template: h('input', { id: 't-template', name: 'template', autocomplete: 'off', list: 't-templates' }),
    priority: select('t-priority', ['marketing', 'transactional']),
    enabled: h('input', { id: 't-enabled', name: 'enabled', type: 'checkbox' }),
    delay: h('input', { id: 't-delay', name: 'delay', autocomplete: 'off', placeholder: 'PT1H' }),
    localTime: h('input', { id: 't-local-time', name: 'localTime', autocomplete: 'off', placeholder: '10:00' }),
    timezone: h('input', { id: 't-timezone', name: 'timezone', autocomplete: 'off', placeholder: 'Europe/Berlin' }),
    reentry: h('input', { id: 't-reentry', name: 'reentry', autocomplete: 'off', list: 't-reentry-values', placeholder: 'always' }),
    quietHours: h('input', { id: 't-quiet-hours', name: 'quietHours', autocomplete: 'off', placeholder: '22:00-07:00' }),
    frequencyCap: h('input', { id: 't-frequency-cap', name: 'frequencyCap', type: 'number', min: '1', max: '1000' }),
    goalEvent: h('input', { id: 't-goal-event', name: 'goalEvent', autocomplete: 'off', placeholder: 'purchase_completed' }),
    goalWithin: h('input', { id: 't-goal-within', name: 'goalWithin', autocomplete: 'off', placeholder: 'P3D' }),
  };
  const templateLink = h('a', { id: 'template-link', class: 'small' });
  const linkTemplate = () => {
    const t = inputs.template.value.trim();
    templateLink.hidden = !ID.test(t);
    const exists = templates.some((x) => x.id === t);
    // a template not written yet opens on the trigger's channel
    templateLink.setAttribute('href', exists ? `/ui/templates/${seg(t)}` : withQuery(`/ui/templates/${seg(t)}`, { channel: inputs.channel.value }));
    templateLink.textContent = exists ? `Edit the template ${t}` : `Write the template ${t}`;
  };
  inputs.template.addEventListener('input', linkTemplate);
  inputs.channel.addEventListener('change', linkTemplate);
  const conditions = h('div', { class: 'list', id: 'conditions' });
  const cancels = h('div', { class: 'list', id: 'cancel-rules' });
  let conditionRows = [];
  let cancelRows = [];

  const renderConditions = (list) => {
    conditionRows = list.map((c, i) => conditionRow(c, i, () => renderConditions(readConditions().filter((_, j) => j !== i))));
    conditions.replaceChildren(...conditionRows.map((r) => r.el),
      list.length === 0 ? h('p', { class: 'muted' }, 'No conditions: every event of this name matches.') : '');
  };
  const readConditions = () => conditionRows.map((r) => r.read());
  const renderCancels = (list) => {
    cancelRows = list.map((c, i) => cancelRow(c, i, () => renderCancels(readCancels().filter((_, j) => j !== i))));
    cancels.replaceChildren(...cancelRows.map((r) => r.el));
  };
  const readCancels = () => cancelRows.map((r) => r.read());

  function fill(d) {
    inputs.event.value = d.event || '';
    inputs.channel.value = d.channel || 'email';
    inputs.template.value = d.template || '';
    linkTemplate();
    inputs.priority.value = d.priority || 'marketing';
    inputs.enabled.checked = d.enabled !== false;
    inputs.delay.value = d.delay || '';
    inputs.localTime.value = d.sendAt ? d.sendAt.localTime || '' : '';
    inputs.timezone.value = d.sendAt ? d.sendAt.timezone || '' : '';
    inputs.reentry.value = d.reentry && d.reentry !== 'always' ? d.reentry : '';
    inputs.quietHours.value = d.quietHours || '';
    inputs.frequencyCap.value = d.frequencyCap === undefined ? '' : String(d.frequencyCap);
    inputs.goalEvent.value = d.conversion ? d.conversion.event || '' : '';
    inputs.goalWithin.value = d.conversion ? d.conversion.within || '' : '';
    renderConditions(d.conditions || []);
    renderCancels(d.cancelOn || []);
  }

  /** The document as the form holds it; empty optional fields are left out (the API's defaults apply). */
  function read() {
    const d = { event: inputs.event.value.trim(), channel: inputs.channel.value, template: inputs.template.value.trim(),
      priority: inputs.priority.value, enabled: inputs.enabled.checked, conditions: readConditions() };
    const optional = (name, value) => { if (value !== '') d[name] = value; };
    optional('delay', inputs.delay.value.trim());
    optional('reentry', inputs.reentry.value.trim());
    optional('quietHours', inputs.quietHours.value.trim());
    const cap = inputs.frequencyCap.value.trim();
    if (cap !== '') d.frequencyCap = Number(cap);
    if (inputs.localTime.value.trim() || inputs.timezone.value.trim()) {
      d.sendAt = { localTime: inputs.localTime.value.trim() };
      if (inputs.timezone.value.trim()) d.sendAt.timezone = inputs.timezone.value.trim();
    }
    const cancelOn = readCancels();
    if (cancelOn.length > 0) d.cancelOn = cancelOn;
    if (inputs.goalEvent.value.trim() || inputs.goalWithin.value.trim()) {
      d.conversion = { event: inputs.goalEvent.value.trim(), within: inputs.goalWithin.value.trim() };
    }
    return d;
  }

  form.append(
    h('datalist', { id: 't-templates' }, templates.map((t) => h('option', { value: t.id }, `${t.channel}${t.subject ? `: ${t.subject}` : ''}`))),
    h('datalist', { id: 't-reentry-values' }, REENTRY.map((r) => h('option', { value: r }))),
    h('datalist', { id: 't-ops' }, OPS.map((op) => h('option', { value: op }))),
    h('datalist', { id: 't-paths' }, PATHS.map((p) => h('option', { value: p }))),
    h('div', { class: 'row' },
      field('When this event arrives', inputs.event, { pointer: '/event' }),
      field('Send on channel', inputs.channel, { pointer: '/channel' }),
      h('div', { class: 'with-link' }, field('Using template', inputs.template, { pointer: '/template', hint: 'a template of the same channel' }),
        templateLink),
      field('Priority', inputs.priority, { pointer: '/priority', hint: 'transactional skips consent, quiet hours and caps' })),
    h('fieldset', { class: 'conditions-set' }, h('legend', {}, 'Only if every condition holds'), conditions,
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'secondary', id: 'add-condition',
          onClick: () => renderConditions([...readConditions(), { path: 'event.properties.', op: 'eq', value: '' }]) }, 'Add a condition'),
        h('button', { type: 'button', class: 'secondary', id: 'add-segment-condition',
          onClick: () => renderConditions([...readConditions(), { segment: '' }]) }, 'Add a segment condition'))),
    h('fieldset', {}, h('legend', {}, 'When to send'),
      h('div', { class: 'row' },
        field('Delay', inputs.delay, { pointer: '/delay', hint: 'ISO-8601: PT30M, PT1H, P3D; empty sends at once' }),
        field('At local time', inputs.localTime, { pointer: '/sendAt/localTime', hint: 'HH:MM in the user\'s zone, after the delay' }),
        field('Zone for users without one', inputs.timezone, { pointer: '/sendAt/timezone' }),
        field('Quiet hours', inputs.quietHours, { pointer: '/quietHours', hint: '22:00-07:00 or off; empty: the deployment\'s' })),
      h('div', { class: 'row' },
        field('Re-entry', inputs.reentry, { pointer: '/reentry', hint: 'always (empty), once, replace or once_per:P1D' }),
        field('Frequency cap per day', inputs.frequencyCap, { pointer: '/frequencyCap', hint: '1-1000 messages of this trigger a user gets in 24 h' }))),
    h('fieldset', {}, h('legend', {}, 'Cancel a pending message when'), cancels,
      h('button', { type: 'button', class: 'secondary', id: 'add-cancel',
        onClick: () => renderCancels([...readCancels(), { event: '', match: [] }]) }, 'Add a cancel event')),
    h('fieldset', {}, h('legend', {}, 'Conversion'),
      h('div', { class: 'row' },
        field('Goal event', inputs.goalEvent, { pointer: '/conversion/event' }),
        field('Within', inputs.goalWithin, { pointer: '/conversion/within', hint: 'after the message was sent, e.g. P3D' }))),
    h('div', { class: 'actions' }, h('label', { class: 'check' }, inputs.enabled, ' Enabled'),
      h('button', { type: 'submit', id: 'save-trigger' }, 'Save')),
    formError());
  fill(doc);
  return { form, read, fill };
}

function conditionRow(c, i, onRemove) {
  const pointer = `/conditions/${i}`;
  const remove = h('button', { type: 'button', class: 'secondary danger', 'aria-label': `Remove condition ${i}`, onClick: onRemove }, 'Remove');
  if ('segment' in c) {
    const segment = h('input', { id: `c${i}-segment`, name: `c${i}-segment`, autocomplete: 'off', value: c.segment || '' });
    return { el: group(pointer, field(`${i}. The user is in segment`, segment, { pointer: `${pointer}/segment` }), remove),
      read: () => ({ segment: segment.value.trim() }) };
  }
  const path = h('input', { id: `c${i}-path`, name: `c${i}-path`, autocomplete: 'off', list: 't-paths', value: c.path || '', class: 'path' });
  const op = h('input', { id: `c${i}-op`, name: `c${i}-op`, autocomplete: 'off', list: 't-ops', value: c.op || '', class: 'op' });
  const value = h('input', { id: `c${i}-value`, name: `c${i}-value`, autocomplete: 'off', value: 'value' in c ? showValue(c.value) : '' });
  return {
    el: group(pointer,
      field(`${i}. Path`, path, { pointer: `${pointer}/path` }),
      field('Operator', op, { pointer: `${pointer}/op` }),
      field('Value', value, { pointer: `${pointer}/value`, hint: 'JSON: 20, true, "20", ["a","b"]; other text is a string' }),
      remove),
    read: () => {
      const out = { path: path.value.trim(), op: op.value.trim() };
      const v = value.value.trim();
      if (v !== '') out.value = parseValue(v);
      return out;
    },
  };
}

function cancelRow(c, i, onRemove) {
  const pointer = `/cancelOn/${i}`;
  const event = h('input', { id: `x${i}-event`, name: `x${i}-event`, autocomplete: 'off', value: c.event || '' });
  const match = h('input', { id: `x${i}-match`, name: `x${i}-match`, autocomplete: 'off', value: (c.match || []).join(', ') });
  return {
    el: group(pointer,
      field(`${i}. Event`, event, { pointer: `${pointer}/event` }),
      field('Same values of', match, { pointer: `${pointer}/match`, hint: 'comma-separated, e.g. properties.cartId' }),
      h('button', { type: 'button', class: 'secondary danger', 'aria-label': `Remove cancel event ${i}`, onClick: onRemove }, 'Remove')),
    read: () => ({ event: event.value.trim(), match: match.value.split(',').map((m) => m.trim()).filter((m) => m !== '') }),
  };
}

/** A condition's value as typed: JSON when it parses (20, true, "20", [..]), else the text itself. */
function parseValue(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The inverse: a string that would not parse back as itself is shown quoted. */
function showValue(value) {
  if (typeof value !== 'string') return JSON.stringify(value);
  return parseValue(value) === value ? value : JSON.stringify(value);
}

/** The test panel: a user, an event, and what the trigger as edited would do with it now. */
function testPanel(id, editor) {
  const user = h('input', { id: 'test-user', name: 'userId', autocomplete: 'off', placeholder: 'ada' });
  const name = h('input', { id: 'test-event-name', name: 'eventName', autocomplete: 'off', placeholder: 'the trigger\'s event' });
  const properties = h('textarea', { id: 'test-properties', name: 'properties', rows: '5', spellcheck: 'false' },
    JSON.stringify(sampleProperties(editor.read().conditions), null, 1));
  const result = h('div', { id: 'test-result', 'aria-live': 'polite' });
  const run = h('button', { type: 'submit', id: 'run-test' }, 'Test');
  const form = h('form', {
    class: 'editor', id: 'test-form', 'aria-label': 'Test the trigger', novalidate: true,
    onSubmit: async (e) => {
      e.preventDefault();
      clearErrors(form);
      clearErrors(editor.form);
      let props;
      try {
        props = JSON.parse(properties.value.trim() || '{}');
        if (props === null || typeof props !== 'object' || Array.isArray(props)) throw new Error('an object, like {"plan": "pro"}');
      } catch (err) {
        showError(form, { field: '/event/properties', message: `Properties must be a JSON object: ${err.message}` });
        return;
      }
      const event = { properties: props };
      if (name.value.trim()) event.name = name.value.trim();
      run.disabled = true;
      result.replaceChildren(h('p', { class: 'muted' }, 'Testing…'));
      try {
        const answer = await send('POST', `/v1/triggers/${seg(id)}/test`, { userId: user.value.trim(), event, trigger: editor.read() });
        result.replaceChildren(...verdict(answer));
      } catch (err) {
        result.replaceChildren();
        if (!(err instanceof ApiError) || (err.status !== 400 && err.status !== 404)) throw err;
        if (err.field && err.field.startsWith('/trigger')) {
          showError(editor.form, err, '/trigger');
          showError(form, { message: `Fix the definition first: ${err.message}` });
        } else {
          showError(form, err);
        }
      } finally {
        run.disabled = false;
      }
    },
  },
  h('p', { class: 'muted' }, 'Tests the definition as it is in the form, saved or not. Nothing is stored or sent.'),
  field('User id', user, { pointer: '/userId', hint: 'a stored user' }),
  field('Event name', name, { pointer: '/event/name', hint: 'empty: the trigger\'s event' }),
  field('Event properties (JSON)', properties, { pointer: '/event/properties', wide: true }),
  h('div', { class: 'actions' }, run),
  formError());
  return h('section', { class: 'test-panel', 'aria-labelledby': 'test-title' }, h('h2', { id: 'test-title' }, 'Test it'), form, result);
}

/** Event properties that the conditions on event.properties.<name> would accept: a first test matches. */
function sampleProperties(conditions) {
  const sample = {};
  for (const c of conditions) {
    const name = typeof c.path === 'string' && c.path.startsWith('event.properties.') ? c.path.slice('event.properties.'.length) : '';
    if (!name || name.includes('.') || !('value' in c || c.op === 'exists')) continue;
    if (['eq', 'gte', 'lte', 'contains', 'starts_with'].includes(c.op)) sample[name] = c.value;
    else if (c.op === 'in' && Array.isArray(c.value) && c.value.length > 0) sample[name] = c.value[0];
    else if (c.op === 'exists') sample[name] = true;
  }
  return sample;
}

const REASONS = {
  other_event: 'It does not fire: the event is not the one this trigger listens for.',
  disabled: 'It does not fire: the trigger is disabled.',
  conditions: 'It does not match: a condition does not hold.',
};

/** The test's answer as a person reads it: the verdict, every condition, the message, and every guard. */
function verdict(answer) {
  const out = [];
  if (answer.matched && answer.reason === 'reentry') {
    out.push(h('p', { id: 'test-verdict', class: 'bad' }, `It matches, but its re-entry rule keeps it from sending now${answer.detail ? `: ${answer.detail}` : ''}.`));
  } else if (answer.matched) {
    out.push(h('p', { id: 'test-verdict', class: 'good' }, 'It matches.'));
  } else {
    out.push(h('p', { id: 'test-verdict', class: 'bad' }, REASONS[answer.reason] || `It does not match (${answer.reason}).`,
      answer.detail ? ` ${answer.detail}` : ''));
  }
  if (answer.conditions.length > 0) {
    out.push(table('Conditions', ['#', 'Path', 'Operator', 'Expected', 'Actual', 'Holds'], answer.conditions.map((c, i) => [
      String(i), h('code', {}, c.path), c.op,
      'expected' in c ? h('code', { class: 'expected' }, JSON.stringify(c.expected)) : '',
      'actual' in c ? h('code', { class: 'actual' }, JSON.stringify(c.actual)) : h('span', { class: 'muted actual' }, c.actualOmitted ? 'too large to show' : 'none'),
      c.holds ? h('span', { class: 'good holds' }, 'holds') : h('span', { class: 'bad holds' }, 'fails'),
    ]), { id: 'test-conditions' }));
  }
  const m = answer.message;
  if (m) {
    out.push(h('h3', {}, 'The message'),
      h('p', { id: 'test-message' }, `A ${m.priority} ${m.channel} message from template ${m.templateId}, `,
        m.status === 'SCHEDULED' ? `scheduled for ${time(m.dueAt)}.` : 'ready to send at once.'),
      content(m.rendered));
  }
  const guards = answer.guards || [];
  if (guards.length > 0) {
    const first = guards.find((g) => g.verdict !== 'pass');
    out.push(h('h3', {}, 'Guards now'),
      h('p', { id: 'test-guard-verdict', class: first ? 'bad' : 'good' }, !first ? 'Every guard passes: it would be sent now.'
        : first.verdict === 'stop' ? `It would be stopped by ${first.guard}${first.reason ? ` (${first.reason})` : ''}${first.detail ? `: ${first.detail}` : ''}.`
          : `It would wait for ${first.guard}${first.until ? ` until ${time(first.until)}` : ''}${first.reason ? ` (${first.reason})` : ''}.`),
      h('ul', { class: 'guards', id: 'test-guards' }, guards.map((g) => h('li', { 'data-guard': g.guard, 'data-verdict': g.verdict },
        h('span', { class: g.verdict === 'pass' ? 'good' : 'bad' }, `${g.guard}: ${g.verdict}`),
        g.reason ? ` — ${g.reason}` : '', g.until ? ` until ${time(g.until)}` : '', g.detail ? `: ${g.detail}` : ''))));
  }
  return out;
}

function select(id, values) {
  return h('select', { id, name: id }, values.map((v) => h('option', { value: v }, v)));
}
