/* delivery.c - see delivery.h. Emails are multipart/alternative with a
 * plain-text part (templates/email_notification.txt) and an HTML part
 * (templates/email_notification.html), both base64 so no line of user
 * text can end the message or add a header; header values are stripped of
 * control characters and encoded (RFC 2047) when not ASCII. Webhook
 * bodies are signed: X-Secura-Signature: t=<unix time>,v1=<hex HMAC-SHA256
 * of "<t>.<body>" with the webhook's secret>. */
#include "delivery.h"

#include "../core/arena.h"
#include "../core/buf.h"
#include "../core/clock.h"
#include "../core/config.h"
#include "../core/log.h"
#include "../core/net.h"
#include "../core/sha256.h"
#include "../core/view.h"
#include "outbox.h"
#include "webhooks.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Appends base64 of p[0..n) to b, in lines of 76 characters. */
static void b64(buf *b, const unsigned char *p, size_t n, int wrap)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t col = 0;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		char q[4] = {tab[v >> 18 & 63], tab[v >> 12 & 63],
			     i + 1 < n ? tab[v >> 6 & 63] : '=',
			     i + 2 < n ? tab[v & 63] : '='};
		buf_put(b, q, 4);
		col += 4;
		if (wrap && col >= 76 && i + 3 < n) {
			buf_puts(b, "\r\n");
			col = 0;
		}
	}
}

/* Appends a header value: control characters dropped, encoded as one
 * RFC 2047 word when it is not plain ASCII. */
static void header_value(buf *b, const char *v)
{
	buf clean = BUF_INIT;
	int ascii = 1;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			continue;
		ascii &= *p < 0x80;
		buf_putc(&clean, (char)*p);
	}
	if (ascii) {
		buf_put(b, clean.data ? clean.data : "", clean.len);
	} else {
		buf_puts(b, "=?UTF-8?B?");
		b64(b, (const unsigned char *)clean.data, clean.len, 0);
		buf_puts(b, "?=");
	}
	buf_free(&clean);
}

/* Builds the email of an outbox item into msg. Returns 0, or -1 when the
 * payload or a template is broken. */
static int build_email(const struct outbox_item *it, buf *msg)
{
	json_t *p = json_loads(it->payload, 0, NULL);
	buf text = BUF_INIT, html = BUF_INIT;
	int rc = -1;
	json_t *org = json_pack("{ss}", "org",
				*config_get()->org_name ? config_get()->org_name
							: "Secura");
	if (!p || json_object_update(p, org) != 0 ||
	    view_render_text("email_notification.txt", p, &text) != 0 ||
	    view_render_template("email_notification", p, &html) != 0)
		goto done;
	char date[64];
	time_t now = (time_t)clock_now();
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	const char *boundary = "secura-alt-7b3f0c";
	buf_puts(msg, "From: ");
	header_value(msg, config_get()->smtp_from);
	buf_puts(msg, "\r\nTo: ");
	header_value(msg, it->recipient);
	buf_puts(msg, "\r\nSubject: ");
	header_value(msg, it->subject);
	buf_printf(msg,
		   "\r\nDate: %s\r\nMessage-ID: <%s@secura>\r\n"
		   "X-Secura-Delivery: %s\r\nAuto-Submitted: auto-generated\r\n"
		   "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; "
		   "boundary=\"%s\"\r\n\r\n",
		   date, it->key, it->key, boundary);
	buf_printf(msg,
		   "--%s\r\nContent-Type: text/plain; charset=utf-8\r\n"
		   "Content-Transfer-Encoding: base64\r\n\r\n",
		   boundary);
	b64(msg, (const unsigned char *)text.data, text.len, 1);
	buf_printf(msg,
		   "\r\n--%s\r\nContent-Type: text/html; charset=utf-8\r\n"
		   "Content-Transfer-Encoding: base64\r\n\r\n",
		   boundary);
	b64(msg, (const unsigned char *)html.data, html.len, 1);
	buf_printf(msg, "\r\n--%s--\r\n", boundary);
	rc = 0;
done:
	json_decref(p);
	json_decref(org);
	buf_free(&text);
	buf_free(&html);
	return rc;
}

/* Sends one email. Returns 0 or -1 with a reason. */
static int send_email(const struct outbox_item *it, char *err, size_t n)
{
	const struct config *cfg = config_get();
	if (!cfg->smtp_url) {
		snprintf(err, n, "no SMTP server configured (SECURA_SMTP_URL)");
		return -1;
	}
	buf msg = BUF_INIT;
	int rc = build_email(it, &msg);
	if (rc != 0)
		snprintf(err, n, "cannot build the message");
	else
		rc = net_smtp(cfg->smtp_url, cfg->smtp_user, cfg->smtp_password,
			      cfg->smtp_from, it->recipient, msg.data, msg.len,
			      err, n);
	buf_free(&msg);
	return rc;
}

/* Sends one webhook delivery, signed. Returns 0 or -1 with a reason. */
static int send_webhook(db *d, const struct outbox_item *it, char *err,
			size_t n)
{
	char secret[256];
	if (webhooks_secret(d, it->webhook_id, secret, sizeof(secret)) != 0) {
		snprintf(err, n, "the webhook no longer exists");
		return -1;
	}
	long long t = (long long)clock_now();
	buf signed_part = BUF_INIT;
	buf_printf(&signed_part, "%lld.%s", t, it->payload);
	unsigned char mac[SHA256_LEN];
	hmac_sha256(secret, strlen(secret), signed_part.data, signed_part.len,
		    mac);
	buf_free(&signed_part);
	char hex[SHA256_HEX], sig[128], event[96], id[96];
	sha256_tohex(mac, hex);
	snprintf(sig, sizeof(sig), "X-Secura-Signature: t=%lld,v1=%s", t, hex);
	snprintf(event, sizeof(event), "X-Secura-Event: %s", it->subject);
	snprintf(id, sizeof(id), "X-Secura-Delivery: %s", it->key);
	const char *headers[] = {sig, event, id, NULL};
	struct net_post p = {.url = it->recipient,
			     .body = it->payload,
			     .len = strlen(it->payload),
			     .headers = headers,
			     .allow_private = config_get()->allow_private,
			     .agent = "Secura-Webhook/1"};
	return net_post(&p, err, n);
}

/* The "delivery" job: sends delivery j->ref_id (email or webhook) and
 * records the outcome on its outbox row. Returns 0 when it was sent, -1
 * (err) when it was not, so the job is tried again with back-off or, after
 * its last attempt, fails (the row then says dead). */
int delivery_run(db *d, const struct job *j, char *err, size_t errlen)
{
	arena a;
	arena_init(&a);
	struct outbox_item it;
	int rc = -1;
	if (outbox_get(d, &a, j->ref_id, &it) != 1) {
		snprintf(err, errlen, "delivery %lld: no such row",
			 (long long)j->ref_id);
		goto done;
	}
	int ok = (!strcmp(it.channel, "email")
		      ? send_email(&it, err, errlen)
		      : send_webhook(d, &it, err, errlen)) == 0;
	log_event(NULL, NULL, "delivery %lld %s %s: %s", (long long)it.id,
		  it.channel, it.recipient, ok ? "sent" : err);
	if (outbox_settle(d, &it, j, ok, err) != 0)
		snprintf(err, errlen, "delivery %lld: %s", (long long)it.id,
			 db_errmsg(d));
	else if (ok)
		rc = 0;
done:
	arena_free(&a);
	return rc;
}
