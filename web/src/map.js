// Leaflet maps declared in markup:
//
//   <div class="map" data-map
//        data-geojson="/api/v1/boundaries?lang=ky"   boundaries (FeatureCollection)
//        data-tiles="https://tile.example/{z}/{x}/{y}.png"   empty: no tiles
//        data-attribution="&copy; …"
//        data-center="41.4,74.6" data-zoom="6"       no centre: fit the country
//        data-focus="41702000000000"                 territory to zoom to and
//                                                    highlight (its boundary)
//        data-settlements-url="/api/v1/settlements?lang=ky"  town and village
//        data-label-settlements="…"                  names, a layer to toggle
//        data-grid-url="/api/v1/…/grid?…"            counts per cell, re-fetched
//        data-grid-value="density_km2"               cell property to colour by (default count)
//        data-points-url="/api/v1/…/points?…"        points, re-fetched
//        data-label-count="…" data-label-hot="…" data-label-gi="…"
//        data-label-cluster="…"                      hint on point clusters
//        data-residents-url="/api/v1/stats/residents?…"  residents' reports,
//        data-label-residents="…"                    a layer to toggle (off
//        data-residents-on="1"                       unless data-residents-on)
//        data-label-zoom-in="…" data-label-zoom-out="…"  the zoom buttons' names
//        data-pick-lat="f-lat" data-pick-lon="f-lon"  ids of inputs a tap on
//                                                    the map fills (a pin)
//        data-error-text="…">
//
// Without tiles the map still draws the boundaries on a plain background, so
// it stays useful on a network without internet access.
import * as L from 'leaflet/dist/leaflet-src.esm.js';
import iconUrl from 'leaflet/dist/images/marker-icon.png';
import iconRetinaUrl from 'leaflet/dist/images/marker-icon-2x.png';
import shadowUrl from 'leaflet/dist/images/marker-shadow.png';
import { fetchJSON, safeURL, formatNumber, matchAll, escapeHTML } from './util.js';

// Leaflet guesses its marker image directory from leaflet.css at run time,
// which fails once the CSS is bundled and the images renamed by hash; give it
// the bundled URLs instead. An empty string (not undefined) stops the guess.
L.Icon.Default.imagePath = '';
L.Icon.Default.mergeOptions({ iconUrl, iconRetinaUrl, shadowUrl });

// Fallback view: the whole Kyrgyz Republic.
const KG_CENTER = [41.3, 74.6];
const KG_ZOOM = 6;
// The country's box: a map with no centre opens fitted to it, so that the
// whole country is in view on a phone as on a desktop.
const KG_BOUNDS = [[39.17, 69.25], [43.27, 80.28]];

// GeoNames asks for credit wherever its names are shown (CC BY 4.0).
const SETTLEMENTS_ATTRIBUTION = '<a href="https://www.geonames.org/">GeoNames</a> (<a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>)';

// ColorBrewer YlOrRd, 5 classes: sequential, readable for common colour
// vision deficiencies, and printable in grey.
const RAMP = ['#ffffb2', '#fecc5c', '#fd8d3c', '#f03b20', '#bd0026'];

const BOUNDARY_STYLE = { color: '#1f4e79', weight: 1.5, opacity: 0.9, fillColor: '#5b8db8', fillOpacity: 0.12 };
const BOUNDARY_HOVER = { weight: 3, fillOpacity: 0.3 };
const FOCUS_STYLE = { color: '#0b2e4f', weight: 3, opacity: 1, fillColor: '#5b8db8', fillOpacity: 0.05 };
const POINT_STYLE = { radius: 5, color: '#ffffff', weight: 1, fillColor: '#9a3412', fillOpacity: 0.9 };
// Residents' reports: a blue apart from the offense records' brown.
const RESIDENT_STYLE = { radius: 6, color: '#ffffff', weight: 1.5, fillColor: '#1d4ed8', fillOpacity: 0.9 };

