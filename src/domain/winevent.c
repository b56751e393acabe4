/* winevent.c - see winevent.h. The event's id becomes event.code, its
 * channel winlog.channel, its computer host.name, every other field of
 * the event's data winlog.event_data; a sign-in's account and address
 * also become user.name and source.ip, and its outcome event.outcome,
 * so the sign-in model and the alerts' grouping read them. */
#include "winevent.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

/* The system fields of a flat record that are not the event's data. */
static const char *const system_keys[] = {"EventID",
					  "Channel",
					  "Hostname",
					  "Computer",
					  "Message",
					  "@timestamp",
					  "@version",
					  "EventTime",
					  "EventReceivedTime",
					  "SourceModuleName",
					  "SourceModuleType",
					  "Keywords",
					  "SeverityValue",
					  "Severity",
					  "EventType",
					  "ProviderGuid",
					  "SourceName",
					  "RecordNumber",
					  "ExecutionProcessID",
					  "ThreadID",
					  "Opcode",
					  "OpcodeValue",
					  "Task",
					  "Version",
					  "host",
					  "port",
					  "Category",
					  NULL};

/* Returns whether key is one of system_keys. */
static int system_key(const char *key)
{
	for (size_t i = 0; system_keys[i]; i++)
		if (!strcmp(system_keys[i], key))
			return 1;
	return 0;
}

/* Fills ECS fields of out from the event's id, channel, computer and
 * data (borrowed; data's members copied). */
static void fill(json_t *out, json_t *id, const char *channel,
		 const char *computer, json_t *data)
{
	char code[24];
	snprintf(code, sizeof(code), "%lld",
		 json_is_integer(id) ? (long long)json_integer_value(id)
				     : (long long)0);
	if (json_is_string(id))
		snprintf(code, sizeof(code), "%s", json_string_value(id));
	long long n = 0;
	sscanf(code, "%lld", &n);
	json_t *ev = json_pack("{ss ss}", "code", code, "kind", "event");
	json_object_set_new(out, "event", ev);
	json_t *w = json_pack("{ss sI}", "channel", channel ? channel : "",
			      "event_id", (json_int_t)n);
	json_object_set(w, "event_data", data);
	json_object_set_new(out, "winlog", w);
	if (computer)
		json_object_set_new(out, "host",
				    json_pack("{ss}", "name", computer));
	/* sign-ins: who, from where, and whether it worked */
	const char *user =
	    json_string_value(json_object_get(data, "TargetUserName"));
	const char *ip = json_string_value(json_object_get(data, "IpAddress"));
	unsigned char a[16];
	if (user && *user && strcmp(user, "-"))
		json_object_set_new(out, "user",
				    json_pack("{ss}", "name", user));
	if (ip &&
	    (inet_pton(AF_INET, ip, a) == 1 || inet_pton(AF_INET6, ip, a) == 1))
		json_object_set_new(out, "source", json_pack("{ss}", "ip", ip));
	if (n == 4624 || n == 4625 || n == 4648 || n == 4776 || n == 4771 ||
	    n == 4768 || n == 4769) {
		json_object_set_new(ev, "category",
				    json_string("authentication"));
		json_object_set_new(ev, "outcome",
				    json_string(n == 4625 || n == 4771
						    ? "failure"
						    : "success"));
	}
}

/* Returns the ECS form of a Windows event record in (flat, with EventID
 * and Channel; or Event.System and Event.EventData) as a new object, or
 * NULL when in is no Windows record. in is left unchanged. */
json_t *winevent_ecs(json_t *in)
{
	json_t *out = json_object(), *t = json_object_get(in, "@timestamp");
	if (json_is_string(t))
		json_object_set(out, "@timestamp", t);
	json_t *sys = json_object_get(json_object_get(in, "Event"), "System");
	if (json_is_object(sys)) {
		json_t *data =
		    json_object_get(json_object_get(in, "Event"), "EventData");
		json_t *when = json_object_get(
		    json_object_get(json_object_get(sys, "TimeCreated"),
				    "#attributes"),
		    "SystemTime");
		if (json_is_string(when))
			json_object_set(out, "@timestamp", when);
		json_t *copy =
		    json_is_object(data) ? json_deep_copy(data) : json_object();
		fill(out, json_object_get(sys, "EventID"),
		     json_string_value(json_object_get(sys, "Channel")),
		     json_string_value(json_object_get(sys, "Computer")), copy);
		json_decref(copy);
		return out;
	}
	json_t *id = json_object_get(in, "EventID");
	const char *channel = json_string_value(json_object_get(in, "Channel"));
	if (!id || !channel) {
		json_decref(out);
		return NULL;
	}
	json_t *data = json_object();
	const char *key;
	json_t *v;
	json_object_foreach(in, key, v)
	{
		if (!system_key(key))
			json_object_set(data, key, v);
	}
	const char *host = json_string_value(json_object_get(in, "Hostname"));
	fill(out, id, channel, host, data);
	json_decref(data);
	json_t *msg = json_object_get(in, "Message");
	if (json_is_string(msg))
		json_object_set(out, "message", msg);
	return out;
}
