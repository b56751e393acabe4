/* ui_xlsx.c - GET /incidents.xlsx: the filtered incident list as an Excel
 * workbook (libxlsxwriter), with the CSV export's columns: a bold frozen
 * header with filters, times as real date-times (UTC), counts as numbers,
 * everything else as text (never a formula). libxlsxwriter 1.1 writes
 * only to files: the workbook is built in $SECURA_DATA/tmp, read back and
 * removed. */
#include "ui.h"

#include "../core/clock.h"
#include "../core/config.h"
#include "../domain/incidents.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

struct sheet {
	lxw_worksheet *ws;
	lxw_format *when;
	lxw_row_t row;
	arena a;
};

/* Returns t (Unix seconds) as an Excel date-time in UTC. */
static lxw_datetime when(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	return (lxw_datetime){tm.tm_year + 1900, tm.tm_mon + 1,
			      tm.tm_mday,	 tm.tm_hour,
			      tm.tm_min,	 (double)tm.tm_sec};
}

/* incidents_each callback: one row per incident. */
static int xlsx_row(void *ud, const struct incident *in)
{
	struct sheet *s = ud;
	const char *cells[INCIDENT_COLUMNS];
	int64_t times[7], counts[2];
	ui_incidents_export_row(&s->a, in, cells, times, counts);
	s->row++;
	for (int i = 0; i < INCIDENT_COLUMNS; i++) {
		lxw_col_t col = (lxw_col_t)i;
		if (i >= 9 && i < 16 && times[i - 9]) {
			lxw_datetime dt = when(times[i - 9]);
			worksheet_write_datetime(s->ws, s->row, col, &dt,
						 s->when);
		} else if ((i == 17 || i == 18) && counts[i - 17] >= 0) {
			worksheet_write_number(s->ws, s->row, col,
					       (double)counts[i - 17], NULL);
		} else if (*cells[i]) {
			worksheet_write_string(s->ws, s->row, col, cells[i],
					       NULL);
		}
	}
	arena_reset(&s->a);
	return 0;
}

/* GET /incidents.xlsx - every incident matching the filter as a
 * workbook, for analysts and managers; audited. */
int ui_xlsx_incidents(struct ctx *c)
{
	struct incident_filter f;
	if (ui_incidents_read_filter(c, &f) != 0)
		return 0;
	f.limit = -1;
	char dir[4200], path[4300];
	snprintf(dir, sizeof(dir), "%s/tmp", config_get()->data_dir);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return -1;
	snprintf(path, sizeof(path), "%s/export-%s.xlsx", dir, c->rid);
	lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = dir};
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	if (!wb)
		return -1;
	struct sheet s = {
	    workbook_add_worksheet(wb, "Incidents"), NULL, 0, {0}};
	lxw_format *head = workbook_add_format(wb);
	format_set_bold(head);
	s.when = workbook_add_format(wb);
	format_set_num_format(s.when, "yyyy-mm-dd hh:mm:ss");
	for (int i = 0; i < INCIDENT_COLUMNS; i++) {
		worksheet_write_string(s.ws, 0, (lxw_col_t)i,
				       ui_incidents_export_columns[i], head);
		worksheet_set_column(s.ws, (lxw_col_t)i, (lxw_col_t)i,
				     i == 1 || i == 24	? 40
				     : i >= 9 && i < 16 ? 19
							: 14,
				     NULL);
	}
	worksheet_freeze_panes(s.ws, 1, 1);
	arena_init(&s.a);
	int rc = incidents_each(c->db, &f, xlsx_row, &s);
	arena_free(&s.a);
	worksheet_autofilter(s.ws, 0, 0, s.row, INCIDENT_COLUMNS - 1);
	lxw_error err = workbook_close(wb);
	if (rc != 0 || err != LXW_NO_ERROR ||
	    buf_read_file(&c->out, path) != 0) {
		unlink(path);
		return -1;
	}
	unlink(path);
	if (ui_incidents_audit_export(c, &f, "xlsx") != 0)
		return -1;
	char day[21];
	clock_iso(clock_now(), day);
	ctx_download(c, arena_printf(c->a, "incidents-%.10s.xlsx", day),
		     "application/"
		     "vnd.openxmlformats-officedocument.spreadsheetml.sheet");
	return 0;
}
