// Optional bundles. The chart library (ECharts) and the map library
// (Leaflet) are most of the front end's weight, and only some pages draw a
// chart or a map, so each is a bundle of its own (dist/charts.js,
// dist/map.js). The server adds the script tags of the bundles a page's
// template declares; an element that needs one arriving later (htmx swaps)
// loads it here on demand.
//
// A bundle announces itself with
//   (self.aldynBundles = self.aldynBundles || []).push([name, {init, destroy}]);
// so it works whether it runs before or after this core.

// Which elements need which bundle; the server's list (internal/web,
// bundles.go) uses the same markers.
const NEEDS = { charts: '[data-chart]', map: '[data-map]' };

/** @type {Map<string, {init: (root: Element) => void, destroy: (el: Element) => void}>} */
const provided = new Map();
/** Bundles whose script is in the page or being fetched. */
const requested = new Set();
/** name → URL of each bundle, from the core script's data-bundles. */
let urls = {};

function provide(name, mod) {
  provided.set(name, mod);
  // Deferred and injected scripts run once the document is parsed.
  if (document.body) mod.init(document.body);
}

/** Wires the registry; call once when the core runs. */
export function initBundles(coreScript) {
  try {
    urls = JSON.parse((coreScript && coreScript.dataset.bundles) || '{}');
  } catch {
    urls = {};
  }
  for (const s of document.querySelectorAll('script[data-bundle]')) requested.add(s.dataset.bundle);
  const queued = Array.isArray(self.aldynBundles) ? self.aldynBundles : [];
  self.aldynBundles = { push: ([name, mod]) => provide(name, mod) };
  for (const [name, mod] of queued) provide(name, mod);
}

/** Initialises what root holds, fetching a bundle it needs but lacks. */
export function initNeeded(root) {
  for (const [name, sel] of Object.entries(NEEDS)) {
    const mod = provided.get(name);
    if (mod) {
      mod.init(root);
      continue;
    }
    if (requested.has(name) || !urls[name]) continue;
    if (!(root.matches(sel) || root.querySelector(sel))) continue;
    requested.add(name);
    const s = document.createElement('script');
    s.src = urls[name];
    s.dataset.bundle = name;
    document.head.appendChild(s);
  }
}

/** Frees what the loaded bundles hold in el. */
export function destroyLoaded(el) {
  for (const mod of provided.values()) mod.destroy(el);
}
