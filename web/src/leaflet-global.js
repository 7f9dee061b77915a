// leaflet-global.js: Leaflet as a module that also sets window.L, which
// leaflet.markercluster's UMD build expects; import it before the plugin.
import L from 'leaflet';

window.L = L;
export default L;
