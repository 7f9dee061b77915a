/* test.h: a minimal unit-test harness. Each test is `TEST(name) { ... }` in a
 * tests/unit/test_*.c file and is listed once in tests/unit/tests.def.
 * CHECK(cond) records a failure and goes on; REQUIRE(cond) returns. */
#ifndef BH_TEST_H
#define BH_TEST_H

#include <stdio.h>
#include <string.h>

extern int test_failures; /* failures in the running test */
extern const char *test_skip; /* set by a test that cannot run here: the reason */

#define TEST(name)         \
  void test_##name(void); \
  void test_##name(void)

#define CHECK(cond)                                                       \
  do {                                                                    \
    if (!(cond)) {                                                        \
      fprintf(stderr, "  %s:%d: CHECK failed: %s\n", __FILE__, __LINE__,  \
              #cond);                                                     \
      test_failures++;                                                    \
    }                                                                     \
  } while (0)

#define REQUIRE(cond)                                                     \
  do {                                                                    \
    if (!(cond)) {                                                        \
      fprintf(stderr, "  %s:%d: REQUIRE failed: %s\n", __FILE__,          \
              __LINE__, #cond);                                           \
      test_failures++;                                                    \
      return;                                                             \
    }                                                                     \
  } while (0)

#define CHECK_STR(a, b)                                                   \
  do {                                                                    \
    const char *a_ = (a), *b_ = (b);                                      \
    if (!a_ || !b_ || strcmp(a_, b_) != 0) {                              \
      fprintf(stderr, "  %s:%d: CHECK_STR failed: \"%s\" != \"%s\"\n",    \
              __FILE__, __LINE__, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
      test_failures++;                                                    \
    }                                                                     \
  } while (0)

#define CHECK_INT(a, b)                                                   \
  do {                                                                    \
    long long a_ = (long long)(a), b_ = (long long)(b);                   \
    if (a_ != b_) {                                                       \
      fprintf(stderr, "  %s:%d: CHECK_INT failed: %s = %lld, want %lld\n", \
              __FILE__, __LINE__, #a, a_, b_);                            \
      test_failures++;                                                    \
    }                                                                     \
  } while (0)

#endif
