/* main.c: runs every unit test listed in tests.def (or those whose name
 * contains argv[1]) and ends with the line "N passed, N failed, N skipped". */
#include <stdio.h>
#include <string.h>

#include "test.h"

int test_failures;
const char *test_skip;

#define T(name) void test_##name(void);
#include "tests.def"
#undef T

static const struct {
  const char *name;
  void (*fn)(void);
} tests[] = {
#define T(name) {#name, test_##name},
#include "tests.def"
#undef T
};

int main(int argc, char **argv) {
  int passed = 0, failed = 0, skipped = 0;
  for (unsigned i = 0; i < sizeof tests / sizeof tests[0]; i++) {
    if (argc > 1 && !strstr(tests[i].name, argv[1])) continue;
    test_failures = 0;
    test_skip = NULL;
    tests[i].fn();
    if (test_skip && !test_failures) {
      printf("skip %s: %s\n", tests[i].name, test_skip);
      skipped++;
    } else if (test_failures) {
      printf("FAIL %s\n", tests[i].name);
      failed++;
    } else {
      printf("ok   %s\n", tests[i].name);
      passed++;
    }
  }
  printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
  return failed ? 1 : 0;
}
