# web.mk: the web interface's part of the build, included by the Makefile.
# scripts/build-web.sh turns web/ (and the boundaries in data/boundaries)
# into build/web/dist; tools/embed.c embeds that whole folder (it takes a
# directory), so the hashed file names need not be known when make reads
# this file. WEB_STAMP is touched when build/web/dist is complete.
WEB_SRC    := $(sort $(wildcard web/src/*.js web/src/*/*.js web/src/*.css web/src/i18n/*.json)) \
              web/index.html web/build.mjs web/check-i18n.mjs package.json package-lock.json \
              src/core/err.h src/web/auth.c $(wildcard src/model/*.c) \
              scripts/build-web.sh \
              data/boundaries/geoboundaries_mli_adm1_simplified.geojson \
              data/boundaries/geoboundaries_mli_adm2_simplified.geojson
WEB_STAMP  := build/web/stamp
WEB_ASSETS := build/web/dist

$(WEB_STAMP): $(WEB_SRC)
	@echo "WEB build/web/dist"
	@scripts/build-web.sh

# The folder exists once the stamp does.
$(WEB_ASSETS): $(WEB_STAMP)
	@test -d $@

.PHONY: web
web: $(WEB_STAMP)
