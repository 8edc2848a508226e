// Campaigns: the list, a campaign's editor, its segment's size, run now, and each arm's results with the lift chart.
import { h, svg, table } from './dom.js';
import { get, send, find, withQuery, seg, ApiError } from './api.js';
import { count, rate } from './format.js';
import { definition } from './definitions.js';
import { field, group, showError, clearErrors, formError, confirmed } from './forms.js';

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const CHANNELS = ['email', 'sms', 'push', 'webhook'];
const PRIORITIES = ['marketing', 'transactional'];
const HOLDOUT = 'holdout';

/** Shown once on the next list page (after a delete navigates there). */
let notice = '';

/** Every campaign with its segment, channel, schedule and whether it is enabled; a form to start a new one. */
export async function campaigns(navigate) {
  const list = (await get('/v1/campaigns')).campaigns;
  const said = notice;
  notice = '';
  const id = h('input', { id: 'new-campaign-id', name: 'id', required: true, autocomplete: 'off', spellcheck: 'false', placeholder: 'winback' });
  const problem = h('p', { class: 'message', role: 'alert', id: 'new-campaign-problem' });
  const form = h('form', {
    class: 'filters', 'aria-label': 'New campaign', novalidate: true,
    onSubmit: (e) => {
      e.preventDefault();
      const wanted = id.value.trim();
      if (!ID.test(wanted)) {
        problem.textContent = 'An id is 1-64 characters of A-Z, a-z, 0-9, _ and -.';
        id.setAttribute('aria-invalid', 'true');
        id.focus();
        return;
      }
      navigate(`/ui/campaigns/${seg(wanted)}`);
    },
  }, field('Campaign id', id, { hint: 'The editor opens; nothing is stored until you save.' }), h('button', { type: 'submit' }, 'New campaign'));
  return h('section', {},
    h('h1', {}, 'Campaigns'),
    said ? h('p', { class: 'saved', role: 'status', id: 'campaigns-notice' }, said) : null,
    form, problem,
    list.length === 0 ? h('p', { class: 'muted' }, 'No campaigns yet.')
      : table('Campaigns', ['Campaign', 'Segment', 'Channel', 'Schedule', 'Enabled'], list.map((c) => [
        h('a', { href: `/ui/campaigns/${seg(c.id)}` }, c.id), c.segment, c.channel, scheduleText(c),
        c.enabled === false ? 'no' : 'yes']), { id: 'campaigns-list' }));
}

function scheduleText(c) {
  if (!c.schedule) return 'run by hand';
  return c.schedule.timezone ? `${c.schedule.expression} (${c.schedule.timezone})` : c.schedule.expression;
}

