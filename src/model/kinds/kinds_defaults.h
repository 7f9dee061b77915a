/* kinds_defaults.h: every macro of the kind files (kinds.def) that the
 * including pass has not defined expands to nothing. A pass over kinds.def
 * defines the macros it uses, then includes this file, kinds.def and
 * kinds_undef.h:
 *
 *     #define COLUMN(n, t, f, a) {#n, FT_##t, f, a},
 *     #define KIND(name, date, prep, after) static const field name##_fields[] = {
 *     #define KIND_END };
 *     #include "model/kinds/kinds_defaults.h"
 *     #include "model/kinds/kinds.def"
 *     #include "model/kinds/kinds_undef.h"
 *
 * No include guard: every pass includes it again. A new macro in the kind
 * files is added here and in kinds_undef.h. */
#ifndef KIND
#define KIND(name, date, prep, after)
#endif
#ifndef KIND_END
#define KIND_END
#endif
#ifndef COLUMN
#define COLUMN(n, t, f, a)
#endif
#ifndef ORDER
#define ORDER(a, b, msg)
#endif
#ifndef PAIR
#define PAIR(a, b, pairs, msg)
#endif
#ifndef WITHIN
#define WITHIN(ref, a, b, msg)
#endif
#ifndef SEQUENCE
#define SEQUENCE(cols, msg)
#endif
#ifndef ANY
#define ANY(a, b, msg)
#endif
#ifndef COMPUTED
#define COMPUTED(col, fn, a1, a2)
#endif
#ifndef COUNTED
#define COUNTED(col, cond)
#endif
#ifndef KIND_LABEL
#define KIND_LABEL(en, fr)
#endif
#ifndef LIST_COLUMNS
#define LIST_COLUMNS(cols)
#endif
#ifndef LABEL
#define LABEL(col, en, fr)
#endif
