/* assets.h: the web interface's files, embedded in the binary at build time
 * (build/web/dist/, made by scripts/build-web.sh), served with content types,
 * cache headers and gzip when the client accepts it. */
#ifndef BH_ASSETS_H
#define BH_ASSETS_H

#include "web/http.h"

/* assets_serve: answers a GET of a path outside /api/v1/: the embedded file
 * of that name; index.html for "/" and for any other path that names no
 * embedded file and is not a missing top-level file with an extension (so
 * the interface's own routes, /map or /records/events/ID, work on reload);
 * /ui-config.json, the interface's settings from the environment
 * (BLUEHELM_TILE_URL, BLUEHELM_TILE_ATTRIBUTION, BLUEHELM_TILE_MAX_ZOOM);
 * or 404. Never reads the file system, so no path can escape the embedded
 * set. Hashed names are cached for a year, the rest revalidated. */
void assets_serve(http_req *r);

#endif