/** @type {WeakMap<Element, MapState>} */
const maps = new WeakMap();

/**
 * @typedef {object} MapState
 * @property {L.Map} map
 * @property {ResizeObserver|null} observer
 * @property {Array<() => void>} cleanups
 */

/** Turns every [data-map] in root (root included) into a map, once. */
export function initMaps(root) {
  for (const el of matchAll(root, '[data-map]')) {
    if (maps.has(el)) continue;
    try {
      createMap(el);
    } catch (err) {
      console.error('aldyn: map', err);
    }
  }
}

/** Removes the map held by el, if any; called as htmx cleans elements up. */
export function destroyMaps(el) {
  const state = maps.get(el);
  if (!state) return;
  maps.delete(el);
  for (const fn of state.cleanups) fn();
  if (state.observer) state.observer.disconnect();
  state.map.remove();
}

function createMap(el) {
  const ds = el.dataset;
  // Content restored from htmx's history cache may hold a dead map's DOM.
  el.replaceChildren();

  const center = parseLatLng(ds.center);
  const zoom = parseNumber(ds.zoom, KG_ZOOM);
  // Quarter zoom steps let a fit fill the map (half steps can leave 30 % empty).
  const map = L.map(el, { center: center || KG_CENTER, zoom, zoomSnap: 0.25, zoomDelta: 1, zoomControl: false });
  // The zoom buttons named in the page's language (title and aria-label).
  L.control.zoom({ zoomInTitle: ds.labelZoomIn || 'Zoom in', zoomOutTitle: ds.labelZoomOut || 'Zoom out' }).addTo(map);
  if (!center) fitView(map, L.latLngBounds(KG_BOUNDS), 4);
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  /** @type {MapState} */
  const state = { map, observer: null, cleanups: [] };
  maps.set(el, state);

  if (ds.tiles) {
    L.tileLayer(ds.tiles, { attribution: ds.attribution || '', maxZoom: 19 }).addTo(map);
  } else {
    el.classList.add('map-no-tiles');
    if (ds.attribution) map.attributionControl.addAttribution(ds.attribution);
  }

  const status = statusControl(map, ds.errorText);

  if (ds.geojson) {
    const ctl = new AbortController();
    state.cleanups.push(() => ctl.abort());
    loadBoundaries(map, ds.geojson, ds.focus || '', ctl.signal).catch((err) => {
      if (err.name === 'AbortError') return;
      console.warn('aldyn: map boundaries', err);
      status.show();
    });
  }
  if (ds.gridUrl) {
    state.cleanups.push(dynamicLayer(map, ds.gridUrl, gridLayerOptions(map, labelsOf(ds)), status));
  }
  if (ds.pointsUrl) {
    state.cleanups.push(dynamicLayer(map, ds.pointsUrl, pointLayerOptions(map, labelsOf(ds)), status));
  }
  if (ds.residentsUrl) {
    state.cleanups.push(residentsLayer(map, ds.residentsUrl, ds.labelResidents || 'Residents', ds.residentsOn === '1', labelsOf(ds), status));
  }
  if (ds.settlementsUrl) {
    const ctl = new AbortController();
    state.cleanups.push(() => ctl.abort());
    settlementsLayer(map, ds.settlementsUrl, ds.labelSettlements || 'Settlements', ctl.signal).catch((err) => {
      if (err.name === 'AbortError') return;
      console.warn('aldyn: map settlements', err);
      status.show();
    });
  }

  if (ds.pickLat && ds.pickLon) state.cleanups.push(pickPoint(map, ds.pickLat, ds.pickLon));

  // A map laid out while hidden (closed <details>, a tab) measures 0×0;
  // re-measure whenever its box changes.
  if ('ResizeObserver' in window) {
    state.observer = new ResizeObserver(() => {
      // Asked before invalidateSize, which moves the centre of the view.
      const fitted = isFitted(map);
      map.invalidateSize({ pan: false });
      if (fitted) refitView(map);
    });
    state.observer.observe(el);
  }
}

