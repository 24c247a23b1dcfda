// Small page behaviours declared with data attributes:
//
//   <button data-confirm="Delete?">   asks before it acts (also on <form>)
//   <div data-progress-url="/import/7/progress.json"
//        data-progress-done-url="/import/7">   optional: go there when done
//     <progress></progress> <span data-progress-text></span>
//     <span data-progress-message></span>
//   </div>
//   polls {done,total,state[,message]} every second until state is
//   "done" or "failed"; sets data-state on the element, fires
//   "aldyn:progress-end" (bubbling; htmx can trigger on it) and, when the
//   server said done or failed, goes to data-progress-done-url.
import { fetchJSON, formatNumber, safeURL, matchAll } from './util.js';

// Must match the breakpoint in app.css where the menu stops collapsing.
const WIDE = '(min-width: 48em)';

/**
 * Installs the delegated listeners once for the whole document, so content
 * htmx swaps in later needs no re-wiring.
 */
export function initBehaviours(doc) {
  // Filter drop-downs do not submit on change: arrow keys on a closed
  // <select> change it on Windows, and a page reload per key press strands
  // keyboard users. Filters apply with their button.

  // Capture phase: the question comes before htmx or the browser act on the
  // click, and a "no" stops both.
  doc.addEventListener('click', (ev) => {
    const t = ev.target instanceof Element ? ev.target.closest('[data-confirm]') : null;
    if (!t || t instanceof HTMLFormElement) return;
    if (!window.confirm(t.dataset.confirm || t.textContent.trim())) {
      ev.preventDefault();
      ev.stopImmediatePropagation();
    }
  }, true);
  doc.addEventListener('submit', (ev) => {
    const form = ev.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-confirm')) return;
    if (!window.confirm(form.dataset.confirm)) {
      ev.preventDefault();
      ev.stopImmediatePropagation();
    }
  }, true);

  initNavToggle(doc);
}

// The header menu is a <details> so that it collapses on a phone without
// any script; on a wide screen it is kept open and its summary hidden.
function initNavToggle(doc) {
  if (!window.matchMedia) return;
  const mq = window.matchMedia(WIDE);
  const apply = () => {
    for (const d of doc.querySelectorAll('details.nav-toggle')) d.open = mq.matches;
  };
  if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', apply);
  else apply();
  mq.addEventListener('change', apply);
}

const polling = new WeakSet();

/** Starts polling for every [data-progress-url] in root (root included), once. */
export function initProgress(root) {
  for (const el of matchAll(root, '[data-progress-url]')) {
    if (polling.has(el)) continue;
    polling.add(el);
    pollProgress(el);
  }
}

const FINAL = new Set(['done', 'failed']);
const MAX_FAILURES = 30;

function pollProgress(el) {
  const url = el.dataset.progressUrl;
  let bar = el.querySelector('progress');
  if (!bar) {
    bar = document.createElement('progress');
    el.prepend(bar);
  }
  const text = el.querySelector('[data-progress-text]');
  const message = el.querySelector('[data-progress-message]');
  let failures = 0;
  el.setAttribute('aria-busy', 'true');

  const finish = (st) => {
    el.removeAttribute('aria-busy');
    el.dataset.state = st.state;
    el.dispatchEvent(new CustomEvent('aldyn:progress-end', { bubbles: true, detail: st }));
    const next = el.dataset.progressDoneUrl ? safeURL(el.dataset.progressDoneUrl) : '';
    // The server's own verdict (done or failed) has a page of its own; a
    // job that cannot be polled does not.
    if (FINAL.has(st.state) && !st.error && next) window.location.assign(next);
  };

  const tick = async () => {
    // Stop once the element has left the page (htmx swapped it out).
    if (!el.isConnected) return;
    let st;
    try {
      st = await fetchJSON(url);
      failures = 0;
    } catch (err) {
      failures++;
      // A missing or forbidden job will not appear by waiting.
      if (err.status === 403 || err.status === 404 || failures >= MAX_FAILURES) {
        if (message) message.textContent = err.message;
        finish({ state: 'failed', error: err.message });
        return;
      }
      setTimeout(tick, 1000);
      return;
    }
    showProgress(st, bar, text, message);
    el.dataset.state = String(st.state || '');
    if (FINAL.has(st.state)) {
      finish(st);
      return;
    }
    setTimeout(tick, 1000);
  };
  tick();
}

function showProgress(st, bar, text, message) {
  const done = Number(st.done) || 0;
  const total = Number(st.total) || 0;
  if (total > 0) {
    bar.max = total;
    bar.value = Math.min(done, total);
  } else if (st.state === 'done') {
    bar.max = 1;
    bar.value = 1;
  } else {
    // Total not known yet: an indeterminate bar.
    bar.removeAttribute('value');
  }
  if (text) text.textContent = total > 0 ? `${formatNumber(done)} / ${formatNumber(total)}` : formatNumber(done);
  const msg = st.message || st.error;
  if (message && msg) message.textContent = String(msg);
}
