// Validation as you type in the forms of reported figures: each numeric
// cell (input[data-value-type]) is checked as the server checks it
// (aldyn.ParseValue) and marked with the form's translated message; a
// grid's row totals follow the cells. The server still decides: this only
// spares a round trip.

const BOOLEANS = new Set(['1', '0', 'yes', 'no', 'true', 'false', 'да', 'нет', 'ооба', 'жок']);

/** The translated message's data attribute of the form, or "" when the value is fine. */
export function cellProblem(type, raw) {
  const s = raw.trim();
  if (s === '' || type === 'text') return '';
  if (type === 'boolean') return BOOLEANS.has(s.toLowerCase()) ? '' : 'invalidBoolean';
  const n = Number(s.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.').replace(/%$/, ''));
  if (!Number.isFinite(n)) return 'invalidNumber';
  if (type === 'integer' && !Number.isInteger(n)) return 'invalidInteger';
  if (type === 'percent' && (n < 0 || n > 100)) return 'invalidPercent';
  return '';
}

function numberOf(raw) {
  const n = Number(raw.trim().replace(/[\s\u00a0\u202f]/g, '').replace(',', '.'));
  return Number.isFinite(n) ? n : 0;
}

function check(input) {
  const form = input.closest('form[data-invalid-number]');
  if (!form) return;
  const key = cellProblem(input.dataset.valueType, input.value);
  const err = document.getElementById('e-' + input.id);
  if (key) {
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', 'e-' + input.id);
    if (err) {
      err.textContent = form.dataset[key] || '';
      err.hidden = false;
    }
  } else {
    input.removeAttribute('aria-invalid');
    if (err) {
      err.textContent = '';
      err.hidden = true;
    }
  }
  const row = input.closest('tr');
  const total = row && row.querySelector('[data-row-total]');
  if (total) {
    let sum = 0;
    for (const cell of row.querySelectorAll('input[data-value-type]')) sum += numberOf(cell.value);
    total.textContent = String(Math.round(sum * 1e6) / 1e6);
  }
}

/** Installs the delegated listener once, and fills the row totals of root. */
export function initDataForms(doc) {
  doc.addEventListener('input', (ev) => {
    const t = ev.target;
    if (t instanceof HTMLInputElement && t.dataset.valueType) check(t);
  });
}

export function initRowTotals(root) {
  for (const row of root.querySelectorAll('tr')) {
    const first = row.querySelector('input[data-value-type]');
    if (first && row.querySelector('[data-row-total]')) check(first);
  }
}