// loadBoundaries draws the boundaries and, when focus names one of them,
// highlights it and zooms to it; a focus without a boundary (a district
// known by its point) keeps the centre the markup gave.
async function loadBoundaries(map, url, focus, signal) {
  const data = await fetchJSON(url, signal, 'application/geo+json, application/json');
  let focused = null;
  // On a map that picks a point, a tap sets the point: the boundaries
  // only show where it falls.
  const picking = Boolean(map.getContainer().dataset.pickLat);
  const layer = L.geoJSON(data, {
    interactive: !picking,
    style: (feature) => (focus && (feature.properties || {}).code === focus ? FOCUS_STYLE : BOUNDARY_STYLE),
    pointToLayer: (_f, latlng) => L.circleMarker(latlng, POINT_STYLE),
    onEachFeature: (feature, lyr) => {
      const props = feature.properties || {};
      const name = props.name || props.code;
      // A string tooltip is HTML to Leaflet: the name is escaped.
      if (picking) return;
      if (name) lyr.bindTooltip(escapeHTML(name), { sticky: true, direction: 'top' });
      lyr.bindPopup(() => featurePopup(props));
      if (focus && props.code === focus) {
        focused = lyr;
        // The class lets the page (and its tests) find the territory drawn.
        lyr.options.className = 'map-focus';
      }
      if (lyr.setStyle) {
        lyr.on('mouseover', () => lyr.setStyle(BOUNDARY_HOVER));
        lyr.on('mouseout', () => layer.resetStyle(lyr));
      }
    },
  }).addTo(map);
  // Boundaries stay under the grid and points drawn later.
  layer.bringToBack();
  if (focused && focused.getBounds) {
    fitView(map, focused.getBounds(), 8);
    if (focused.bringToFront) focused.bringToFront();
  } else if (!focus && !map.getContainer().dataset.center) {
    const b = layer.getBounds();
    if (b.isValid()) fitView(map, b, 8);
  }
}

/** @type {WeakMap<L.Map, {bounds: L.LatLngBounds, padding: number, zoom: number, center: L.LatLng}>} */
const fits = new WeakMap();

// fitView fits the map to bounds and remembers it, so that a change of
// the map's size before anyone moves it (the page still laying out, a
// phone turned) fits again instead of leaving the territory cut or small.
function fitView(map, bounds, padding) {
  const size = map.getSize();
  // A map not laid out yet (hidden, 0 × 0) would fit at the maximum zoom;
  // remember the wish, and fit once it has a size.
  if (size.x <= 4 * padding || size.y <= 4 * padding) {
    fits.set(map, { bounds, padding, zoom: NaN, center: null });
    return;
  }
  map.fitBounds(bounds, { padding: [padding, padding], animate: false });
  fits.set(map, { bounds, padding, zoom: map.getZoom(), center: map.getCenter() });
}

// isFitted reports whether the view is still the one fitView set.
function isFitted(map) {
  const f = fits.get(map);
  if (!f) return false;
  if (!f.center) return true; // a fit still waiting for a size
  return map.getZoom() === f.zoom && map.getCenter().equals(f.center);
}

function refitView(map) {
  const f = fits.get(map);
  if (f) fitView(map, f.bounds, f.padding);
}

