// Journeys: the list, and a journey's page with its steps drawn as a graph (layers by the longest path from the start,
// no library), the counts of the last 30 days on each edge, and the same in tables. Read-only: journeys are defined
// with PUT /v1/journeys/{id} or examples/journeys/.
import { h, svg, table } from './dom.js';
import { get, find, withQuery, seg, ApiError } from './api.js';
import { count, rate, daysBack } from './format.js';
import { definition, fact, missing } from './definitions.js';

/** Every journey with its entry event, state, version and size. */
export async function journeys() {
  const list = (await get('/v1/journeys')).journeys;
  return h('section', {},
    h('h1', {}, 'Journeys'),
    h('p', { class: 'muted', id: 'journeys-note' }, 'Journeys are defined with ', h('code', {}, 'PUT /v1/journeys/{id}'),
      ' or the files in ', h('code', {}, 'examples/journeys/'), '; here they are shown, not edited.'),
    list.length === 0 ? h('p', { class: 'muted', id: 'no-journeys' }, 'No journeys yet.')
      : table('Journeys', ['Journey', 'Name', 'Entry event', 'Enabled', 'Version', 'Steps'], list.map((j) => [
        h('a', { href: `/ui/journeys/${seg(j.id)}` }, j.id), j.name || '', j.entry ? j.entry.event : '',
        j.enabled === false ? 'no' : 'yes', String(j.version), String(Object.keys(j.steps || {}).length)]), { id: 'journeys-list' }));
}

/** A journey's page: what it is, its graph with the counts, the tables, and the stored document; ?version=N an older one. */
export async function journey(id, navigate, params) {
  const asked = params.get('version') || '';
  const period = daysBack(29);
  const [doc, current, stats] = await Promise.all([
    find(withQuery(`/v1/journeys/${seg(id)}`, { version: asked })),
    asked ? find(`/v1/journeys/${seg(id)}`) : null,
    optional(withQuery(`/v1/stats/journeys/${seg(id)}`, period)),
  ]);
  if (!doc) return missing('Journey', asked ? `${id} version ${asked}` : id);
  const latest = Math.max(doc.version, current ? current.version : 0);
  const versions = h('select', {
    id: 'journey-version', name: 'version',
    onChange: (e) => navigate(e.target.value === String(latest) ? `/ui/journeys/${seg(id)}` : withQuery(`/ui/journeys/${seg(id)}`, { version: e.target.value })),
  }, Array.from({ length: latest }, (_, i) => latest - i).map((v) => h('option', { value: String(v), selected: v === doc.version },
    v === latest ? `${v} (current)` : String(v))));
  const edges = edgesOf(doc);
  return h('section', { class: 'journey' },
    h('h1', {}, 'Journey ', h('code', {}, id)),
    h('div', { class: 'journey-head' },
      h('dl', { class: 'facts', id: 'journey-facts' },
        fact('Name', doc.name),
        fact('Enabled', doc.enabled === false ? 'no: no new entries' : 'yes'),
        fact('Entry', entryText(doc.entry)),
        fact('Re-entry', doc.reentry || 'always'),
        fact('Exits on', (doc.exitOn || []).map((x) => x.event + (x.match && x.match.length ? ` (same ${x.match.join(', ')})` : '')).join('; ') || 'nothing'),
        fact('Conversion', doc.conversion ? `${doc.conversion.event} within ${doc.conversion.within ? duration(doc.conversion.within) : 'the default window'}${doc.conversion.exit ? ', then exits' : ''}` : 'none'),
        fact('Start', doc.start)),
      h('div', { class: 'field' }, h('label', { for: 'journey-version' }, 'Version'), versions)),
    h('h2', {}, 'Steps'),
    stats ? totalsOf(stats, period) : h('p', { class: 'muted', id: 'journey-no-stats' }, 'No numbers for this journey yet.'),
    graph(doc, edges, stats),
    table(`Transitions${stats ? `, ${period.from} to ${period.to}` : ''}`, ['From', 'Edge', 'To', 'Count'],
      edges.map((e) => [e.from, e.label, e.to, stats ? count(edgeCount(stats, e)) : '–']), { id: 'journey-edges' }),
    stepsTable(doc, stats),
    stats ? armsTable(stats) : null,
    definition(doc));
}

