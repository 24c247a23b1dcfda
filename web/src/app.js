// Entry point of Aldyn's front end, bundled by `go run ./cmd/assets`: htmx
// and the small behaviours every page uses. Charts and maps are bundles of
// their own (bundles.js), so pages without them stay light.
//
// Pages carry no inline scripts (the CSP is `script-src 'self'`): every
// behaviour is declared with data attributes and wired here, once when the
// page loads and again for content htmx swaps in.
import htmx from 'htmx.org';
import { initBehaviours, initProgress } from './behaviours.js';
import { initBundles, initNeeded, destroyLoaded } from './bundles.js';
import { initErrorSummary } from './errorsummary.js';
import { initDataForms, initRowTotals } from './dataform.js';
import { initSkipLogic } from './skiplogic.js';
import { initCategoryAttributes } from './categoryattributes.js';

// The CSP forbids inline <style> and eval, so htmx must not rely on them:
// indicator styles live in app.css, and hx-on / js: expressions stay off.
// These run before htmx's DOMContentLoaded setup, which reads them.
htmx.config.includeIndicatorStyles = false;
htmx.config.allowEval = false;
htmx.config.allowScriptTags = false;
window.htmx = htmx;

initBehaviours(document);
initErrorSummary(document);
initDataForms(document);
initBundles(document.currentScript);

// htmx.onLoad runs for the body once the page is ready and for every
// element htmx inserts afterwards, so one hook covers both cases.
htmx.onLoad((root) => {
  if (!(root instanceof Element)) return;
  initNeeded(root);
  initProgress(root);
  initRowTotals(root);
  initSkipLogic(root);
  initCategoryAttributes(root);
});

// Free Leaflet maps and ECharts instances (listeners, canvases, observers)
// when htmx removes the element that holds them.
document.addEventListener('htmx:beforeCleanupElement', (ev) => {
  const el = ev.target;
  if (!(el instanceof Element)) return;
  destroyLoaded(el);
});