// settlementsLayer names towns and villages from the embedded gazetteer:
// a label each, shown from the zoom its size earns (min_zoom), in a pane
// of its own above the shapes that lets clicks through to them. A check
// box on the map turns the layer off and on.
async function settlementsLayer(map, url, label, signal) {
  const data = await fetchJSON(url, signal, 'application/geo+json, application/json');
  const pane = map.createPane('settlements');
  // Above the shapes (400), under markers and popups (600, 700).
  pane.style.zIndex = '450';
  pane.classList.add('map-settlements-pane');
  const group = L.layerGroup();
  const places = (data.features || []).map((f) => {
    const p = f.properties || {};
    const [lon, lat] = (f.geometry || {}).coordinates || [];
    const text = document.createElement('span');
    text.className = 'map-settlement-name';
    text.textContent = String(p.name || '');
    const icon = L.divIcon({
      className: p.min_zoom <= 6 ? 'map-settlement major' : 'map-settlement',
      html: text,
      iconSize: null,
    });
    const marker = L.marker([lat, lon], { icon, pane: 'settlements', interactive: false, keyboard: false });
    const major = p.min_zoom <= 6;
    // A label's box, estimated from its length: measuring the DOM of
    // labels not shown would cost a layout each.
    const size = [12 + text.textContent.length * (major ? 8.5 : 7), major ? 18 : 15];
    return { marker, latlng: L.latLng(lat, lon), size, minZoom: Number(p.min_zoom) || 10 };
  });
  const update = () => {
    // Half-step zooms round down: labels of the next level would crowd.
    const z = Math.floor(map.getZoom());
    // Biggest places first (the server's order); a label that would
    // overlap one already placed is left out at this zoom.
    const placed = [];
    for (const { marker, latlng, size, minZoom } of places) {
      let show = minZoom <= z;
      if (show) {
        const pt = map.project(latlng, map.getZoom());
        const box = [pt.x - 4, pt.y - size[1] / 2, pt.x + size[0], pt.y + size[1] / 2];
        show = !placed.some((b) => box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3]);
        if (show) placed.push(box);
      }
      if (show) group.addLayer(marker);
      else group.removeLayer(marker);
    }
  };
  update();
  map.on('zoomend', update);
  const show = (on) => {
    if (on) {
      group.addTo(map);
      map.attributionControl.addAttribution(SETTLEMENTS_ATTRIBUTION);
    } else {
      group.remove();
      map.attributionControl.removeAttribution(SETTLEMENTS_ATTRIBUTION);
    }
  };
  show(true);
  const ctl = L.control({ position: 'topright' });
  ctl.onAdd = () => {
    const box = L.DomUtil.create('label', 'map-toggle');
    const input = document.createElement('input');
    input.type = 'checkbox';
    input.checked = true;
    input.addEventListener('change', () => show(input.checked));
    box.append(input, document.createTextNode(' ' + label));
    L.DomEvent.disableClickPropagation(box);
    return box;
  };
  ctl.addTo(map);
}

// featurePopup builds the popup with DOM calls: names come from data, never
// from markup, so nothing in a feature can inject HTML.
function featurePopup(props) {
  const box = document.createElement('div');
  box.className = 'map-popup';
  const title = document.createElement('strong');
  const name = String(props.name || props.code || '');
  const href = props.url ? safeURL(String(props.url)) : '';
  if (href) {
    const a = document.createElement('a');
    a.href = href;
    a.textContent = name;
    title.append(a);
  } else {
    title.textContent = name;
  }
  box.append(title);
  if (props.code && props.name) {
    const code = document.createElement('span');
    code.className = 'map-popup-code';
    code.textContent = String(props.code);
    box.append(document.createElement('br'), code);
  }
  return box;
}

function labelsOf(ds) {
  return {
    value: ds.gridValue || 'count',
    count: ds.labelCount || 'count',
    density: ds.labelDensity || 'per km²',
    hot: ds.labelHot || 'hot spot',
    gi: ds.labelGi || 'Gi* z',
    cluster: ds.labelCluster || '',
  };
}