/** GET that answers null while the route does not exist (404/405): the page works without it. */
async function optional(path) {
  try {
    return await get(path);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 405)) return null;
    throw e;
  }
}

function entryText(entry) {
  if (!entry) return '';
  const conditions = (entry.conditions || []).map((c) => `${c.path} ${c.op}${'value' in c ? ` ${JSON.stringify(c.value)}` : ''}`);
  return conditions.length ? `${entry.event} when ${conditions.join(' and ')}` : entry.event;
}

/** Each transition of the document, once per (from, to): two ways to the same step share one edge and one count. */
export function edgesOf(doc) {
  const edges = [];
  const add = (from, to, label) => {
    if (!to) return;
    const same = edges.find((e) => e.from === from && e.to === to);
    if (same) same.label += `, ${label}`;
    else edges.push({ from, to, label });
  };
  for (const [id, s] of Object.entries(doc.steps || {})) {
    if (s.type === 'wait_for') {
      add(id, s.next, 'received');
      add(id, s.timeoutNext, 'timeout');
    } else if (s.type === 'branch') {
      (s.branches || []).forEach((b, i) => add(id, b.next, `branch ${i + 1}`));
      add(id, s.default, 'default');
    } else if (s.type === 'split') {
      (s.arms || []).forEach((a) => add(id, a.next, `arm ${a.id}`));
    } else {
      add(id, s.next, 'next');
    }
  }
  return edges.filter((e) => doc.steps[e.to]);
}

const edgeCount = (stats, e) => (((stats.steps || {})[e.from] || {}).edges || {})[e.to] || 0;

