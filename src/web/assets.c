/* assets.c: embedded web files. */
#include "web/assets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/embed.h"
#include "core/jw.h"
#include "core/lang.h"
#include "core/str.h"

#define ASSET_PREFIX "build/web/dist"
#define TILE_URL_MAX 500

static const struct {
  const char *ext, *type;
} types[] = {
    {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},   {".json", "application/json"},
    {".geojson", "application/geo+json"},  {".svg", "image/svg+xml"},
    {".png", "image/png"},                 {".ico", "image/x-icon"},
    {".txt", "text/plain; charset=utf-8"}, {".webmanifest", "application/manifest+json"},
};

static const char *type_of(const char *path) {
  const char *dot = strrchr(path, '.');
  for (unsigned i = 0; dot && i < sizeof types / sizeof types[0]; i++)
    if (!strcmp(dot, types[i].ext)) return types[i].type;
  return "application/octet-stream";
}

/* The environment variable's value when it is set, printable ASCII and not
 * too long; else NULL. */
static const char *env_text(const char *name) {
  const char *v = getenv(name);
  if (!v || !*v || strlen(v) > TILE_URL_MAX) return NULL;
  for (const char *p = v; *p; p++)
    if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e) return NULL;
  return v;
}

/* /ui-config.json: the interface's run-time settings, from the environment
 * of `bluehelm serve`: BLUEHELM_TILE_URL (a tile server the mission runs,
 * {z}/{x}/{y} style, http or https only), BLUEHELM_TILE_ATTRIBUTION,
 * BLUEHELM_TILE_MAX_ZOOM. Without them the map shows the embedded
 * boundaries alone. "lang" is the language the browser's Accept-Language
 * prefers (en or fr), for the pages shown before sign-in. */
static void serve_config(http_req *r) {
  const char *url = env_text("BLUEHELM_TILE_URL");
  if (url && !str_has_prefix(url, "https://") && !str_has_prefix(url, "http://")) url = NULL;
  const char *attr = env_text("BLUEHELM_TILE_ATTRIBUTION");
  const char *zoom = env_text("BLUEHELM_TILE_MAX_ZOOM");
  int64_t z = 0;
  if (zoom && (str_to_int64(zoom, &z) || z < 1 || z > 22)) z = 0;
  jw w;
  jw_init(&w, &r->out, 0);
  jw_obj(&w);
  jw_kstr(&w, "tile_url", url);
  jw_kstr(&w, "tile_attribution", url ? attr : NULL);
  jw_key(&w, "tile_max_zoom");
  if (url && z) jw_int(&w, z);
  else jw_null(&w);
  jw_kstr(&w, "lang", lang_code(lang_from_accept(r->accept_language)));
  jw_obj_end(&w);
  snprintf(r->extra_header[0], sizeof r->extra_header[0], "Cache-Control: no-cache");
  snprintf(r->extra_header[1], sizeof r->extra_header[1], "Vary: Accept-Language");
  r->status = 200;
  r->out_type = "application/json";
}

void assets_serve(http_req *r) {
  if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0) {
    http_error(r, ERR_NOT_FOUND, "no such page");
    return;
  }
  const char *path = r->path;
  /* Only plain names: no "..", no backslashes, no doubled slashes. */
  if (strstr(path, "..") || strchr(path, '\\') || strstr(path, "//") || path[0] != '/' ||
      strlen(path) > 200) {
    http_error(r, ERR_NOT_FOUND, "no such page");
    return;
  }
  if (!strcmp(path, "/ui-config.json")) {
    serve_config(r);
    return;
  }
  char name[256];
  const char *base = strrchr(path, '/');
  snprintf(name, sizeof name, "%s%s", ASSET_PREFIX, path);
  const embed_file *f = strcmp(path, "/") ? embed_find(name) : NULL;
  /* Not a file: the interface's own routes (/map, /records/events/ev.1)
   * get index.html. Every asset sits at the top of the folder, so a name
   * with an extension at the top that is not there is a missing file. */
  int page = !f && (!strchr(base, '.') || base != path);
  if (page) {
    snprintf(name, sizeof name, "%s/index.html", ASSET_PREFIX);
    f = embed_find(name);
  }
  if (!f) {
    http_error(r, ERR_NOT_FOUND, "no such page");
    return;
  }
  char gz[270];
  snprintf(gz, sizeof gz, "%s.gz", name);
  const embed_file *fz = embed_find(gz);
  /* Hashed names (app.3f2a9c1d.js) never change: cache them for a year; the
   * page itself is checked every time. */
  const char *served = strrchr(name, '/');
  int hashed = strchr(served, '.') != strrchr(served, '.');
  snprintf(r->extra_header[0], sizeof r->extra_header[0], "Cache-Control: %s",
           hashed ? "public, max-age=31536000, immutable" : "no-cache");
  if (fz && r->accept_gzip) {
    buf_append(&r->out, fz->data, fz->len);
    snprintf(r->extra_header[1], sizeof r->extra_header[1], "Content-Encoding: gzip");
  } else {
    buf_append(&r->out, f->data, f->len);
  }
  r->status = 200;
  r->out_type = type_of(name);
}
