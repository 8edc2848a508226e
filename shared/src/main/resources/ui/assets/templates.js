// Templates: a template's page and its editor with a live preview.
import { h, table, emailFrame } from './dom.js';
import { get, find, seg } from './api.js';
import { definition, readOnly, fact, missing } from './definitions.js';

export async function template(id) {
  const t = await find(`/v1/templates/${seg(id)}`);
  if (!t) return missing('Template', id);
  return h('section', { class: 'definition' },
    h('h1', {}, 'Template ', h('code', {}, t.id)),
    readOnly(),
    h('dl', { class: 'facts' }, fact('Channel', t.channel), fact('Subject', t.subject)),
    t.html ? [h('h2', {}, 'HTML as written (Liquid not rendered)'), emailFrame(t.html, 'Template HTML')] : null,
    t.text ? [h('h2', {}, 'Text'), h('pre', { class: 'text-part' }, t.text)] : null,
    t.body ? [h('h2', {}, 'Body'), h('pre', { class: 'sms' }, t.body)] : null,
    definition(t));
}

/** Every template, newest definition first as the API lists them. */
export async function templates() {
  const list = (await get('/v1/templates')).templates;
  return h('section', {},
    h('h1', {}, 'Templates'),
    list.length === 0 ? h('p', { class: 'muted' }, 'No templates yet.')
      : table('Templates', ['Template', 'Channel', 'Subject'], list.map((t) => [
        h('a', { href: `/ui/templates/${seg(t.id)}` }, t.id), t.channel, t.subject || '']), { id: 'templates-table' }));
}
