// Small helpers shared by the map, chart and behaviour modules.

/** The page language (<html lang>), which the server sets per user. */
export function pageLang() {
  return document.documentElement.lang || 'ky';
}

/**
 * GETs JSON from the same origin with the session cookie; rejects on a
 * non-2xx status with the server's error message when it sent one
 * ({"error":{"message":…}}).
 */
export async function fetchJSON(url, signal, accept = 'application/json') {
  const res = await fetch(url, {
    credentials: 'same-origin',
    headers: { Accept: accept },
    signal,
  });
  if (!res.ok) {
    let msg = `${res.status} ${res.statusText}`;
    try {
      const body = await res.json();
      if (body && body.error && body.error.message) msg = body.error.message;
    } catch {
      // Not JSON: keep the status line.
    }
    const err = new Error(msg);
    err.status = res.status;
    throw err;
  }
  return res.json();
}

const HTML_ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for an HTML string. Every piece of server data handed to an
 * API that takes HTML (Leaflet's bindTooltip and bindPopup, innerHTML,
 * ECharts HTML formatters) goes through it, or is built with DOM calls and
 * textContent instead: names come from imports and forms, and a precinct
 * named `<img onerror=…>` must read as just that.
 * @param {unknown} s
 * @returns {string}
 */
export function escapeHTML(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** Returns url if it is relative or http(s), else '' (no javascript: links from data). */
export function safeURL(url) {
  try {
    const u = new URL(url, window.location.href);
    return u.protocol === 'http:' || u.protocol === 'https:' ? url : '';
  } catch {
    return '';
  }
}

const numberFormats = new Map();

// Browsers with reduced ICU data (Chromium among them) lack Kyrgyz number
// formats; Russian ones match Kyrgyz usage (space for thousands, comma for
// decimals), so they stand in rather than the browser's English default.
const LOCALE_FALLBACKS = { ky: ['ky', 'ru'] };

/** The locales to format numbers in for the page language, for Intl.NumberFormat. */
export function numberLocales() {
  const lang = pageLang();
  const wanted = LOCALE_FALLBACKS[lang.slice(0, 2).toLowerCase()] || [lang];
  const supported = Intl.NumberFormat.supportedLocalesOf(wanted);
  return supported.length ? supported : undefined;
}

/** Formats a number for the page language. */
export function formatNumber(n, digits = 0) {
  if (!Number.isFinite(n)) return '—';
  const key = `${pageLang()}/${digits}`;
  let f = numberFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(numberLocales(), { maximumFractionDigits: digits, minimumFractionDigits: digits });
    numberFormats.set(key, f);
  }
  return f.format(n);
}

/** Elements matching sel in root, root itself included. */
export function matchAll(root, sel) {
  const out = root.matches && root.matches(sel) ? [root] : [];
  out.push(...root.querySelectorAll(sel));
  return out;
}
