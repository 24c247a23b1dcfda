// Skip logic of survey forms: <form data-skip-logic> holds questions and
// sections with data-relevant, the parsed XLSForm condition as JSON (the
// tree internal/surveyform.Expr serialises). A question whose condition,
// or whose section's, does not hold is hidden and its inputs disabled, so
// that nothing is sent for it; the server applies the same rules.

function answersOf(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name || el.disabled) continue;
    if ((el.type === 'radio' || el.type === 'checkbox') && !el.checked) continue;
    out[el.name] = out[el.name] ? out[el.name] + ' ' + el.value : el.value;
  }
  return out;
}

function num(v) {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v.trim());
    return Number.isNaN(n) ? NaN : n;
  }
  return NaN;
}

function truthy(v) {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v);
  return typeof v === 'string' && v !== '';
}

function fields(s) {
  return (s || '').split(/\s+/).filter(Boolean);
}

// value mirrors Expr.value in internal/surveyform/relevant.go.
function value(e, a) {
  switch (e.op) {
    case 'ref': return a[e.name] || '';
    case 'str': return e.str || '';
    case 'num': return e.num || 0;
    case 'selected': return fields(a[e.name]).includes(e.str || '');
    case 'count': return fields(a[e.name]).length;
    case 'not': return !truthy(value(e.args[0], a));
    case 'and': return truthy(value(e.args[0], a)) && truthy(value(e.args[1], a));
    case 'or': return truthy(value(e.args[0], a)) || truthy(value(e.args[1], a));
  }
  const l = value(e.args[0], a);
  const r = value(e.args[1], a);
  if (typeof l === 'string' && typeof r === 'string' && (e.op === '=' || e.op === '!=')) {
    return (l === r) === (e.op === '=');
  }
  const x = num(l);
  const y = num(r);
  switch (e.op) {
    case '=': return x === y;
    case '!=': return x !== y;
    case '<': return x < y;
    case '<=': return x <= y;
    case '>': return x > y;
    case '>=': return x >= y;
  }
  return false;
}

function holds(el, answers) {
  const cond = el.dataset.relevant;
  if (!cond) return true;
  try {
    return truthy(value(JSON.parse(cond), answers));
  } catch {
    return true;
  }
}

function apply(form) {
  // Questions in order: a question's answer counts for later conditions
  // only while it is shown, as on the server.
  for (const el of form.querySelectorAll('[data-relevant], [data-question]')) {
    const answers = answersOf(form);
    const section = el.closest('fieldset.survey-section');
    const shown = holds(el, answers) && (el === section || !section || !section.hidden);
    if (el.hidden === !shown) continue;
    el.hidden = !shown;
    for (const input of el.querySelectorAll('input, select, textarea')) input.disabled = !shown;
  }
}

export function initSkipLogic(root) {
  for (const form of root.querySelectorAll('form[data-skip-logic]')) {
    if (form.dataset.skipLogicReady) continue;
    form.dataset.skipLogicReady = '1';
    form.addEventListener('input', () => apply(form));
    form.addEventListener('change', () => apply(form));
    apply(form);
  }
}
