// Templates: the list, and a template's editor with a live preview (the draft as typed, for a chosen user, event and
// locale). Every field knows its JSON pointer, so the API's errors (a save refused, a Liquid error) show at the field.
import { h, mount, table, emailFrame } from './dom.js';
import { get, send, find, seg, ApiError } from './api.js';
import { json } from './format.js';
import { field, group, showError, clearErrors, confirmed } from './forms.js';
import { missing } from './definitions.js';
import { webhookRequest } from './messages.js';

const CHANNELS = ['email', 'sms', 'push', 'webhook'];
const ID = /^[A-Za-z0-9_-]{1,64}$/;
/** Each channel's parts: name, label, control; required parts are always sent (the API names an empty one). */
const PARTS = {
  email: [
    { name: 'subject', label: 'Subject', kind: 'input', required: true },
    { name: 'html', label: 'HTML', kind: 'textarea', hint: 'HTML, text or both.' },
    { name: 'text', label: 'Text', kind: 'textarea' },
  ],
  sms: [{ name: 'body', label: 'Body', kind: 'textarea', required: true }],
  push: [
    { name: 'title', label: 'Title', kind: 'input', required: true },
    { name: 'body', label: 'Body', kind: 'textarea', required: true },
    { name: 'data', label: 'Data (JSON object of strings)', kind: 'json' },
  ],
  webhook: [
    { name: 'method', label: 'Method', kind: 'input', hint: 'POST (empty), PUT or PATCH.' },
    { name: 'url', label: 'URL', kind: 'input', required: true, hint: 'https://…; Liquid. A private or plain-http destination is refused.' },
    { name: 'headers', label: 'Headers (JSON object of strings)', kind: 'json', hint: 'e.g. {"Content-Type": "application/json"}; values are Liquid.' },
    { name: 'body', label: 'Body', kind: 'textarea', hint: 'Liquid, not escaped for you: place values in JSON with the json filter.' },
    { name: 'secret', label: 'Secret', kind: 'secret', hint: 'Signs each request. Write-only: leave empty to keep the stored one.' },
  ],
};
/** Channels without per-locale variants (a webhook's request is its receiver's, not its reader's language). */
const NO_LOCALES = ['webhook'];
const PREVIEW_DELAY_MS = 250;

/** Every template, with a form that opens the editor for a new id. */
export async function templates(navigate) {
  const list = (await get('/v1/templates')).templates;
  const id = h('input', { id: 'new-template-id', name: 'id', required: true, autocomplete: 'off', spellcheck: 'false', placeholder: 'cart_reminder' });
  const channel = h('select', { id: 'new-template-channel', name: 'channel' }, CHANNELS.map((c) => h('option', { value: c }, c)));
  const create = h('form', {
    class: 'filters new-template', 'aria-label': 'New template',
    onSubmit: (e) => {
      e.preventDefault();
      const wanted = id.value.trim();
      if (!ID.test(wanted)) {
        showError(create, { field: '/id', message: 'An id is 1-64 characters of A-Z, a-z, 0-9, _ and -.' });
        return;
      }
      navigate(`/ui/templates/${seg(wanted)}?channel=${channel.value}`);
    },
  }, field('Id', id, { pointer: '/id' }), field('Channel', channel, { pointer: '/channel' }),
  h('button', { type: 'submit' }, 'New template'), h('p', { class: 'form-error', role: 'alert' }));
  return h('section', {},
    h('h1', {}, 'Templates'),
    create,
    list.length === 0 ? h('p', { class: 'muted' }, 'No templates yet.')
      : table('Templates', ['Template', 'Channel', 'Content', 'Locales'], list.map((t) => [
        h('a', { href: `/ui/templates/${seg(t.id)}` }, t.id), t.channel, start(t.subject || t.title || t.body || t.text || ''),
        Object.keys(t.locales || {}).join(', ') || '–']), { id: 'templates-table' }));
}

