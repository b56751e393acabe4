/* perm.c - the permission matrix. This table is the single source of
 * truth for what a role may do; routes name a permission, never a role. */
#include "perm.h"

#include <string.h>

#define P(x) (1u << PERM_##x)

static const unsigned role_perms[ROLE__COUNT] = {
    [ROLE_EMPLOYEE] = P(PUBLIC) | P(LOGIN) | P(INCIDENT_REPORT),
    [ROLE_ANALYST] = P(PUBLIC) | P(LOGIN) | P(INCIDENT_REPORT) |
		     P(INCIDENT_READ_ALL) | P(INCIDENT_WRITE) | P(EVENT_READ) |
		     P(ALERT_READ) | P(ALERT_WRITE) | P(CHAT),
    [ROLE_LEAD] =
	P(PUBLIC) | P(LOGIN) | P(INCIDENT_REPORT) | P(INCIDENT_READ_ALL) |
	P(INCIDENT_WRITE) | P(INCIDENT_ASSIGN) | P(DASHBOARD) |
	P(PLAYBOOK_EDIT) | P(EVENT_READ) | P(ALERT_READ) | P(ALERT_WRITE) |
	P(ALERT_RESPOND) | P(APPLICATION_READ) | P(CHAT) | P(CHAT_ROOMS),
    [ROLE_MANAGER] = P(PUBLIC) | P(LOGIN) | P(INCIDENT_REPORT) |
		     P(INCIDENT_READ_ALL) | P(DASHBOARD) | P(REPORT) |
		     P(ALERT_READ) | P(CHAT),
    [ROLE_ADMIN] = (1u << PERM__COUNT) - 1,
};

const char *const perm_role_names[] = {"employee", "analyst", "lead",
				       "manager",  "admin",   NULL};

static const char *const perm_names[PERM__COUNT] = {
    "public",		"login",
    "incident_report",	"incident_read_all",
    "incident_write",	"incident_assign",
    "dashboard",	"report",
    "user_admin",	"audit_read",
    "settings",		"playbook_edit",
    "event_read",	"alert_read",
    "alert_write",	"alert_respond",
    "application_read", "chat",
    "chat_rooms"};

/* Returns 1 when role may do p. ROLE_NONE has only PERM_PUBLIC. */
int perm_has(int role, enum perm p)
{
	if (p == PERM_PUBLIC)
		return 1;
	if (role < 0 || role >= ROLE__COUNT || p >= PERM__COUNT)
		return 0;
	return (role_perms[role] >> p) & 1u;
}

/* Returns the permission's name, as used in view models ("can"). */
const char *perm_name(enum perm p)
{
	return p < PERM__COUNT ? perm_names[p] : "?";
}

/* Returns the role's name; "anonymous" for ROLE_NONE. */
const char *perm_role_name(int role)
{
	return role >= 0 && role < ROLE__COUNT ? perm_role_names[role]
					       : "anonymous";
}

/* Parses a role name; returns ROLE_NONE when unknown. */
int perm_role_parse(const char *s)
{
	for (int i = 0; s && perm_role_names[i]; i++)
		if (strcmp(s, perm_role_names[i]) == 0)
			return i;
	return ROLE_NONE;
}