// dynamicLayer keeps a GeoJSON layer in step with the view: on every
// moveend/zoomend it asks url for the visible box (bbox=minLon,minLat,
// maxLon,maxLat&zoom=z) and replaces the layer's content. Returns a cleanup.
function dynamicLayer(map, url, opts, status) {
  const layer = L.geoJSON(null, opts.geojson).addTo(map);
  let ctl = null;
  let timer = 0;
  const refresh = async () => {
    if (ctl) ctl.abort();
    ctl = new AbortController();
    const signal = ctl.signal;
    const container = map.getContainer();
    container.setAttribute('aria-busy', 'true');
    try {
      const data = await fetchJSON(withView(url, map), signal, 'application/geo+json, application/json');
      if (signal.aborted) return;
      if (opts.prepare) opts.prepare(data);
      layer.clearLayers();
      layer.addData(data);
      status.hide();
    } catch (err) {
      if (err.name === 'AbortError') return;
      console.warn('aldyn: map layer', url, err);
      status.show();
    } finally {
      if (!signal.aborted) container.removeAttribute('aria-busy');
    }
  };
  // zoomend is followed by moveend: the short delay merges them (and a burst
  // of pans) into one request.
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 200);
  };
  map.on('moveend zoomend', schedule);
  // The first view may still change when the boundaries arrive and fit.
  map.whenReady(schedule);
  return () => {
    clearTimeout(timer);
    if (ctl) ctl.abort();
    map.off('moveend zoomend', schedule);
    if (opts.legend) opts.legend.remove();
    layer.remove();
  };
}

// residentsLayer adds a check box on the map that shows or hides the
// residents' reports: counted discs per cell, fetched for the view while
// shown (dynamicLayer), in a colour of their own. Returns a cleanup.
function residentsLayer(map, url, label, on, labels, status) {
  let stop = null;
  const show = (yes) => {
    if (yes && !stop) {
      const opts = pointLayerOptions(map, labels, 'map-cluster map-cluster-residents', RESIDENT_STYLE);
      // How many reports the layer shows, for the page (and its tests).
      opts.prepare = (data) => {
        const n = (data.features || []).reduce((sum, f) => sum + (Number((f.properties || {}).count) || 1), 0);
        map.getContainer().dataset.residentsCount = String(n);
      };
      stop = dynamicLayer(map, url, opts, status);
    } else if (!yes && stop) {
      stop();
      stop = null;
    }
    map.getContainer().dataset.residentsShown = yes ? '1' : '0';
    if (!yes) delete map.getContainer().dataset.residentsCount;
  };
  const ctl = L.control({ position: 'topright' });
  ctl.onAdd = () => {
    const box = L.DomUtil.create('label', 'map-layer-toggle map-toggle-residents');
    const input = document.createElement('input');
    input.type = 'checkbox';
    input.name = 'residents';
    input.checked = on;
    input.addEventListener('change', () => show(input.checked));
    box.append(input, document.createTextNode(' ' + label));
    L.DomEvent.disableClickPropagation(box);
    return box;
  };
  ctl.addTo(map);
  show(on);
  return () => {
    if (stop) stop();
    ctl.remove();
  };
}

/** Appends bbox and zoom of the current view to a URL template. */
export function withView(url, map) {
  const b = map.getBounds();
  const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(5)).join(',');
  const sep = url.includes('?') ? '&' : '?';
  return `${url}${sep}bbox=${bbox}&zoom=${Math.round(map.getZoom())}`;
}

function gridLayerOptions(map, labels) {
  let breaks = [];
  const legend = legendControl(labels);
  legend.addTo(map);
  return {
    legend,
    prepare(data) {
      const counts = (data.features || []).map((f) => Number((f.properties || {})[labels.value]) || 0);
      breaks = quantileBreaks(counts, RAMP.length);
      legend.update(breaks);
    },
    geojson: {
      // Thousands of cells draw far faster on one canvas than as SVG paths.
      renderer: L.canvas({ padding: 0.2 }),
      style: (feature) => {
        const p = feature.properties || {};
        const count = Number(p[labels.value]) || 0;
        const cls = classOf(count, breaks);
        const hot = isHot(p);
        return {
          stroke: true,
          color: hot ? '#000000' : '#7a4b00',
          weight: hot ? 2.5 : 0.5,
          opacity: hot ? 1 : 0.5,
          fillColor: cls < 0 ? '#ffffff' : RAMP[cls],
          fillOpacity: count > 0 ? 0.7 : 0.05,
        };
      },
      onEachFeature: (feature, lyr) => {
        const p = feature.properties || {};
        lyr.bindPopup(() => cellPopup(p, labels));
        if (isHot(p)) lyr.on('add', () => lyr.bringToFront());
      },
    },
  };
}

