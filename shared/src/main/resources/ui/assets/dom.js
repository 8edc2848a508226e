// Building the page with DOM calls only: text goes in as text nodes, never as HTML, so data cannot become markup.

/**
 * An element: attrs sets properties/attributes (on* names become listeners), children are nodes, strings (as text),
 * or null/false (skipped), nested in arrays as convenient.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === 'class') {
      el.className = value;
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces everything inside el. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

const SVG = 'http://www.w3.org/2000/svg';

/** An SVG element (charts): attributes only, children as for h. */
export function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined && value !== false) el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

/** A table: headers are strings; each row an array of cells (nodes or text). */
export function table(caption, headers, rows, attrs = {}) {
  return h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': caption },
    h('table', attrs,
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, headers.map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((c, i) => (i === 0 ? h('th', { scope: 'row' }, c) : h('td', {}, c))))))));
}

/** An email's HTML in a frame with every sandbox restriction (no scripts, no forms, no same-origin access). */
export function emailFrame(html, title) {
  return h('iframe', { class: 'email-frame', sandbox: '', referrerpolicy: 'no-referrer', title, srcdoc: html });
}
