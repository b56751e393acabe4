/* testhelp.h - tiny test harness in the spirit of Redis's testhelp.h.
 * Every check prints "ok - what" or "not ok - what (file:line)"; the
 * top-level runner counts those lines across all suites. */
#ifndef SECURA_TESTHELP_H
#define SECURA_TESTHELP_H

#include <stdio.h>
#include <string.h>

static int th_passed, th_failed;

/* Line-buffered stdout: a sanitizer abort must not swallow results. */
__attribute__((constructor)) static void th_init(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
}

#define test_cond(descr, cond)                                                 \
	do {                                                                   \
		if (cond) {                                                    \
			th_passed++;                                           \
			printf("ok - %s\n", descr);                            \
		} else {                                                       \
			th_failed++;                                           \
			printf("not ok - %s (%s:%d)\n", descr, __FILE__,       \
			       __LINE__);                                      \
		}                                                              \
	} while (0)

#define test_streq(descr, got, want)                                           \
	do {                                                                   \
		const char *g_ = (got), *w_ = (want);                          \
		int eq_ = g_ && w_ && strcmp(g_, w_) == 0;                     \
		test_cond(descr, eq_);                                         \
		if (!eq_)                                                      \
			printf("#   got:  [%s]\n#   want: [%s]\n",               \
			       g_ ? g_ : "(null)", w_ ? w_ : "(null)");        \
	} while (0)

#define test_report()                                                          \
	(printf("# %d passed, %d failed\n", th_passed, th_failed),             \
	 th_failed ? 1 : 0)

#endif
