// The questions of the chosen category on the residents' form:
//
//   <select data-attributes-switch> (the category)
//   <fieldset data-attributes-for="7"> … </fieldset>   one per category
//
// Only the chosen category's fieldset is shown and sent; the others are
// hidden and disabled, so their fields neither show nor post. Without
// script the server shows every category's questions and reads those of
// the category chosen.
import { matchAll } from './util.js';

const wired = new WeakSet();

/** Wires every category switch in root (root included), once. */
export function initCategoryAttributes(root) {
  for (const sel of matchAll(root, 'select[data-attributes-switch]')) {
    if (wired.has(sel) || !sel.form) continue;
    wired.add(sel);
    const apply = () => {
      for (const fs of sel.form.querySelectorAll('fieldset[data-attributes-for]')) {
        const on = fs.dataset.attributesFor === sel.value;
        fs.hidden = !on;
        fs.disabled = !on;
      }
    };
    sel.addEventListener('change', apply);
    apply();
  }
}
