/* api.h: the JSON API under /api/v1/ (API.md): routes, sign-in, and the
 * generic record routes for every kind, all through one authorization rule. */
#ifndef BH_API_H
#define BH_API_H

#include <jansson.h>

#include "web/http.h"

/* api_handle: answers r (status and body set in r). Never fails: every
 * problem becomes an error response. */
void api_handle(http_req *r);

/* api_json_body: a request body (len bytes) parsed as the API parses every
 * JSON body (duplicate keys refused). Returns the value (the caller
 * json_decrefs it), or NULL with ERR_VALIDATION and the place in e. */
json_t *api_json_body(const char *body, size_t len, err *e);

/* api_json_object: as api_json_body, for a body that must be an object
 * whose keys are all in allowed (NULL-terminated); anything else is NULL
 * with ERR_VALIDATION. */
json_t *api_json_object(const char *body, size_t len, const char *const *allowed, err *e);

/* api_login_body: a sign-in body, {"user": "...", "password": "..."}: an
 * object with those keys only, both strings (api_json_body refuses a NUL
 * character inside a string). Returns 0 with *user and *password pointing
 * into *json (the caller json_decrefs it), or ERR_VALIDATION (*json, *user
 * and *password NULL). */
int api_login_body(const char *body, size_t len, json_t **json, const char **user,
                   const char **password, err *e);

#endif
