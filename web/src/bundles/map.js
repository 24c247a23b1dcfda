// Entry point of dist/map.js: Leaflet and the map module, loaded only by
// pages that draw maps (see ../bundles.js).
import { initMaps, destroyMaps } from '../map.js';

(self.aldynBundles = self.aldynBundles || []).push(['map', { init: initMaps, destroy: destroyMaps }]);
