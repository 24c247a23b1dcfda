// ECharts charts declared in markup:
//
//   <div class="chart" data-chart data-chart-url="/stats/…/chart.json"
//        aria-label="…" data-error-text="…"></div>
//   <div class="chart" data-chart data-chart-option='{"xAxis":…}'></div>
//
// The server builds the whole ECharts option as JSON; this module only draws
// it. Only the chart types and components the platform uses are imported
// (echarts/core), which keeps the bundle far smaller than all of ECharts.
import * as echarts from 'echarts/core';
import { LineChart, BarChart, HeatmapChart, PieChart } from 'echarts/charts';
import {
  GridComponent,
  TooltipComponent,
  LegendComponent,
  VisualMapComponent,
  TitleComponent,
  DataZoomComponent,
  DatasetComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { fetchJSON, pageLang, matchAll, numberLocales } from './util.js';

echarts.use([
  LineChart, BarChart, HeatmapChart, PieChart,
  GridComponent, TooltipComponent, LegendComponent, VisualMapComponent,
  TitleComponent, DataZoomComponent, DatasetComponent,
  CanvasRenderer,
]);

// Time axes print month and weekday names; ECharts ships English and
// Chinese only in its core, and no Kyrgyz at all. Missing keys fall back to
// English.
echarts.registerLocale('KY', {
  time: {
    month: ['Январь', 'Февраль', 'Март', 'Апрель', 'Май', 'Июнь', 'Июль', 'Август', 'Сентябрь', 'Октябрь', 'Ноябрь', 'Декабрь'],
    monthAbbr: ['Янв', 'Фев', 'Мар', 'Апр', 'Май', 'Июн', 'Июл', 'Авг', 'Сен', 'Окт', 'Ноя', 'Дек'],
    dayOfWeek: ['Жекшемби', 'Дүйшөмбү', 'Шейшемби', 'Шаршемби', 'Бейшемби', 'Жума', 'Ишемби'],
    dayOfWeekAbbr: ['жк', 'дш', 'шш', 'шр', 'бш', 'жм', 'иш'],
  },
  legend: { selector: { all: 'Баары', inverse: 'Тескерисинче' } },
});
echarts.registerLocale('RU', {
  time: {
    month: ['Январь', 'Февраль', 'Март', 'Апрель', 'Май', 'Июнь', 'Июль', 'Август', 'Сентябрь', 'Октябрь', 'Ноябрь', 'Декабрь'],
    monthAbbr: ['Янв', 'Фев', 'Мар', 'Апр', 'Май', 'Июн', 'Июл', 'Авг', 'Сен', 'Окт', 'Ноя', 'Дек'],
    dayOfWeek: ['Воскресенье', 'Понедельник', 'Вторник', 'Среда', 'Четверг', 'Пятница', 'Суббота'],
    dayOfWeekAbbr: ['вс', 'пн', 'вт', 'ср', 'чт', 'пт', 'сб'],
  },
  legend: { selector: { all: 'Всё', inverse: 'Обратить' } },
});

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", Arial, sans-serif';

/** @type {WeakMap<Element, {chart: any, observer: ResizeObserver|null, ctl: AbortController}>} */
const charts = new WeakMap();
/** Live elements, for the window resize handler (a WeakMap cannot be iterated). */
const live = new Set();

/** Draws every [data-chart] in root (root included), once. */
export function initCharts(root) {
  for (const el of matchAll(root, '[data-chart]')) {
    if (charts.has(el)) continue;
    createChart(el);
  }
}

/** Disposes of the chart held by el, if any; called as htmx cleans up. */
export function destroyCharts(el) {
  const st = charts.get(el);
  if (!st) return;
  charts.delete(el);
  live.delete(el);
  st.ctl.abort();
  if (st.observer) st.observer.disconnect();
  st.chart.dispose();
}

function createChart(el) {
  const ds = el.dataset;
  // Content restored from htmx's history cache may hold a dead chart's canvas.
  el.replaceChildren();
  el.classList.remove('chart-error');
  if (!el.hasAttribute('role')) el.setAttribute('role', 'img');

  const chart = echarts.init(el, null, { renderer: 'canvas', locale: localeFor(pageLang()) });
  const st = { chart, observer: null, ctl: new AbortController() };
  charts.set(el, st);
  live.add(el);
  if ('ResizeObserver' in window) {
    st.observer = new ResizeObserver(() => scheduleResize());
    st.observer.observe(el);
  }

  const fail = (err) => {
    if (err && err.name === 'AbortError') return;
    console.warn('aldyn: chart', err);
    destroyCharts(el);
    el.classList.add('chart-error');
    el.textContent = ds.errorText || (err && err.message) || 'Error';
  };

  if (ds.chartOption) {
    try {
      draw(el, chart, JSON.parse(ds.chartOption));
    } catch (err) {
      fail(err);
    }
  } else if (ds.chartUrl) {
    chart.showLoading('default', { text: '', color: '#1f4e79' });
    el.setAttribute('aria-busy', 'true');
    fetchJSON(ds.chartUrl, st.ctl.signal)
      .then((opt) => {
        if (!charts.has(el)) return;
        chart.hideLoading();
        el.removeAttribute('aria-busy');
        draw(el, chart, opt && opt.option && !opt.series ? opt.option : opt);
      })
      .catch((err) => {
        el.removeAttribute('aria-busy');
        fail(err);
      });
  } else {
    fail(new Error('data-chart needs data-chart-url or data-chart-option'));
  }
}

function draw(el, chart, option) {
  if (!option || typeof option !== 'object') throw new Error('chart option is not an object');
  option = prepare(option, el.clientWidth);
  chart.setOption(option, { notMerge: true });
  if (!el.hasAttribute('aria-label')) {
    const title = Array.isArray(option.title) ? option.title[0] : option.title;
    if (title && title.text) el.setAttribute('aria-label', String(title.text));
  }
}

/**
 * Fills in defaults the server need not repeat. HTML tooltips build their
 * layout with style="" attributes, which the CSP (style-src 'self') blocks;
 * rich-text tooltips are drawn on the canvas and need no inline styles.
 */
export function prepare(option, width) {
  const out = { ...option };
  // Category labels the server asked to show all (interval 0, "break")
  // wrap to their band's width instead of running into each other.
  const fitCategory = (a) => {
    if (!a || a.type !== 'category' || !Array.isArray(a.data) || !a.data.length) return a;
    const label = a.axisLabel || {};
    if (label.overflow !== 'break' || label.width !== undefined || !width) return a;
    const band = Math.floor((width - 96) / a.data.length) - 8;
    // Too narrow a band (a phone) would break words: slant the labels.
    if (band < 96) return { ...a, axisLabel: { ...label, width: 120, rotate: 30 } };
    return { ...a, axisLabel: { ...label, width: band } };
  };
  if (out.xAxis && !Array.isArray(out.xAxis)) out.xAxis = fitCategory(out.xAxis);
  // Always rich text, whatever the option says: an HTML tooltip would also
  // take the series and category names, which are data, as markup.
  const fixTooltip = (t) => ({ confine: true, ...t, renderMode: 'richText' });
  if (Array.isArray(out.tooltip)) out.tooltip = out.tooltip.map(fixTooltip);
  else if (out.tooltip && typeof out.tooltip === 'object') out.tooltip = fixTooltip(out.tooltip);
  out.textStyle = { fontFamily: FONT, ...(out.textStyle || {}) };
  // A title and a legend both sit at the top by default and collide on a
  // phone; unless the server placed the legend, put it under the title and
  // let it scroll instead of wrapping over the plot.
  if (out.title && out.legend && !Array.isArray(out.legend) && typeof out.legend === 'object') {
    const l = out.legend;
    if (l.top === undefined && l.bottom === undefined && l.y === undefined) {
      out.legend = { type: 'scroll', top: 28, ...l };
    }
  }
  // Numbers read as in the page's language ("10 000" in Kyrgyz and
  // Russian), not ECharts' English "10,000", on value axes, tooltips and
  // the heat map's scale, unless the server chose a format.
  const nf = new Intl.NumberFormat(numberLocales(), { maximumFractionDigits: 2 });
  const num = (v) => (typeof v === 'number' ? nf.format(v) : v);
  const fixAxis = (a) => {
    if (!a || typeof a !== 'object' || (a.type && a.type !== 'value')) return a;
    const label = a.axisLabel || {};
    return label.formatter === undefined ? { ...a, axisLabel: { ...label, formatter: num } } : a;
  };
  for (const k of ['xAxis', 'yAxis']) {
    if (Array.isArray(out[k])) out[k] = out[k].map(fixAxis);
    else if (out[k]) out[k] = fixAxis(out[k]);
  }
  if (out.tooltip && !Array.isArray(out.tooltip) && out.tooltip.valueFormatter === undefined) {
    out.tooltip = { ...out.tooltip, valueFormatter: num };
  }
  if (out.visualMap && !Array.isArray(out.visualMap) && out.visualMap.formatter === undefined) {
    out.visualMap = { ...out.visualMap, formatter: num };
  }
  if (out.animation === undefined && reducedMotion()) out.animation = false;
  return out;
}

function localeFor(lang) {
  switch ((lang || '').slice(0, 2).toLowerCase()) {
    case 'ky': return 'KY';
    case 'ru': return 'RU';
    default: return 'EN';
  }
}

function reducedMotion() {
  return window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
}

let resizeFrame = 0;
function scheduleResize() {
  if (resizeFrame) return;
  resizeFrame = requestAnimationFrame(() => {
    resizeFrame = 0;
    for (const el of live) {
      // An element removed without htmx (no cleanup event) is freed here.
      if (!el.isConnected) destroyCharts(el);
      else charts.get(el).chart.resize();
    }
  });
}

window.addEventListener('resize', scheduleResize);
