// Entry point of dist/charts.js: ECharts and the chart module, loaded only
// by pages that draw charts (see ../bundles.js).
import { initCharts, destroyCharts } from '../charts.js';

(self.aldynBundles = self.aldynBundles || []).push(['charts', { init: initCharts, destroy: destroyCharts }]);
