// Validation as you type in the forms of reported figures: each numeric
// cell (input[data-value-type]) is checked as the server checks it
// (aldyn.ParseValue) and marked with the form's translated message; a
// grid's row totals follow the cells, and the data set's validation rules
// (data-rules: the trees aldyn.RuleExpr.MarshalJSON writes, parsed by the
// server) are evaluated as Eval does, the broken ones listed. The server
// still decides: this only spares a round trip.

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

const YES = new Set(['1', 'yes', 'true', 'да', 'ооба']);

// numberOf is the cell's value as the server reads it (aldyn.ParseValue);
// a blank or unreadable cell counts 0, as an empty cell does in the rules.
function numberOf(raw, type) {
  const s = raw.trim();
  if (type === 'boolean') return YES.has(s.toLowerCase()) ? 1 : 0;
  const n = Number(s.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.').replace(/%$/, ''));
  return Number.isFinite(n) ? n : 0;
}

// evalExpr mirrors aldyn.Expr.Eval on the tree aldyn.RuleExpr.MarshalJSON
// writes; get(code, option) is a value of the form.
export function evalExpr(e, get) {
  switch (e.op) {
    case 'n': return e.num || 0;
    case 'v': return get(e.code, e.option || '');
    case 'u': return -evalExpr(e.l, get);
    case '+': return evalExpr(e.l, get) + evalExpr(e.r, get);
    case '-': return evalExpr(e.l, get) - evalExpr(e.r, get);
    case '*': return evalExpr(e.l, get) * evalExpr(e.r, get);
    case '/': {
      const d = evalExpr(e.r, get);
      return d === 0 ? NaN : evalExpr(e.l, get) / d;
    }
  }
  return NaN;
}

// ruleHolds mirrors aldyn.RuleExpr.Holds: true, false, or null when a side
// cannot be computed (the rule does not apply).
export function ruleHolds(rule, get) {
  const a = evalExpr(rule.left, get);
  const b = evalExpr(rule.right, get);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return null;
  const eps = 1e-9;
  switch (rule.op) {
    case '<': return a < b - eps;
    case '<=': return a <= b + eps;
    case '>': return a > b + eps;
    case '>=': return a >= b - eps;
    case '==': return Math.abs(a - b) <= eps;
    default: return Math.abs(a - b) > eps;
  }
}

// formValues returns the getter of rule values of form: an element's
// total, or its cells whose combination holds the option.
function formValues(form) {
  const cells = [];
  for (const input of form.querySelectorAll('input[data-value-type]')) {
    const [, code, combo] = input.name.split(':');
    cells.push({ code, options: (combo || '').split(','), value: numberOf(input.value, input.dataset.valueType) });
  }
  return (code, option) => {
    let sum = 0;
    for (const c of cells) {
      if (c.code === code && (option === '' || c.options.includes(option))) sum += c.value;
    }
    return sum;
  };
}

// checkRules lists the rules the typed values break; the server checks
// them again when the form is submitted.
function checkRules(form) {
  const box = form.querySelector('#rule-checks');
  const list = form.querySelector('#rule-check-list');
  if (!box || !list || !form.dataset.rules) return;
  let rules;
  try {
    rules = JSON.parse(form.dataset.rules);
  } catch {
    return;
  }
  const get = formValues(form);
  list.replaceChildren();
  for (const r of rules) {
    if (ruleHolds(r.rule, get) !== false) continue;
    const li = document.createElement('li');
    li.dataset.rule = r.code;
    li.dataset.severity = r.severity;
    const badge = document.createElement('span');
    badge.className = 'badge badge-' + r.severity;
    badge.textContent = r.severity === 'hard' ? form.dataset.ruleHard : form.dataset.ruleSoft;
    li.append(badge, ' ', r.message);
    list.append(li);
  }
  box.hidden = list.children.length === 0;
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
    for (const cell of row.querySelectorAll('input[data-value-type]')) sum += numberOf(cell.value, cell.dataset.valueType);
    total.textContent = String(Math.round(sum * 1e6) / 1e6);
  }
  checkRules(form);
}

/** Installs the delegated listener once, and fills the row totals of root. */
export function initDataForms(doc) {
  doc.addEventListener('input', (ev) => {
    const t = ev.target;
    if (t instanceof HTMLInputElement && t.dataset.valueType) check(t);
  });
}

export function initRowTotals(root) {
  for (const form of root.querySelectorAll('form[data-rules]')) checkRules(form);
  for (const row of root.querySelectorAll('tr')) {
    const first = row.querySelector('input[data-value-type]');
    if (first && row.querySelector('[data-row-total]')) check(first);
  }
}
