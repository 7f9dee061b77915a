# bluehelm: one executable (build/bluehelm), one SQLite database.
#   make            build build/bluehelm
#   make run        install what is missing, build, load the demo, serve it
#   make test       install what is missing, build, run every test (ASan+UBSan)
#   make fuzz       run each fuzz target for FUZZ_SECONDS (default 60)
#   make bench      run the benchmarks in bench/ (see bench/README.md)

CC      ?= cc
PKGS    := sqlite3 libpq libsodium jansson libcmark-gfm zlib
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN    := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wvla -Wformat=2
DEFS    := -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64
INC     := -Isrc -Ibuild/gen
CFLAGS  ?= -O2 -g
ALL_CFLAGS = $(WARN) $(DEFS) $(INC) $(PKG_CFLAGS) $(CFLAGS)
# cmark-gfm's extensions (tables) ship no pkg-config file, nor does
# http-parser (libhttp-parser-dev).
LIBS    := $(PKG_LIBS) -lcmark-gfm-extensions -lhttp_parser -lm -lpthread
SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
           -fno-omit-frame-pointer

SRC      := $(sort $(wildcard src/*/*.c))
LIB_SRC  := $(filter-out src/cli/%,$(SRC))
# Country names: Debian's iso-codes (scripts/deps.sh build), embedded so
# that the program needs no outside file at run time (src/core/country.c).
ISO3166  := /usr/share/iso-codes/json/iso_3166-1.json
ISO3166_FR := /usr/share/locale/fr/LC_MESSAGES/iso_3166-1.mo
EMBED    := $(sort $(wildcard src/store/schema/*.sql src/store/schema/pg/*.sql)) data/gazetteer/mali_places.tsv \
            $(sort $(wildcard src/report/templates/*.md)) \
            data/boundaries/geoboundaries_mli_adm1_simplified.geojson $(ISO3166) $(ISO3166_FR)
# `make` alone builds build/bluehelm: web.mk's first rule must not become
# the default goal.
.DEFAULT_GOAL := all
# The web interface (issue 7): built by scripts/build-web.sh into build/web/dist.
-include web/web.mk
EMBED    += $(WEB_ASSETS)
UNIT_SRC := $(sort $(wildcard tests/unit/*.c))

OBJ      := $(SRC:%.c=build/obj/%.o) build/obj/gen/embedded.o
LIB_OBJ  := $(LIB_SRC:%.c=build/obj/%.o) build/obj/gen/embedded.o
ASAN_OBJ := $(SRC:%.c=build/asan/obj/%.o) build/asan/obj/gen/embedded.o
ASAN_LIB := $(LIB_SRC:%.c=build/asan/obj/%.o) build/asan/obj/gen/embedded.o

.PHONY: all run test check unit deps deps-test fuzz bench lint clean
all: build/bluehelm

build/bluehelm: $(OBJ)
	@echo "LD $@"
	@$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

build/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "CC $<"
	@$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

build/obj/gen/embedded.o: build/gen/embedded.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The sanitized build used by the test suite.
build/asan/bluehelm: $(ASAN_OBJ)
	@echo "LD $@"
	@$(CC) $(CFLAGS) $(SAN) -o $@ $^ $(LIBS)

build/asan/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "CC (asan) $<"
	@$(CC) $(ALL_CFLAGS) $(SAN) -MMD -MP -c -o $@ $<

build/asan/obj/gen/embedded.o: build/gen/embedded.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN) -c -o $@ $<

build/asan/unit: $(UNIT_SRC) $(ASAN_LIB) tests/unit/tests.def tests/unit/test.h
	@echo "LD $@"
	@$(CC) $(ALL_CFLAGS) $(SAN) -Itests/unit -o $@ $(UNIT_SRC) $(ASAN_LIB) $(LIBS)

# Files compiled into the binary (migrations, gazetteer), by a small generator.
build/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CFLAGS) -o $@ $<

$(ISO3166) $(ISO3166_FR):
	@echo "$@ is missing: install Debian's iso-codes (scripts/deps.sh build)" >&2; exit 1

build/gen/embedded.c: build/tools/embed $(EMBED) $(WEB_STAMP)
	@mkdir -p $(dir $@)
	build/tools/embed $@ $(EMBED)

# libFuzzer targets (clang from Debian; fuzz/*.c, docs/internals.md "Tests").
# fuzz_csv and fuzz_wire link the CSV reader and the HTTP request reader
# alone; the others link the whole library (everything but src/cli) built
# with clang, the sanitizers and the fuzzer's coverage instrumentation into
# build/fuzz/obj.
FUZZ_TARGETS := csv wire json filter template
FUZZ_SAN   := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
              -fno-omit-frame-pointer
FUZZ_FLAGS  = $(WARN) $(DEFS) $(INC) $(PKG_CFLAGS) -g -O1 $(FUZZ_SAN)
FUZZ_LIB   := $(LIB_SRC:%.c=build/fuzz/obj/%.o) build/fuzz/obj/gen/embedded.o
# Named only by a pattern rule, they would be deleted as intermediate files.
.SECONDARY: $(FUZZ_LIB)

build/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "CC (fuzz) $<"
	@clang $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

build/fuzz/obj/gen/embedded.o: build/gen/embedded.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_FLAGS) -c -o $@ $<

build/fuzz/fuzz_csv: fuzz/fuzz_csv.c src/io/csv.c src/io/csv.h src/core/err.c src/core/utf8.c
	@mkdir -p $(dir $@)
	clang -std=c11 -g -O1 $(DEFS) -Isrc -fsanitize=fuzzer $(FUZZ_SAN) \
	  -o $@ fuzz/fuzz_csv.c src/io/csv.c src/core/err.c src/core/utf8.c

# libFuzzer target for the HTTP/1.1 request parser (what any client sends).
build/fuzz/fuzz_wire: fuzz/fuzz_wire.c src/web/wire.c src/web/wire.h src/core/err.c \
                      src/core/arena.c src/core/buf.c
	@mkdir -p $(dir $@)
	clang -std=c11 -g -O1 $(DEFS) -Isrc -fsanitize=fuzzer $(FUZZ_SAN) \
	  -o $@ fuzz/fuzz_wire.c src/web/wire.c src/core/err.c src/core/arena.c src/core/buf.c \
	  -lhttp_parser

# The targets over the library share a database (fuzz/fixture.c: the
# gazetteer and data/demo, in memory).
build/fuzz/fuzz_%: fuzz/fuzz_%.c fuzz/fixture.c fuzz/fixture.h $(FUZZ_LIB)
	@mkdir -p $(dir $@)
	@echo "LD $@"
	@clang $(FUZZ_FLAGS) -Ifuzz -DFUZZ_DEMO_DIR='"$(CURDIR)/data/demo"' -fsanitize=fuzzer \
	  -o $@ fuzz/fuzz_$*.c fuzz/fixture.c $(FUZZ_LIB) $(LIBS)

# make fuzz: each target in turn for FUZZ_SECONDS, from its kept corpus
# (fuzz/corpus/TARGET, read only) into build/fuzz/work/TARGET; options in
# fuzz/TARGET.options; a crashing input is left in build/fuzz/.
FUZZ_SECONDS ?= 60
fuzz: deps-test
	@$(MAKE) --no-print-directory $(FUZZ_TARGETS:%=build/fuzz/fuzz_%)
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p build/fuzz/work/$$t; \
	  echo "== fuzz_$$t ($(FUZZ_SECONDS) s)"; \
	  build/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) $$(cat fuzz/$$t.options) \
	    -artifact_prefix=build/fuzz/ build/fuzz/work/$$t fuzz/corpus/$$t || exit 1; \
	done

deps:
	@scripts/deps.sh build

deps-test:
	@scripts/deps.sh test

# Install first, then re-enter make so pkg-config sees the new packages.
run: deps
	@$(MAKE) --no-print-directory build/bluehelm
	@scripts/run-demo.sh

test: deps-test
	@$(MAKE) --no-print-directory check

check: build/bluehelm build/asan/bluehelm build/asan/unit $(FUZZ_TARGETS:%=build/fuzz/fuzz_%) lint
	@tests/run.sh

lint:
	@scripts/lint.sh

bench:
	@scripts/deps.sh bench
	@$(MAKE) --no-print-directory build/bluehelm
	bench/import.sh

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
