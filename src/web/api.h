/* api.h: the JSON API under /api/v1/ (API.md): routes, sign-in, and the
 * generic record routes for every kind, all through one authorization rule. */
#ifndef BH_API_H
#define BH_API_H

#include "web/http.h"

/* api_handle: answers r (status and body set in r). Never fails: every
 * problem becomes an error response. */
void api_handle(http_req *r);

#endif