// pointLayerOptions draws records one by one close up and, at the zooms
// where the server groups them (properties.count), a numbered disc per
// cluster that zooms in when clicked.
function pointLayerOptions(map, labels, clusterClass = 'map-cluster', pointStyle = POINT_STYLE) {
  return {
    geojson: {
      renderer: L.canvas({ padding: 0.2 }),
      pointToLayer: (f, latlng) => {
        const n = Number((f.properties || {}).count) || 1;
        if (n <= 1) return L.circleMarker(latlng, pointStyle);
        const text = formatNumber(n);
        const size = Math.round(24 + 6 * Math.log10(n));
        const icon = L.divIcon({
          className: clusterClass,
          html: `<span>${escapeHTML(text)}</span>`,
          iconSize: [size, size],
        });
        const m = L.marker(latlng, { icon, keyboard: false, title: labels.cluster ? `${text}: ${labels.cluster}` : text });
        m.on('click', () => map.setView(latlng, Math.min(map.getZoom() + 2, map.getMaxZoom())));
        return m;
      },
      onEachFeature: (feature, lyr) => {
        const p = feature.properties || {};
        if (p.name || p.title || p.url) lyr.bindPopup(() => featurePopup({ ...p, name: p.name || p.title }));
      },
    },
  };
}

function isHot(p) {
  return p.hot === true || p.hot === 1 || p.hot === 'true';
}

function cellPopup(p, labels) {
  const box = document.createElement('div');
  box.className = 'map-popup';
  const rows = [];
  if (p.name) rows.push([null, String(p.name)]);
  rows.push([labels.count, formatNumber(Number(p.count) || 0)]);
  if (p.density_km2 !== undefined && p.density_km2 !== null) {
    rows.push([labels.density, formatNumber(Number(p.density_km2), 2)]);
  }
  if (p.gi_z !== undefined && p.gi_z !== null && p.gi_z !== '') {
    rows.push([labels.gi, formatNumber(Number(p.gi_z), 2)]);
  }
  if (isHot(p)) rows.push([null, labels.hot]);
  for (const [k, v] of rows) {
    const line = document.createElement('div');
    if (k) {
      const key = document.createElement('span');
      key.className = 'map-popup-key';
      key.textContent = `${k}: `;
      line.append(key);
    }
    const val = document.createElement(k ? 'span' : 'strong');
    val.textContent = v;
    line.append(val);
    box.append(line);
  }
  return box;
}

/**
 * Upper bounds of up to k classes holding about equal numbers of the
 * positive counts (quantiles), without duplicates.
 * @param {number[]} counts
 * @param {number} k
 * @returns {number[]}
 */
export function quantileBreaks(counts, k) {
  const v = counts.filter((c) => c > 0).sort((a, b) => a - b);
  if (v.length === 0) return [];
  const out = [];
  for (let i = 1; i <= k; i++) {
    const ub = v[Math.max(0, Math.ceil((i * v.length) / k) - 1)];
    if (out.length === 0 || ub > out[out.length - 1]) out.push(ub);
  }
  return out;
}

/**
 * The colour class of a count: the index of the first upper bound it does
 * not exceed, spread over the ramp when there are fewer classes than colours;
 * -1 for zero or no data.
 */
export function classOf(count, breaks) {
  if (!(count > 0) || breaks.length === 0) return -1;
  let i = breaks.findIndex((ub) => count <= ub);
  if (i < 0) i = breaks.length - 1;
  if (breaks.length === 1) return RAMP.length - 1;
  return Math.round((i * (RAMP.length - 1)) / (breaks.length - 1));
}