/** The editor of one template; an id not saved yet opens an empty one (channel from ?channel=). */
export async function template(id, navigate, params = new URLSearchParams()) {
  if (!ID.test(id)) return missing('Template', id);
  const [stored, triggerList] = await Promise.all([find(`/v1/templates/${seg(id)}`), get('/v1/triggers').catch(() => ({ triggers: [] }))]);
  const editor = new Editor(id, stored, CHANNELS.includes(params.get('channel')) ? params.get('channel') : 'email', navigate);
  const users = (triggerList.triggers || []).filter((t) => t.template === id);
  return h('section', { class: 'definition template-editor' },
    h('h1', {}, 'Template ', h('code', {}, id)),
    editor.status,
    h('div', { class: 'template-columns' }, editor.form, editor.pane),
    users.length === 0 ? null : h('p', { class: 'used-by' }, 'Used by ', users.map((t, i) => [i ? ', ' : '',
      h('a', { href: `/ui/triggers/${seg(t.id)}` }, `trigger ${t.id}`), ' (', h('a', { href: `/ui/messages?triggerId=${seg(t.id)}` }, 'its messages'), ')']), '.'));
}

/** The editor's state: the form of the template, the preview inputs and what they show. */
class Editor {
  constructor(id, stored, channel, navigate) {
    this.id = id;
    this.navigate = navigate;
    this.saved = stored !== null;
    this.channel = stored ? stored.channel : channel;
    /** Which errors the form shows: the preview's (cleared when the draft previews), the last save's, or none. */
    this.errors = null;
    this.sequence = 0;
    this.timer = undefined;
    const doc = stored || { channel: this.channel };
    this.status = h('p', { class: 'muted', id: 'template-status' });
    this.savedLine = h('span', { class: 'saved', id: 'template-saved', role: 'status' });
    this.storedAnswer = h('div', { id: 'template-stored' });
    this.parts = h('div', { class: 'template-parts' });
    this.newLocale = h('input', { id: 'new-locale', name: 'locale', autocomplete: 'off', spellcheck: 'false', placeholder: 'de' });
    this.localeRow = h('div', { class: 'row add-locale' },
      field('Add a locale', this.newLocale, { pointer: '/new-locale', hint: 'A BCP 47 tag such as de or pt-BR; users whose locale matches get this variant.' }),
      h('button', { type: 'button', class: 'secondary', onClick: () => this.addLocale() }, 'Add locale'));
    this.deleteButton = h('button', { type: 'button', class: 'secondary danger', id: 'template-delete', onClick: () => this.remove() }, 'Delete');
    this.form = h('form', {
      class: 'editor', id: 'template-form', 'aria-label': 'Edit the template', novalidate: true,
      onSubmit: (e) => {
        e.preventDefault();
        this.save();
      },
      onInput: (e) => this.edited(e),
    },
    this.saved ? null : field('Channel', h('select', { id: 'template-channel', name: 'channel', onChange: (e) => this.switchChannel(e.target.value) },
      CHANNELS.map((c) => h('option', { value: c, selected: c === this.channel }, c))), { pointer: '/channel', hint: 'Chosen before the first save: a trigger names a template of its channel.' }),
    this.parts,
    this.localeRow,
    h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'template-save' }, 'Save'), this.deleteButton, this.savedLine),
    h('p', { class: 'form-error', role: 'alert' }),
    this.storedAnswer);
    this.previewUser = h('input', { id: 'preview-user', name: 'userId', autocomplete: 'off', spellcheck: 'false', placeholder: 'ada' });
    this.previewLocale = h('select', { id: 'preview-locale', name: 'locale' });
    this.eventName = h('input', { id: 'preview-event', name: 'event', autocomplete: 'off', spellcheck: 'false', placeholder: 'preview' });
    this.eventProperties = h('textarea', { id: 'preview-properties', name: 'properties', rows: '2', spellcheck: 'false', placeholder: '{"total": 42}' });
    this.inputs = h('form', {
      class: 'preview-inputs', id: 'preview-form', 'aria-label': 'Preview for', novalidate: true,
      onSubmit: (e) => {
        e.preventDefault();
        this.preview();
      },
      onInput: () => this.schedule(),
      onChange: () => this.schedule(),
    },
    field('User id', this.previewUser, { pointer: '/userId', hint: 'A stored user (optional): the template sees their profile.' }),
    field('Locale', this.previewLocale, { pointer: '/locale' }),
    field('Event name', this.eventName, { pointer: '/event/name' }),
    field('Event properties (JSON)', this.eventProperties, { pointer: '/event/properties', wide: true }),
    h('p', { class: 'form-error', role: 'alert' }));
    this.output = h('div', { class: 'preview-output', id: 'preview-output', 'aria-live': 'polite' });
    this.pane = h('aside', { class: 'preview-pane', 'aria-label': 'Preview' }, h('h2', {}, 'Preview'), this.inputs, this.output);
    this.build(doc);
    this.showStatus();
    this.preview();
  }

  showStatus() {
    this.status.textContent = this.saved
      ? `${this.channel === 'email' ? 'An' : 'A'} ${this.channel} template. Edits preview as you type; Save stores them.`
      : `Not saved yet: a new ${this.channel} template. Edits preview as you type; Save stores it.`;
    this.deleteButton.hidden = !this.saved;
    this.localeRow.hidden = NO_LOCALES.includes(this.channel);
    const localeField = this.previewLocale.closest('[data-pointer]');
    if (localeField) localeField.hidden = NO_LOCALES.includes(this.channel);
  }

  /** (Re)builds the parts' fields from a document: the default parts, then one group per locale. */
  build(doc) {
    this.controls = { '': this.controlsFor(doc, '') };
    const locales = Object.keys(doc.locales || {});
    for (const tag of locales) this.controls[tag] = this.controlsFor(doc.locales[tag], `/locales/${tag}`);
    mount(this.parts,
      h('h2', {}, 'Default'),
      this.fieldsOf(''),
      locales.map((tag) => group(`/locales/${tag}`,
        h('h2', {}, 'Locale ', h('code', {}, tag)),
        this.fieldsOf(tag),
        h('button', { type: 'button', class: 'secondary danger', 'aria-label': `Remove the locale ${tag}`, onClick: () => this.removeLocale(tag) }, 'Remove locale'))));
    this.localeOptions(locales);
  }

  controlsFor(doc, pointer) {
    const controls = {};
    for (const part of PARTS[this.channel]) {
      const value = doc && doc[part.name] !== undefined ? doc[part.name] : '';
      const attrs = { id: `tpl${pointer.replace(/\//g, '-')}-${part.name}`, name: part.name, spellcheck: part.kind === 'input' ? 'true' : 'false' };
      if (part.kind === 'secret') {
        // never shown: reads say only whether one is stored
        controls[part.name] = h('input', { ...attrs, type: 'password', value: '', autocomplete: 'new-password',
          placeholder: doc && doc.secretSet ? 'a secret is stored' : 'none' });
      } else if (part.kind === 'input') {
        controls[part.name] = h('input', { ...attrs, value, autocomplete: 'off' });
      } else {
        const area = h('textarea', { ...attrs, rows: part.name === 'html' ? '10' : '4', class: `part-${part.name}` });
        area.value = part.kind === 'json' ? (value === '' ? '' : JSON.stringify(value, null, 2)) : value;
        controls[part.name] = area;
      }
    }
    return controls;
  }

  fieldsOf(tag) {
    const pointer = tag ? `/locales/${tag}` : '';
    return PARTS[this.channel].map((part) => field(part.label, this.controls[tag][part.name], {
      pointer: `${pointer}/${part.name}`, wide: true,
      hint: part.kind === 'json' && tag ? 'Empty: the default\'s data.' : part.hint,
    }));
  }

  /** The locale select: the user's own locale (or the default parts), then each locale of the draft. */
  localeOptions(locales) {
    const chosen = this.previewLocale.value;
    mount(this.previewLocale,h('option', { value: '' }, 'User\'s locale / default'),
      locales.map((tag) => h('option', { value: tag, selected: tag === chosen }, tag)));
  }

  /** The draft as the API takes it, or the fields that keep it from being one (JSON that does not parse). */
  draft() {
    const problems = [];
    const doc = { channel: this.channel, ...this.partsOf('', problems) };
    const tags = Object.keys(this.controls).filter((t) => t !== '');
    if (tags.length > 0) {
      doc.locales = {};
      for (const tag of tags) doc.locales[tag] = this.partsOf(tag, problems);
    }
    return { doc, problems };
  }

  partsOf(tag, problems) {
    const out = {};
    for (const part of PARTS[this.channel]) {
      const value = this.controls[tag][part.name].value;
      if (part.kind === 'json') {
        if (value.trim() === '') continue;
        try {
          out[part.name] = JSON.parse(value);
        } catch (e) {
          problems.push({ field: `${tag ? `/locales/${tag}` : ''}/${part.name}`, message: `This is not JSON: ${e.message}` });
        }
      } else if (part.required || value !== '') {
        out[part.name] = value;
      }
    }
    return out;
  }

  edited(e) {
    if (e.target === this.newLocale || e.target.id === 'template-channel') return;
    if (this.errors === 'save') {
      clearErrors(this.form);
      this.errors = null;
    }
    if (this.savedLine.textContent === 'Saved') this.savedLine.textContent = 'Changed since saved';
    this.schedule();
  }

  switchChannel(channel) {
    this.channel = channel;
    this.build({ channel });
    this.showStatus();
    this.schedule();
  }

  addLocale() {
    const tag = this.newLocale.value.trim();
    const problem = tag === '' ? 'Type a locale such as de.' : this.controls[tag] || tag.includes('/') ? `There is a ${tag} variant already, or it is no tag.` : null;
    if (problem) {
      showError(this.form, { field: '/new-locale', message: problem });
      return;
    }
    const { doc } = this.draft();
    // a new variant starts as a copy of the default parts: the text to translate
    const parts = { ...doc };
    delete parts.channel;
    delete parts.locales;
    doc.locales = { ...(doc.locales || {}), [tag]: parts };
    this.newLocale.value = '';
    this.build(doc);
    this.schedule();
    this.controls[tag][PARTS[this.channel][0].name].focus();
  }

  removeLocale(tag) {
    const { doc } = this.draft();
    delete doc.locales[tag];
    if (Object.keys(doc.locales).length === 0) delete doc.locales;
    this.build(doc);
    this.schedule();
  }

  schedule() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.preview(), PREVIEW_DELAY_MS);
  }

  /** Renders the draft through the API; an answer to an older request than the latest is dropped. */
  async preview() {
    clearTimeout(this.timer);
    const mine = ++this.sequence;
    const { doc, problems } = this.draft();
    const request = { template: doc };
    const inputProblems = [];
    const userId = this.previewUser.value.trim();
    if (userId) request.userId = userId;
    if (this.previewLocale.value) request.locale = this.previewLocale.value;
    const name = this.eventName.value.trim();
    const properties = this.eventProperties.value.trim();
    if (name || properties) {
      request.event = {};
      if (name) request.event.name = name;
      if (properties) {
        try {
          request.event.properties = JSON.parse(properties);
        } catch (e) {
          inputProblems.push({ field: '/event/properties', message: `This is not JSON: ${e.message}` });
        }
      }
    }
    quietly(() => clearErrors(this.inputs));
    if (this.blank()) {
      this.unmarkDraft();
      mount(this.output, h('p', { class: 'muted' }, 'Write the template to see it here as it will be sent.'));
      return;
    }
    if (problems.length > 0 || inputProblems.length > 0) {
      if (problems.length > 0) this.markDraft(problems[0]);
      if (inputProblems.length > 0) quietly(() => showError(this.inputs, inputProblems[0]));
      this.output.replaceChildren(h('p', { class: 'muted' }, 'Fix the marked field to see the preview.'));
      return;
    }
    let answer;
    let failure;
    try {
      answer = await send('POST', `/v1/templates/${seg(this.id)}/preview`, request);
    } catch (e) {
      failure = e;
    }
    if (mine !== this.sequence) return;
    if (failure) {
      if (!(failure instanceof ApiError) || !failure.field) {
        mount(this.output, h('p', { class: 'preview-error', id: 'preview-error' }, `No preview: ${failure.message}`));
        return;
      }
      const pointer = failure.field || '';
      if (pointer === '/template' || pointer.startsWith('/template/')) {
        this.markDraft({ field: pointer.slice('/template'.length), message: failure.message });
        this.output.replaceChildren(h('p', { class: 'preview-error', id: 'preview-error' }, `Not a template yet: ${failure.message}`));
      } else {
        this.unmarkDraft();
        quietly(() => showError(this.inputs, failure));
        this.output.replaceChildren(h('p', { class: 'muted' }, 'Fix the marked field to see the preview.'));
      }
      return;
    }
    if (answer.error) this.markDraft({ field: answer.error.field, message: liquidError(answer.error) });
    else this.unmarkDraft();
    mount(this.output, rendered(answer));
  }

  /** Whether nothing is written yet (a new template): nothing to preview, nothing to complain about. */
  blank() {
    return Object.values(this.controls).every((parts) => Object.entries(parts)
      .every(([name, control]) => name === 'secret' || control.value.trim() === ''));
  }

  /** Shows a problem of the draft at its field, unless the form shows a save's error (until the next edit). */
  markDraft(error) {
    if (this.errors === 'save') return;
    quietly(() => showError(this.form, error));
    this.errors = 'preview';
  }

  unmarkDraft() {
    if (this.errors !== 'preview') return;
    clearErrors(this.form);
    this.errors = null;
  }

  async save() {
    const { doc, problems } = this.draft();
    this.savedLine.textContent = '';
    if (problems.length > 0) {
      showError(this.form, problems[0]);
      this.errors = 'save';
      return;
    }
    try {
      const answer = await send('PUT', `/v1/templates/${seg(this.id)}`, doc);
      clearErrors(this.form);
      this.errors = null;
      this.savedLine.textContent = 'Saved';
      this.storedAnswer.replaceChildren(h('details', { class: 'raw' }, h('summary', {}, 'The stored answer'), h('pre', { id: 'template-answer' }, json(answer))));
      if (!this.saved) {
        this.saved = true;
        this.form.querySelector('#template-channel').disabled = true;
        this.showStatus();
      }
    } catch (e) {
      showError(this.form, e instanceof ApiError ? e : { message: `Not saved: ${e.message}` });
      this.errors = 'save';
      this.savedLine.textContent = 'Not saved';
    }
  }

  async remove() {
    if (!confirmed(`Delete the template ${this.id}? Messages not yet sent with it will fail.`)) return;
    try {
      await send('DELETE', `/v1/templates/${seg(this.id)}`);
      this.navigate('/ui/templates');
    } catch (e) {
      showError(this.form, { message: `Not deleted: ${e.message}` });
      this.errors = 'save';
    }
  }
}