/** A campaign's editor (an empty one for an id not saved yet), its segment's size, run now, and its results. */
export async function campaign(id, navigate) {
  const [found, segmentList, templateList] = await Promise.all([
    find(`/v1/campaigns/${seg(id)}`), get('/v1/segments'), get('/v1/templates')]);
  let stored = found;
  const segments = segmentList.segments.map((s) => s.id);
  const templates = templateList.templates;
  const draft = stored || { channel: 'email', priority: 'marketing', holdout: 10, enabled: true,
    variants: [{ id: 'A', template: '', weight: 50 }, { id: 'B', template: '', weight: 50 }] };

  const state = h('p', { class: 'muted', id: 'campaign-state' });
  const estimate = h('div', { id: 'segment-estimate', class: 'estimate', 'aria-live': 'polite' });
  const results = h('div', { id: 'campaign-results' });
  const runResult = h('p', { id: 'run-result', role: 'status' });
  const saveResult = h('p', { id: 'save-result', role: 'status' });
  const raw = h('div', {}, stored ? definition(stored) : null);

  // the editor: every control under the JSON pointer of what it edits, so the API's error lands next to it
  const input = (name, value, attrs = {}) => h('input', { name, value: value ?? '', autocomplete: 'off', spellcheck: 'false', ...attrs });
  const choose = (name, options, value, attrs = {}) => h('select', { name, ...attrs },
    options.map(([v, label]) => h('option', { value: v, selected: v === value }, label)));
  const description = input('description', draft.description, { id: 'campaign-description' });
  const segmentOptions = [['', segments.length === 0 ? 'no segments yet' : 'choose a segment'], ...segments.map((s) => [s, s])];
  if (draft.segment && !segments.includes(draft.segment)) segmentOptions.push([draft.segment, `${draft.segment} (missing)`]);
  const segment = choose('segment', segmentOptions, draft.segment || '', { id: 'campaign-segment', onChange: () => refreshEstimate() });
  const channel = choose('channel', CHANNELS.map((c) => [c, c]), draft.channel || 'email', { id: 'campaign-channel' });
  const priority = choose('priority', PRIORITIES.map((p) => [p, p]), draft.priority || 'marketing', { id: 'campaign-priority' });
  const holdout = input('holdout', draft.holdout ?? 0, { id: 'campaign-holdout', type: 'number', min: 0, max: 50, step: 1, inputmode: 'numeric' });
  const goalEvent = input('goal-event', draft.goal ? draft.goal.event : '', { id: 'campaign-goal-event', placeholder: 'purchase_completed' });
  const goalWithin = input('goal-within', draft.goal ? draft.goal.within : '', { id: 'campaign-goal-within', placeholder: 'P7D' });
  const expression = input('schedule-expression', draft.schedule ? draft.schedule.expression : '', { id: 'campaign-schedule', placeholder: 'cron(0 10 ? * MON *)' });
  const timezone = input('schedule-timezone', draft.schedule ? draft.schedule.timezone : '', { id: 'campaign-timezone', placeholder: 'Europe/Berlin' });
  const sendAt = input('send-at', draft.sendAt ? draft.sendAt.localTime : '', { id: 'campaign-send-at', placeholder: '10:00' });
  const enabled = h('input', { type: 'checkbox', name: 'enabled', id: 'campaign-enabled', checked: draft.enabled !== false });

  let variants = (draft.variants || []).map((v) => ({ ...v }));
  const variantList = h('div', { class: 'variants', id: 'variants' });
  const templateOptions = (value) => {
    const options = [['', templates.length === 0 ? 'no templates yet' : 'choose a template'], ...templates.map((t) => [t.id, `${t.id} (${t.channel})`])];
    if (value && !templates.some((t) => t.id === value)) options.push([value, `${value} (missing)`]);
    return options;
  };
  const readVariants = () => [...variantList.querySelectorAll('.variant')].map((row) => ({
    id: row.querySelector('[name=variant-id]').value.trim(),
    template: row.querySelector('[name=variant-template]').value,
    weight: number(row.querySelector('[name=variant-weight]').value),
  }));
  const drawVariants = () => {
    variantList.replaceChildren(...variants.map((v, i) => {
      const p = `/variants/${i}`;
      const remove = h('button', {
        type: 'button', class: 'secondary danger', 'aria-label': `Remove variant ${v.id || i + 1}`, disabled: variants.length <= 1,
        onClick: () => { variants = readVariants(); variants.splice(i, 1); drawVariants(); },
      }, 'Remove');
      const row = group(p,
        field('Variant id', input('variant-id', v.id, { id: `variant-${i}-id`, maxlength: 16 }), { pointer: `${p}/id` }),
        field('Template', choose('variant-template', templateOptions(v.template), v.template || '', { id: `variant-${i}-template` }), { pointer: `${p}/template` }),
        field('Weight', input('variant-weight', v.weight ?? '', { id: `variant-${i}-weight`, type: 'number', min: 1, max: 1000, step: 1, inputmode: 'numeric' }), { pointer: `${p}/weight` }),
        remove);
      row.classList.add('variant');
      row.setAttribute('data-index', String(i));
      return row;
    }));
  };
  drawVariants();
  const addVariant = h('button', {
    type: 'button', class: 'secondary', id: 'add-variant',
    onClick: () => {
      variants = readVariants();
      if (variants.length >= 10) return;
      const used = new Set(variants.map((v) => v.id));
      const next = 'ABCDEFGHIJ'.split('').find((c) => !used.has(c)) || '';
      variants.push({ id: next, template: '', weight: 50 });
      drawVariants();
      variantList.querySelector('.variant:last-child input').focus();
    },
  }, 'Add a variant');

  /** The campaign document the editor holds; empty optional parts are left out. */
  const documentOf = () => {
    const doc = { segment: segment.value, channel: channel.value, priority: priority.value, variants: readVariants(),
      holdout: number(holdout.value), enabled: enabled.checked };
    if (description.value.trim()) doc.description = description.value.trim();
    if (goalEvent.value.trim() || goalWithin.value.trim()) doc.goal = { event: goalEvent.value.trim(), within: goalWithin.value.trim() || 'P7D' };
    if (expression.value.trim() || timezone.value.trim()) {
      doc.schedule = { expression: expression.value.trim() };
      if (timezone.value.trim()) doc.schedule.timezone = timezone.value.trim();
    }
    if (sendAt.value.trim()) doc.sendAt = { localTime: sendAt.value.trim() };
    for (const v of doc.variants) if (v.weight === undefined) delete v.weight;
    if (doc.holdout === undefined) delete doc.holdout;
    return doc;
  };

  const remove = h('button', {
    type: 'button', class: 'secondary danger', id: 'delete-campaign', hidden: !stored,
    onClick: async () => {
      if (!confirmed(`Delete the campaign ${id}? Its schedule goes too; the messages it sent and their counters stay.`)) return;
      try {
        await send('DELETE', `/v1/campaigns/${seg(id)}`);
        notice = `Campaign ${id} deleted.`;
        navigate('/ui/campaigns');
      } catch (err) {
        showError(form, err);
      }
    },
  }, 'Delete');
  const form = h('form', {
    class: 'editor', id: 'campaign-form', 'aria-label': `Campaign ${id}`, novalidate: true,
    onSubmit: async (e) => {
      e.preventDefault();
      clearErrors(form);
      saveResult.textContent = 'Saving…';
      saveResult.className = 'muted';
      try {
        const answer = await send('PUT', `/v1/campaigns/${seg(id)}`, documentOf());
        stored = answer && answer.segment ? answer : documentOf();
        saveResult.textContent = `Saved at ${new Date().toLocaleTimeString('en-GB')}.`;
        saveResult.className = 'saved';
        remove.hidden = false;
        raw.replaceChildren(definition(stored));
        showState();
        refreshResults();
      } catch (err) {
        saveResult.textContent = 'Not saved: see the error below the field it names.';
        saveResult.className = 'message';
        showError(form, err);
      }
    },
  },
  h('div', { class: 'row' },
    field('Description', description, { pointer: '/description', wide: true })),
  h('div', { class: 'row' },
    field('Segment', segment, { pointer: '/segment', hint: segments.length === 0 ? 'Define one first: PUT /v1/segments/{id}.' : undefined }),
    field('Channel', channel, { pointer: '/channel' }),
    field('Priority', priority, { pointer: '/priority' }),
    field('Holdout %', holdout, { pointer: '/holdout', hint: '0-50: the share that gets nothing, to measure lift against' })),
  estimate,
  h('fieldset', { class: 'variants-box', 'data-pointer': '/variants' },
    h('legend', {}, 'Variants (A/B)'),
    h('p', { class: 'hint' }, 'Users outside the holdout are split by weight; the same user always gets the same arm.'),
    variantList, addVariant, h('p', { class: 'field-error', id: 'variants-error', role: 'alert' })),
  h('div', { class: 'row' },
    field('Goal event', goalEvent, { pointer: '/goal/event', hint: 'A conversion is this event after the run, within the window' }),
    field('Goal window', goalWithin, { pointer: '/goal/within', hint: 'ISO-8601, e.g. P7D (default), PT12H' })),
  h('div', { class: 'row' },
    field('Schedule', expression, { pointer: '/schedule/expression', hint: 'cron(…), rate(…) or at(…); empty: run by hand' }),
    field('Time zone', timezone, { pointer: '/schedule/timezone', hint: 'IANA zone, default UTC' }),
    field('Deliver at local time', sendAt, { pointer: '/sendAt/localTime', hint: 'HH:mm in each user\'s zone; empty: at once' })),
  h('div', { class: 'row' }, field('Enabled', enabled, { pointer: '/enabled' })),
  formError(),
  h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'save-campaign' }, 'Save'), remove, saveResult));

  const showState = () => {
    state.textContent = stored
      ? `${stored.enabled === false ? 'Disabled' : 'Enabled'}; ${scheduleText(stored)}.`
      : 'Not saved yet: fill in the campaign and save it.';
  };
  showState();

  // the segment's size, for the segment the select shows (the newest answer wins)
  let asked = 0;
  let preview = null;
  async function refreshEstimate() {
    const which = segment.value;
    const mine = ++asked;
    preview = null;
    if (!which) {
      estimate.replaceChildren(h('p', { class: 'muted' }, 'Choose a segment to see how many users it holds.'));
      return;
    }
    estimate.replaceChildren(h('p', { class: 'muted' }, `Estimating the size of ${which}…`));
    try {
      const answer = await find(`/v1/segments/${seg(which)}/preview`);
      if (mine !== asked) return;
      if (!answer) {
        estimate.replaceChildren(h('p', { class: 'message' }, `There is no segment ${which}.`));
        return;
      }
      preview = answer;
      estimate.replaceChildren(sizeOf(answer));
    } catch (err) {
      if (mine === asked) estimate.replaceChildren(h('p', { class: 'message' }, `No estimate: ${err.message}`));
    }
  }

  // run now: the confirmation names what the stored campaign will do
  const runButton = h('button', {
    type: 'button', id: 'run-now',
    onClick: async () => {
      runResult.className = '';
      if (!stored) {
        runResult.textContent = 'Save the campaign first: a run sends what is stored.';
        runResult.className = 'message';
        return;
      }
      let size = null;
      try {
        size = preview && preview.segmentId === stored.segment ? preview : await find(`/v1/segments/${seg(stored.segment)}/preview`);
      } catch {
        size = null; // the question then says the size is unknown
      }
      if (!confirmed(runQuestion(id, stored, size))) return;
      runButton.disabled = true;
      runResult.textContent = 'Starting…';
      try {
        const started = await send('POST', `/v1/campaigns/${seg(id)}/run`);
        runResult.textContent = `Run ${started.runId} started: messages are being created; the results below refresh as they come.`;
        runResult.className = 'saved';
        follow();
      } catch (err) {
        runResult.className = 'message';
        runResult.textContent = err instanceof ApiError && err.code === 'campaign_disabled'
          ? `Not started: the campaign is disabled (${err.message}). Tick Enabled and save to run it.`
          : `Not started: ${err.message}`;
      } finally {
        runButton.disabled = false;
      }
    },
  }, 'Run now');

  // the results: counters per arm and the lift chart, refreshed after a save, a run, or on demand
  let drawn = 0;
  let shown = '';
  async function refreshResults() {
    const mine = ++drawn;
    if (!stored) {
      results.replaceChildren(h('p', { class: 'muted' }, 'Not saved yet: no results.'));
      return;
    }
    try {
      const stats = await find(`/v1/stats/campaigns/${seg(id)}`);
      // the same numbers for the same campaign are left in place (a reader's place and focus stay where they were)
      const now = JSON.stringify([stored, stats]);
      if (mine !== drawn || now === shown) return;
      shown = now;
      results.replaceChildren(stats ? resultsOf(stored, stats) : h('p', { class: 'muted' }, 'No results.'));
    } catch (err) {
      shown = '';
      if (mine === drawn) results.replaceChildren(h('p', { class: 'message' }, `No results: ${err.message}`));
    }
  }
  /** After a run, the numbers are read again a few times while run-campaign and deliver work (the page may be left). */
  function follow() {
    refreshResults();
    for (const ms of [1000, 2500, 5000, 10000, 20000, 40000]) {
      setTimeout(() => { if (results.isConnected) refreshResults(); }, ms);
    }
  }

  refreshEstimate();
  refreshResults();
  return h('section', { class: 'definition campaign' },
    h('h1', {}, 'Campaign ', h('code', {}, id)),
    state,
    form,
    h('h2', { id: 'run-title' }, 'Run now'),
    h('p', { class: 'muted' }, 'Sends the saved campaign to its segment once, now; a user is never sent the same run twice.'),
    h('div', { class: 'actions' }, runButton, h('a', { href: withQuery('/ui/messages', { campaignId: id }) }, 'Messages of this campaign')),
    runResult,
    h('div', { class: 'results-head' }, h('h2', { id: 'results-title' }, 'Results, all time'),
      h('button', { type: 'button', class: 'secondary', id: 'refresh-results', onClick: () => refreshResults() }, 'Refresh')),
    results,
    raw);
}