/** One line saying what a step does. */
function summary(s) {
  switch (s.type) {
    case 'send': return `${s.channel} · ${s.template}`;
    case 'delay': return `wait ${duration(s.duration)}${s.sendAt && s.sendAt.localTime ? `, then at ${s.sendAt.localTime}` : ''}`;
    case 'wait_for': return `wait for ${s.event} ≤ ${duration(s.timeout)}`;
    case 'branch': return `${(s.branches || []).length} branch${(s.branches || []).length === 1 ? '' : 'es'} + default`;
    case 'split': return `split ${(s.arms || []).map((a) => `${a.id} ${a.weight}`).join(' · ')}`;
    case 'update_user': return `set ${Object.entries(s.attributes || {}).map(([k, v]) => (v === null ? `clear ${k}` : `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)).join(', ')}`;
    case 'exit': return 'exit';
    default: return s.type;
  }
}

/** An ISO-8601 duration as people say it (the API stores P1D as PT24H): "1 day", "2 days 6 h", "90 s"; else as written. */
function duration(iso) {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(String(iso));
  if (!m) return String(iso);
  let s = (Number(m[1] || 0) * 24 + Number(m[2] || 0)) * 3600 + Number(m[3] || 0) * 60 + Number(m[4] || 0);
  const parts = [];
  for (const [unit, size] of [['day', 86400], ['h', 3600], ['min', 60], ['s', 1]]) {
    const n = Math.floor(s / size);
    s -= n * size;
    if (n) parts.push(unit === 'day' ? `${n} day${n === 1 ? '' : 's'}` : `${n} ${unit}`);
  }
  return parts.length ? parts.join(' ') : String(iso);
}

const NODE = { w: 220, h: 58 };
const GAP = { x: 26, y: 52, virtual: 22 };

/**
 * Layers by the longest path from the start (the document is acyclic); an edge that skips layers goes through a
 * point reserved in each layer it crosses, so it never runs through a box. Within a layer, items follow the mean
 * position of what leads to them (fewer crossings), then the layer is centred.
 */
function layout(doc, edges) {
  const ids = Object.keys(doc.steps);
  const layer = new Map(ids.map((id) => [id, 0]));
  const incoming = new Map(ids.map((id) => [id, 0]));
  edges.forEach((e) => incoming.set(e.to, incoming.get(e.to) + 1));
  const queue = ids.filter((id) => incoming.get(id) === 0);
  const seen = new Set();
  while (queue.length) {
    const id = queue.shift();
    seen.add(id);
    for (const e of edges.filter((x) => x.from === id)) {
      layer.set(e.to, Math.max(layer.get(e.to), layer.get(id) + 1));
      incoming.set(e.to, incoming.get(e.to) - 1);
      if (incoming.get(e.to) === 0) queue.push(e.to);
    }
  }
  const deepest = Math.max(0, ...layer.values());
  ids.filter((id) => !seen.has(id)).forEach((id) => layer.set(id, deepest + 1)); // a cycle: the API refuses them
  const depth = Math.max(0, ...layer.values()) + 1;
  const rows = Array.from({ length: depth }, () => []);
  ids.forEach((id) => rows[layer.get(id)].push({ id, step: true, preds: [] }));
  const item = new Map(rows.flat().map((n) => [n.id, n]));
  const routes = edges.map((e) => {
    const path = [item.get(e.from)];
    for (let l = layer.get(e.from) + 1; l < layer.get(e.to); l++) {
      const v = { id: `${e.from}>${e.to}@${l}`, step: false, preds: [path[path.length - 1]] };
      rows[l].push(v);
      path.push(v);
    }
    item.get(e.to).preds.push(path[path.length - 1]);
    path.push(item.get(e.to));
    return { edge: e, path };
  });
  const width = (n) => (n.step ? NODE.w : GAP.virtual);
  rows.forEach((row, l) => {
    if (l > 0) {
      const centre = (n) => (n.preds.length ? n.preds.reduce((sum, p) => sum + p.x, 0) / n.preds.length : 0);
      row.sort((a, b) => centre(a) - centre(b));
    }
    let x = 0;
    row.forEach((n) => { n.x = x + width(n) / 2; x += width(n) + GAP.x; });
    row.width = x - GAP.x;
  });
  const total = Math.max(NODE.w, ...rows.map((r) => r.width));
  rows.forEach((row, l) => row.forEach((n) => {
    n.x += (total - row.width) / 2;
    n.top = l * (NODE.h + GAP.y);
    n.bottom = n.top + NODE.h;
  }));
  return { item, routes, width: total, height: depth * (NODE.h + GAP.y) - GAP.y };
}

/** The SVG: a box per step (id, what it does, its counts), an arrow per transition with its kind and count. */
function graph(doc, edges, stats) {
  const { item, routes, width, height } = layout(doc, edges);
  const pad = 8;
  const stepStats = (id) => (stats && (stats.steps || {})[id]) || null;
  const arrows = routes.map(({ edge, path }) => {
    let d = `M ${path[0].x} ${path[0].bottom}`;
    for (let i = 1; i < path.length; i++) {
      const a = path[i - 1];
      const b = path[i];
      const mid = (a.bottom + b.top) / 2;
      d += ` C ${a.x} ${mid} ${b.x} ${mid} ${b.x} ${b.top}`;
      if (!b.step) d += ` L ${b.x} ${b.bottom}`;
    }
    const a = path[0];
    const b = path[1];
    const taken = stats ? edgeCount(stats, edge) : null;
    const label = stats ? `${edge.label} · ${count(taken)}` : edge.label;
    const x = (a.x + b.x) / 2;
    const y = (a.bottom + b.top) / 2;
    const w = label.length * 6.2 + 8; // about 6 units a character at 11px: a backing wide enough to hide the line
    return svg('g', { class: taken === 0 ? 'edge zero' : 'edge', 'data-from': edge.from, 'data-to': edge.to },
      svg('path', { d, 'marker-end': 'url(#journey-arrow)' }),
      svg('rect', { x: x - w / 2, y: y - 8, width: w, height: 15, rx: 3, class: 'label-back' }),
      svg('text', { x, y: y + 4, 'text-anchor': 'middle' }, label));
  });
  const boxes = Object.entries(doc.steps).map(([id, s]) => {
    const n = item.get(id);
    const left = n.x - NODE.w / 2;
    const st = stepStats(id);
    const sent = stats && s.type === 'send' ? (stats.messages || {})[id] || {} : null;
    const third = sent ? `sent ${count(sent.sent)} · opened ${count(sent.opened)}` : endedText(st);
    return svg('g', { class: `node node-${s.type}${id === doc.start ? ' start' : ''}`, 'data-step': id },
      svg('title', {}, `${id}: ${summary(s)}`),
      svg('rect', { x: left, y: n.top, width: NODE.w, height: NODE.h, rx: 7 }),
      svg('text', { x: left + 10, y: n.top + 18, class: 'step-id' }, clip(id, st ? 22 : 29)),
      svg('text', { x: left + 10, y: n.top + 35, class: 'step-summary' }, clip(summary(s), 33)),
      third ? svg('text', { x: left + 10, y: n.top + 51, class: 'step-counts' }, clip(third, 33)) : null,
      st ? svg('text', { x: left + NODE.w - 8, y: n.top + 18, class: 'step-entered', 'text-anchor': 'end' }, `▸ ${count(st.entered)}`) : null);
  });
  return h('figure', { class: 'journey-graph-box' },
    svg('svg', {
      class: 'journey-graph', viewBox: `${-pad} ${-pad} ${width + 2 * pad} ${height + 2 * pad}`, width: width + 2 * pad, height: height + 2 * pad,
      role: 'img', 'aria-label': `${Object.keys(doc.steps).length} steps and ${edges.length} transitions, starting at ${doc.start}; the tables below list them`,
    },
    svg('defs', {}, svg('marker', { id: 'journey-arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
      svg('path', { d: 'M 0 0 L 10 5 L 0 10 z' }))),
    arrows, boxes),
    h('figcaption', { class: 'muted' }, stats ? '▸ entered the step; on each arrow, how it left and how many times (last 30 days).'
      : 'Each arrow says how a step leads to the next.'));
}

function endedText(st) {
  if (!st) return '';
  const exited = Object.values(st.exited || {}).reduce((sum, n) => sum + n, 0);
  const ended = (st.edges || {}).end || 0;
  return [ended ? `ended ${count(ended)}` : '', exited ? `exited ${count(exited)}` : ''].filter(Boolean).join(' · ');
}

const clip = (text, n) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);

function totalsOf(stats, period) {
  const t = stats.totals || {};
  const exited = Object.entries(t.exited || {});
  return h('div', { class: 'journey-totals' },
    table(`Totals, ${period.from} to ${period.to}`, ['Entered', 'Completed', 'Exited', 'Converted'],
      [[count(t.entered), count(t.completed), count(exited.reduce((sum, [, n]) => sum + n, 0)), count(t.converted)]], { class: 'numbers', id: 'journey-totals' }),
    exited.length ? h('p', { class: 'muted' }, 'Exits by reason: ', exited.map(([r, n]) => `${r} ${count(n)}`).join(', ')) : null);
}

/** Every step with what it does and, when numbers exist, how many entered, ended there and left by an exit. */
function stepsTable(doc, stats) {
  const rows = Object.entries(doc.steps).map(([id, s]) => {
    const st = (stats && (stats.steps || {})[id]) || {};
    const m = stats && s.type === 'send' ? (stats.messages || {})[id] || {} : null;
    const exited = Object.entries(st.exited || {}).map(([r, n]) => `${r} ${count(n)}`).join(', ');
    return [id, s.type, summary(s), stats ? count(st.entered) : '–', stats ? count((st.edges || {}).end) : '–', exited || (stats ? '0' : '–'),
      m ? `${count(m.sent)} / ${count(m.delivered)} / ${count(m.opened)} / ${count(m.clicked)}` : ''];
  });
  return table('Steps', ['Step', 'Type', 'What it does', 'Entered', 'Ended here', 'Exited', 'Sent / delivered / opened / clicked'], rows, { id: 'journey-steps' });
}

function armsTable(stats) {
  const rows = Object.entries(stats.arms || {}).flatMap(([step, arms]) => Object.entries(arms).map(([arm, a]) => [
    `${step} ${arm}`, count(a.entered), count(a.converted), rate(a.conversionRate, a.entered)]));
  return rows.length === 0 ? null : table('Split arms', ['Arm', 'Entered', 'Converted', 'Conversion rate'], rows, { id: 'journey-arms', class: 'numbers' });
}
