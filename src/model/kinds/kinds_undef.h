/* kinds_undef.h: undefines every macro of the kind files (kinds.def), those
 * a pass defined and those kinds_defaults.h supplied, so that the next pass
 * starts from none. No include guard: every pass includes it again. */
#undef KIND
#undef KIND_END
#undef COLUMN
#undef ORDER
#undef PAIR
#undef WITHIN
#undef SEQUENCE
#undef ANY
#undef COMPUTED
#undef COUNTED
#undef KIND_LABEL
#undef LIST_COLUMNS
#undef LABEL
