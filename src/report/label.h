/* label.h: the words a report shows for the keys of indicator results and
 * records (vocabulary words, column names, figures such as
 * "against_mission", months "2021-01", dates) in the report's language.
 * Vocabulary and column labels come from the kinds' declarations
 * (the kinds' .def files and words.def); the figures' own labels are here. */
#ifndef BH_REPORT_LABEL_H
#define BH_REPORT_LABEL_H

#include "core/buf.h"
#include "core/lang.h"

/* report_key_label: the label of key in language l: a figure of an
 * indicator, else a vocabulary word, else a column of some kind; NULL when
 * none has one. Static text. */
const char *report_key_label(const char *key, lang l);

/* report_key_text: appends key as a report shows it in language l: a month
 * ("2021-01") by name, a date ("2021-01-04") in words, else its label, else
 * the key itself. `running` lowers the first letter of a label for running
 * text ("explosive incident"), except before an abbreviation ("IED"). */
void report_key_text(buf *out, const char *key, lang l, int running);

/* report_vocab_column: 1 when some kind has a vocabulary column named name. */
int report_vocab_column(const char *name);

/* report_lower_first: appends text with its first letter in lower case
 * unless the second is a capital (an abbreviation: "EEI", "APC (...)"). */
void report_lower_first(buf *out, const char *text);

#endif