/** "Line 3, column 4 in html: …" (line and column when the parser knows them). */
function liquidError(error) {
  const part = String(error.field || error.part).replace(/^\//, '');
  const where = error.line ? `Line ${error.line}, column ${error.column || 1} in ${part}` : `In ${part}`;
  return `${where}: ${error.message}`;
}

/** The preview answer as shown: the variant, a Liquid error, the channel's parts. */
function rendered(answer) {
  const variant = h('p', { class: 'muted', id: 'preview-variant' }, answer.locale ? `The ${answer.locale} variant.` : 'The default parts.');
  if (answer.error) {
    return [variant, h('p', { class: 'preview-error', id: 'preview-error' }, liquidError(answer.error)),
      h('p', { class: 'muted' }, `It is marked at the field (${answer.error.code}).`)];
  }
  if (answer.channel === 'sms') {
    const s = answer.sms;
    return [variant, h('pre', { class: 'sms', id: 'preview-body' }, answer.body),
      h('p', { class: 'sms-count', id: 'sms-segments' },
        `${s.segments} ${s.segments === 1 ? 'segment' : 'segments'} · ${s.encoding} · ${s.characters} characters`)];
  }
  if (answer.channel === 'webhook') return webhookRequest(answer); // one shape for every user: no locale variants
  if (answer.channel === 'push') {
    return [variant, h('dl', { class: 'facts' }, h('dt', {}, 'Title'), h('dd', { id: 'preview-title' }, answer.title),
      h('dt', {}, 'Body'), h('dd', { id: 'preview-body' }, answer.body)),
    Object.keys(answer.data || {}).length ? [h('h3', {}, 'Data'), h('pre', {}, json(answer.data))] : null];
  }
  return [variant, h('dl', { class: 'facts' }, h('dt', {}, 'Subject'), h('dd', { id: 'preview-subject' }, answer.subject)),
    answer.html !== undefined ? [h('h3', {}, 'HTML'), emailFrame(answer.html, 'The email as rendered')] : null,
    answer.text !== undefined ? [h('h3', {}, 'Text'), h('pre', { class: 'text-part', id: 'preview-text' }, answer.text)] : null];
}

/** Runs show (which focuses the field it marks) without taking the focus from where the person types. */
function quietly(show) {
  const active = document.activeElement;
  show();
  if (active && active !== document.activeElement && typeof active.focus === 'function') active.focus();
}

const start = (s) => (s.length > 60 ? `${s.slice(0, 59)}…` : s);
