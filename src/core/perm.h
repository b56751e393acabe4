/* perm.h - roles and the one table of what each role may do. */
#ifndef SECURA_PERM_H
#define SECURA_PERM_H

enum role {
	ROLE_NONE = -1, /* not logged in */
	ROLE_EMPLOYEE,
	ROLE_ANALYST,
	ROLE_LEAD,
	ROLE_MANAGER,
	ROLE_ADMIN,
	ROLE__COUNT
};

enum perm {
	PERM_PUBLIC,		/* anyone, logged in or not */
	PERM_LOGIN,		/* any logged-in user */
	PERM_INCIDENT_REPORT,	/* report incidents, see own */
	PERM_INCIDENT_READ_ALL, /* see every incident */
	PERM_INCIDENT_WRITE,	/* triage, investigate, comment internally */
	PERM_INCIDENT_ASSIGN,	/* assign incidents to others */
	PERM_DASHBOARD,		/* dashboards and metrics */
	PERM_REPORT,		/* compliance reports and exports */
	PERM_USER_ADMIN,	/* manage people and roles */
	PERM_AUDIT_READ,	/* read the audit log */
	PERM_SETTINGS,		/* organisation settings, categories */
	PERM_PLAYBOOK_EDIT,	/* write the mitigation playbooks */
	PERM_EVENT_READ,	/* read the security events sources send */
	PERM_ALERT_READ,	/* read alerts (managers too, read only) */
	PERM_ALERT_WRITE,	/* triage alerts and promote them */
	PERM_ALERT_RESPOND,	/* run response actions from an alert */
	PERM_APPLICATION_READ,	/* read applications to join the team */
	PERM_CHAT,		/* the chat (read-only unless on the team) */
	PERM_CHAT_ROOMS,	/* make rooms and choose their members */
	PERM__COUNT
};

int perm_has(int role, enum perm p);
const char *perm_name(enum perm p);
const char *perm_role_name(int role);
int perm_role_parse(const char *s);
extern const char *const perm_role_names[];

#endif