function legendControl(labels) {
  const ctl = L.control({ position: 'bottomright' });
  let box = null;
  ctl.onAdd = () => {
    box = L.DomUtil.create('div', 'map-legend');
    // Hidden until the first counts arrive, so no empty box shows.
    box.hidden = true;
    box.setAttribute('role', 'group');
    box.setAttribute('aria-label', labels.count);
    return box;
  };
  ctl.update = (breaks) => {
    if (!box) return;
    box.replaceChildren();
    if (breaks.length === 0) {
      box.hidden = true;
      return;
    }
    box.hidden = false;
    const title = document.createElement('div');
    title.className = 'map-legend-title';
    title.textContent = labels.count;
    box.append(title);
    // Counts get ranges of whole numbers; densities, upper bounds.
    const whole = breaks.every((ub) => Number.isInteger(ub));
    let lo = 1;
    breaks.forEach((ub) => {
      let text;
      if (!whole) text = `≤ ${formatNumber(ub, 2)}`;
      else text = lo >= ub ? formatNumber(ub) : `${formatNumber(lo)}–${formatNumber(ub)}`;
      box.append(legendRow(RAMP[classOf(ub, breaks)], text, false));
      lo = Math.floor(ub) + 1;
    });
    box.append(legendRow('transparent', labels.hot, true));
  };
  return ctl;
}

function legendRow(color, text, hot) {
  const row = document.createElement('div');
  const sw = document.createElement('span');
  sw.className = hot ? 'map-legend-swatch hot' : 'map-legend-swatch';
  // CSSOM writes are allowed under the CSP; style="" attributes are not.
  sw.style.backgroundColor = color;
  row.append(sw, document.createTextNode(text));
  return row;
}

// statusControl shows one short message over the map when a layer fails to
// load; the map itself stays usable.
function statusControl(map, text) {
  const ctl = L.control({ position: 'topright' });
  let box = null;
  ctl.onAdd = () => {
    box = L.DomUtil.create('div', 'map-status');
    box.setAttribute('role', 'status');
    box.hidden = true;
    box.textContent = text || '⚠';
    return box;
  };
  ctl.addTo(map);
  return {
    show: () => { if (box) box.hidden = false; },
    hide: () => { if (box) box.hidden = true; },
  };
}

function parseLatLng(s) {
  if (!s) return null;
  const parts = s.split(',').map((x) => Number(x.trim()));
  if (parts.length !== 2 || parts.some((x) => !Number.isFinite(x))) return null;
  return parts;
}

function parseNumber(s, dflt) {
  const n = Number(s);
  return s !== undefined && s !== '' && Number.isFinite(n) ? n : dflt;
}

/**
 * Lets a tap on the map set a point into two inputs (latitude, longitude),
 * with a marker; typing in the inputs moves the marker. Returns the
 * cleanup.
 */
function pickPoint(map, latId, lonId) {
  const lat = /** @type {HTMLInputElement|null} */ (document.getElementById(latId));
  const lon = /** @type {HTMLInputElement|null} */ (document.getElementById(lonId));
  if (!lat || !lon) return () => {};
  let marker = null;
  const place = (ll) => {
    if (marker) marker.setLatLng(ll);
    else marker = L.marker(ll).addTo(map);
  };
  const fromInputs = () => {
    const a = parseFloat(lat.value.replace(',', '.'));
    const b = parseFloat(lon.value.replace(',', '.'));
    if (Number.isFinite(a) && Number.isFinite(b)) place([a, b]);
  };
  fromInputs();
  const onClick = (e) => {
    lat.value = e.latlng.lat.toFixed(6);
    lon.value = e.latlng.lng.toFixed(6);
    place(e.latlng);
  };
  map.on('click', onClick);
  lat.addEventListener('change', fromInputs);
  lon.addEventListener('change', fromInputs);
  return () => {
    map.off('click', onClick);
    lat.removeEventListener('change', fromInputs);
    lon.removeEventListener('change', fromInputs);
  };
}