/** A number input's value: a number, the text itself when it is not one (the API then names it), undefined when empty. */
function number(text) {
  const t = String(text).trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

function sizeOf(p) {
  const size = p.estimate ? `About ${count(p.estimatedSize)} users` : `${count(p.estimatedSize)} users`;
  const how = p.estimate ? `estimated from a sample: ${count(p.matchedInSample)} of ${count(p.sampled)} users tested matched`
    : 'exact: every user was tested';
  return h('div', {},
    h('p', {}, h('strong', { id: 'segment-size' }, size), ` in segment ${p.segmentId} (${how}).`),
    p.sampleUserIds.length === 0 ? null : h('p', { class: 'samples' }, 'For example: ',
      p.sampleUserIds.map((u, i) => [i > 0 ? ', ' : '', h('a', { href: `/ui/users/${seg(u)}` }, u)])));
}

/** The arms' shares in percent: the holdout first, the rest by weight. */
function shares(c) {
  const hold = c.holdout || 0;
  const total = (c.variants || []).reduce((s, v) => s + (Number(v.weight) || 0), 0) || 1;
  return [...(c.variants || []).map((v) => [v.id, ((100 - hold) * (Number(v.weight) || 0)) / total]), ...(hold ? [[HOLDOUT, hold]] : [])];
}

const percent = (p) => `${Math.round(p * 10) / 10} %`;

function runQuestion(id, c, size) {
  const who = !size ? 'every user (size unknown)'
    : size.estimate ? `about ${count(size.estimatedSize)} users` : `${count(size.estimatedSize)} users`;
  const arms = shares(c).map(([arm, p]) => `${arm} ${percent(p)}`).join(', ');
  return `Send ${id} to ${who} in segment ${c.segment}: ${arms}${c.holdout ? '' : ' (no holdout)'}?`;
}

function resultsOf(c, stats) {
  const order = [...(c.variants || []).map((v) => v.id), HOLDOUT].filter((a) => stats.arms[a]);
  const arms = order.map((a) => [a, stats.arms[a]]);
  const assigned = arms.reduce((s, [, a]) => s + (a.assigned || 0), 0);
  const counters = table('Each arm', ['Arm', 'Assigned', 'Sent', 'Delivered', 'Opened', 'Clicked', 'Goal conversions', 'Conversion rate'],
    arms.map(([arm, a]) => [arm, count(a.assigned), count(a.sent), count(a.delivered), count(a.opened), count(a.clicked),
      count(a.goal_converted), rate(a.conversionRate, a.assigned)]), { class: 'numbers', id: 'arms' });
  let lift;
  if (!c.holdout) {
    lift = h('p', { class: 'muted', id: 'no-lift' }, 'Lift needs a holdout: set Holdout % above 0 so some users get nothing to compare with.');
  } else if (!assigned || !(stats.arms[HOLDOUT] && stats.arms[HOLDOUT].assigned)) {
    lift = h('p', { class: 'muted', id: 'no-lift' }, 'The lift over the holdout shows once a run has assigned users.');
  } else {
    lift = liftChart(c, stats);
  }
  return h('div', {},
    assigned === 0 ? h('p', { class: 'muted', id: 'not-run' }, 'Not run yet (or the run has not assigned anyone so far).') : null,
    counters,
    c.goal ? null : h('p', { class: 'muted' }, 'No goal: conversions are counted only for a campaign with a goal event.'),
    h('h3', {}, 'Lift over the holdout'),
    lift);
}

/** The chart's drawing width: narrower on a phone, so its text stays readable when it is scaled to the screen. */
const chartWidth = () => (window.matchMedia('(max-width: 600px)').matches ? 340 : 560);
const ROW = 46;
const LEFT = 112;
const RIGHT = 40;
const TOP = 10;
const AXIS = 44;

/** Each variant's lift over the holdout with its 95 % confidence interval, in percentage points; the same in a table. */
function liftChart(c, stats) {
  const rows = (c.variants || []).map((v) => [v.id, stats.lift[v.id]]).filter(([, l]) => l);
  const pp = (x) => x * 100;
  const lows = rows.map(([, l]) => pp(l.ci95 ? l.ci95[0] : l.absoluteLift));
  const highs = rows.map(([, l]) => pp(l.ci95 ? l.ci95[1] : l.absoluteLift));
  let lo = Math.min(0, ...lows);
  let hi = Math.max(0, ...highs);
  if (hi - lo < 1e-9) { lo = -1; hi = 1; }
  const step = niceStep((hi - lo) / 4);
  lo = Math.floor(lo / step) * step;
  hi = Math.ceil(hi / step) * step;
  const W = chartWidth();
  const height = TOP + rows.length * ROW + AXIS;
  const x = (v) => LEFT + ((v - lo) * (W - LEFT - RIGHT)) / (hi - lo);
  const digits = step >= 1 ? 0 : step >= 0.1 ? 1 : 2;
  const ticks = [];
  for (let t = lo; t <= hi + step / 2; t += step) ticks.push(Math.round(t / step) * step);
  const bottom = TOP + rows.length * ROW;
  const chart = svg('svg', {
    viewBox: `0 0 ${W} ${height}`, class: 'lift-chart', role: 'img',
    'aria-label': `Lift over the holdout: ${rows.map(([arm, l]) => `${arm} ${signed(pp(l.absoluteLift))} (95 % CI ${ci(l)})${l.significant ? ', significant' : ''}`).join('; ')}`,
  },
  ticks.map((t) => [
    svg('line', { x1: x(t), x2: x(t), y1: TOP, y2: bottom, class: t === 0 ? 'zero' : 'grid' }),
    svg('text', { x: x(t), y: bottom + 16, class: 'axis', 'text-anchor': 'middle' }, signed(t, digits)),
  ]),
  svg('text', { x: (LEFT + W - RIGHT) / 2, y: bottom + 36, class: 'axis', 'text-anchor': 'middle' }, 'lift over the holdout, percentage points'),
  rows.map(([arm, l], i) => {
    const y = TOP + i * ROW + ROW / 2;
    const low = pp(l.ci95 ? l.ci95[0] : l.absoluteLift);
    const high = pp(l.ci95 ? l.ci95[1] : l.absoluteLift);
    const kind = !l.significant ? 'unclear' : l.absoluteLift > 0 ? 'better' : 'worse';
    return svg('g', { class: `lift-row ${kind}`, 'data-arm': arm },
      svg('text', { x: 8, y: y - 3, class: 'arm' }, arm),
      svg('text', { x: 8, y: y + 13, class: 'verdict' }, l.significant ? (l.absoluteLift > 0 ? '✓ significant' : '✗ significant') : 'not significant'),
      svg('line', { x1: x(low), x2: x(high), y1: y, y2: y, class: 'whisker' }),
      svg('line', { x1: x(low), x2: x(low), y1: y - 7, y2: y + 7, class: 'whisker cap' }),
      svg('line', { x1: x(high), x2: x(high), y1: y - 7, y2: y + 7, class: 'whisker cap' }),
      svg('circle', { cx: x(pp(l.absoluteLift)), cy: y, r: 5.5, class: 'dot' }, svg('title', {}, `${arm}: ${signed(pp(l.absoluteLift))}, 95 % CI ${ci(l)}`)));
  }));
  return h('figure', { class: 'chart-box lift-box' },
    h('figcaption', {}, 'Each variant\'s conversion minus the holdout\'s: the dot is the lift, the whisker its 95 % confidence interval.'),
    chart,
    h('p', { class: 'hint' }, 'Significant means the interval leaves out zero (a two-proportion test at 95 %); green is better than the holdout, red worse.'),
    table('Lift over the holdout', ['Variant', 'Conversion', 'Holdout conversion', 'Lift', '95 % CI', 'Significant'],
      rows.map(([arm, l]) => [arm, rate(l.variantRate), rate(l.holdoutRate), signed(pp(l.absoluteLift)), ci(l), l.significant ? 'yes' : 'no']),
      { class: 'numbers', id: 'lift-table' }));
}

function niceStep(raw) {
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * magnitude).find((m) => m >= raw);
}

/** Percentage points with a sign: +4.2 pp, −1.0 pp. */
function signed(points, digits = 1) {
  const v = Math.round(points * 10 ** digits) / 10 ** digits;
  const text = Math.abs(v).toFixed(digits);
  return `${v > 0 ? '+' : v < 0 ? '−' : ''}${text} pp`;
}

function ci(l) {
  return l.ci95 ? `${signed(l.ci95[0] * 100)} to ${signed(l.ci95[1] * 100)}` : '–';
}
