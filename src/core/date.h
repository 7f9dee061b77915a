/* date.h: calendar dates as day numbers (days since 1970-01-01, proleptic
 * Gregorian), strict ISO parsing, the looser forms real exports use, and
 * the period arithmetic of FORMATS.md §3. */
#ifndef BH_DATE_H
#define BH_DATE_H

/* date_from_ymd: the day number of y-m-d; the caller ensures validity. */
int date_from_ymd(int y, int m, int d);

/* date_to_ymd: splits a day number into year, month, day. */
void date_to_ymd(int days, int *y, int *m, int *d);

/* date_valid_ymd: 1 when y-m-d is a real calendar day (1 <= y <= 9999). */
int date_valid_ymd(int y, int m, int d);

/* date_parse_iso: parses exactly "YYYY-MM-DD" into *days; returns 0, or -1
 * when the text is not that form or not a real day (2021-02-30). */
int date_parse_iso(const char *s, int *days);

/* date_parse_datetime: parses exactly "YYYY-MM-DDTHH:MM" (a real day, hours
 * 00-23, minutes 00-59) into *days and *minute (minutes since midnight);
 * returns 0, or -1 for any other text (a space for the T, seconds, a zone). */
int date_parse_datetime(const char *s, int *days, int *minute);

/* date_parse_day: the day of a date ("YYYY-MM-DD") or of a datetime
 * ("YYYY-MM-DDTHH:MM"), both strict as above. Returns 0 or -1. */
int date_parse_day(const char *s, int *days);

/* date_parse_export: parses the date forms found in ACLED and UCDP exports:
 * "2020-10-31", "2019-01-01 00:00:00.000", "31 December 2020", "9-May-20"
 * (two-digit years: 69-99 -> 19xx, 00-68 -> 20xx). Returns 0 or -1. */
int date_parse_export(const char *s, int *days);

/* date_format: writes "YYYY-MM-DD" into out (at least 11 bytes); returns out. */
char *date_format(int days, char *out);

/* date_year_earlier: the same day one calendar year earlier (29 February
 * becomes 28 February). */
int date_year_earlier(int days);

/* date_today: today's day number (UTC). */
int date_today(void);

#endif
