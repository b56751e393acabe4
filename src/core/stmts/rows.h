/* stmts/rows.h - row shapes that several statements share, each one
 * column list X(NAME, "sql expression") that makes both the statements'
 * select list (ROW_SQL) and an enum of column numbers (ROW_ENUM), so a
 * reader names its columns (INCIDENT_COL_TITLE) instead of counting
 * them. The last column is given with L so the list needs no trailing
 * comma. */
#ifndef SECURA_STMTS_ROWS_H
#define SECURA_STMTS_ROWS_H

#define ROW_SQL(name, expr)	 expr ", "
#define ROW_SQL_LAST(name, expr) expr " "

/* An incident with its category, reporter and assignee (incidents.c). */
#define INCIDENT_ROW(X, L)                                                     \
	X(ID, "i.id")                                                          \
	X(REF, "i.ref")                                                        \
	X(TITLE, "i.title")                                                    \
	X(DESCRIPTION, "i.description")                                        \
	X(STATUS, "i.status")                                                  \
	X(SEVERITY, "coalesce(i.severity, '')")                                \
	X(TLP, "i.tlp")                                                        \
	X(CATEGORY_ID, "i.category_id")                                        \
	X(CATEGORY_SLUG, "c.slug")                                             \
	X(CATEGORY_NAME, "c.name")                                             \
	X(REPORTER_ID, "i.reporter_id")                                        \
	X(REPORTER_EMAIL, "r.email")                                           \
	X(REPORTER_NAME, "r.name")                                             \
	X(ASSIGNEE_ID, "coalesce(i.assignee_id, 0)")                           \
	X(ASSIGNEE_EMAIL, "coalesce(a.email, '')")                             \
	X(ASSIGNEE_NAME, "coalesce(a.name, '')")                               \
	X(OCCURRED_AT, "coalesce(i.occurred_at, 0)")                           \
	X(NOTICED_AT, "coalesce(i.noticed_at, 0)")                             \
	X(ASSETS, "i.assets")                                                  \
	X(LOCATION, "i.location")                                              \
	X(PERSONAL_DATA, "i.personal_data")                                    \
	X(PEOPLE_AFFECTED, "i.people_affected")                                \
	X(RECORDS_AFFECTED, "i.records_affected")                              \
	X(DATA_TYPES, "i.data_types")                                          \
	X(ROOT_CAUSE, "i.root_cause")                                          \
	X(RESOLUTION, "i.resolution")                                          \
	X(CONTAINED_AT, "coalesce(i.contained_at, 0)")                         \
	X(RESOLVED_AT, "coalesce(i.resolved_at, 0)")                           \
	X(CLOSED_AT, "coalesce(i.closed_at, 0)")                               \
	X(CREATED_AT, "i.created_at")                                          \
	X(UPDATED_AT, "i.updated_at")                                          \
	L(ENISA_CLASS, "c.enisa_class")

#define INCIDENT_COL(name, expr) INCIDENT_COL_##name,
enum incident_col { INCIDENT_ROW(INCIDENT_COL, INCIDENT_COL) INCIDENT_COL__N };
#undef INCIDENT_COL

#endif
