// The error summary of a form shown again with its errors (the template
// "error_summary" in _layout.html): one item per bad field, a link to it.
//
// The server links every item to #f-<field>. A few errors concern a group
// (a title given in none of three languages, a set of check boxes): those
// point here at the group's first field. Each link gets its field's label,
// so "Required" reads "Name in Kyrgyz: Required"; the items follow the
// form's order, and the focus moves to the summary, which a screen reader
// then reads, and from which a click or Enter goes to the field.

const CONTROL = 'input:not([type=hidden]), select, textarea';

/** Wires the page's error summary, if it has one, and focuses it. */
export function initErrorSummary(doc) {
  const box = doc.querySelector('[data-error-summary]');
  if (!box) return;
  const list = box.querySelector('ul');
  const items = [];
  for (const a of box.querySelectorAll('a[data-field]')) {
    const field = a.dataset.field;
    const target = fieldFor(doc, field);
    const li = a.closest('li');
    if (!target) {
      // Nothing on the page to go to: the message stays, as text.
      const span = doc.createElement('span');
      span.textContent = a.textContent;
      a.replaceWith(span);
      items.push({ li, target: null });
      continue;
    }
    if (!target.id) target.id = uniqueID(doc, `f-${field}`);
    a.setAttribute('href', `#${target.id}`);
    const label = labelOf(doc, target, field);
    if (label && !a.textContent.startsWith(label)) a.textContent = `${label}: ${a.textContent.trim()}`;
    items.push({ li, target });
  }
  // In the order of the form; items without a field last.
  items.sort((x, y) => {
    if (!x.target || !y.target) return (x.target ? 0 : 1) - (y.target ? 0 : 1);
    return x.target.compareDocumentPosition(y.target) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
  });
  if (list) for (const it of items) list.append(it.li);

  box.addEventListener('click', (ev) => {
    const a = ev.target instanceof Element ? ev.target.closest('a[href^="#"]') : null;
    if (!a) return;
    const target = doc.getElementById(a.getAttribute('href').slice(1));
    if (!target) return;
    ev.preventDefault();
    // Show the field with its label above it, then focus it without
    // scrolling again.
    const label = target.id ? doc.querySelector(`label[for="${CSS.escape(target.id)}"]`) : null;
    const legend = target.closest('fieldset')?.querySelector('legend');
    (label || legend || target).scrollIntoView({ block: 'start' });
    target.focus({ preventScroll: true });
  });
  box.focus();
}

// fieldFor finds the control an error of field is about.
function fieldFor(doc, field) {
  const esc = CSS.escape(field);
  const byID = doc.getElementById(`f-${field}`);
  if (byID) return firstControl(byID);
  const form = doc.querySelector('main');
  if (!form) return null;
  return form.querySelector(`[data-field="${esc}"]:not(a)`) && firstControl(form.querySelector(`[data-field="${esc}"]:not(a)`)) ||
    form.querySelector(`[name="${esc}"]:not([type=hidden])`) ||
    // A group of fields in three languages: title_ky, title_ru, title_en.
    form.querySelector(`[name^="${esc}_"]:not([type=hidden])`) ||
    firstControl(doc.getElementById(`e-${field}`)?.closest('.field, fieldset')) ||
    form.querySelector('[data-error-rest]');
}

// firstControl is el when it is a control, or the first control inside it.
function firstControl(el) {
  if (!el) return null;
  if (el.matches(CONTROL)) return el;
  return el.querySelector(CONTROL);
}

// labelOf is the text of the control's label: its <label>, or for a group
// error, the legend of its fieldset.
function labelOf(doc, el, field) {
  const grouped = el.name !== field && el.id !== `f-${field}` && el.closest("fieldset");
  const legend = el.closest('fieldset')?.querySelector('legend');
  const label = el.id ? doc.querySelector(`label[for="${CSS.escape(el.id)}"]`) : el.closest('label');
  const node = grouped && legend ? legend : label || legend;
  if (!node) return '';
  // The label without its required mark and without a nested control's text.
  const copy = node.cloneNode(true);
  for (const x of copy.querySelectorAll('[aria-hidden="true"], select, textarea, input')) x.remove();
  return copy.textContent.replace(/\s*\*\s*$/, '').replace(/\s+/g, ' ').trim();
}

function uniqueID(doc, base) {
  let id = base;
  for (let n = 2; doc.getElementById(id); n++) id = `${base}-${n}`;
  return id;
}
