// Forms that edit a definition. Each field knows the JSON pointer of what it edits, so an API error that names a field
// (error.field, e.g. /conditions/0/op) is shown next to that field, the field marked invalid and focused.
import { h } from './dom.js';

let ids = 0;

/**
 * A labelled control with a slot for its error. pointer: the JSON pointer of the document field it edits; hint: a line
 * of help under it. The control gets an id (when it has none) so the label and the error can point at it.
 */
export function field(label, control, { pointer, hint, wide } = {}) {
  if (!control.id) control.id = `f${++ids}`;
  const error = h('p', { class: 'field-error', id: `${control.id}-error`, role: 'alert' });
  const help = hint ? h('p', { class: 'hint', id: `${control.id}-hint` }, hint) : null;
  if (help) control.setAttribute('aria-describedby', help.id);
  return h('div', { class: wide ? 'field wide' : 'field', 'data-pointer': pointer }, h('label', { for: control.id }, label), control, help, error);
}

/** A group of fields for one element of a list (a condition, a variant), under its pointer (e.g. /conditions/0). */
export function group(pointer, ...children) {
  return h('div', { class: 'group', 'data-pointer': pointer }, children, h('p', { class: 'field-error', id: `g${++ids}-error`, role: 'alert' }));
}

/** Clears every error shown in the form. */
export function clearErrors(form) {
  for (const slot of form.querySelectorAll('.field-error, .form-error')) slot.textContent = '';
  for (const bad of form.querySelectorAll('[aria-invalid="true"]')) bad.removeAttribute('aria-invalid');
}

/**
 * Shows an API error in the form: at the field whose pointer is error.field, else at the nearest enclosing one (a
 * pointer that is a prefix of it), else in the form's own error line. prefix is taken off first (a draft inside a test
 * request is named /trigger/...). Returns the element where it was shown.
 */
export function showError(form, error, prefix = '') {
  clearErrors(form);
  const message = error && error.message ? error.message : String(error);
  let pointer = error && typeof error.field === 'string' ? error.field : '';
  if (prefix && pointer.startsWith(prefix)) pointer = pointer.slice(prefix.length);
  const target = pointer ? closest(form, pointer) : null;
  if (target) {
    const slot = target.querySelector(':scope > .field-error') || target.querySelector('.field-error');
    slot.textContent = message;
    const control = target.querySelector(':scope > input, :scope > select, :scope > textarea') || target.querySelector('input, select, textarea');
    if (control) {
      control.setAttribute('aria-invalid', 'true');
      control.setAttribute('aria-describedby', slot.id);
      control.focus();
    }
    return target;
  }
  const line = form.querySelector('.form-error');
  line.textContent = pointer ? `${message} (${pointer})` : message;
  return line;
}

/** The form's own error line, for errors that name no field of it. */
export function formError() {
  return h('p', { class: 'form-error message', role: 'alert' });
}

function closest(form, pointer) {
  let best = null;
  for (const el of form.querySelectorAll('[data-pointer]')) {
    const p = el.dataset.pointer;
    if ((p === pointer || pointer.startsWith(`${p}/`)) && (!best || p.length > best.dataset.pointer.length)) best = el;
  }
  return best && best.querySelector('.field-error') ? best : null;
}

/** Asks before something that cannot be undone; true when the person agreed. */
export const confirmed = (question) => window.confirm(question);
