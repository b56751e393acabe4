/* net.c - see net.h. */
#include "net.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#define CONNECT_TIMEOUT_MS 5000
#define TOTAL_TIMEOUT_MS   15000
#define MAX_REPLY	   (256 * 1024)

/* Initialises libcurl once per process, before threads. Returns 0 or
 * -1. */
int net_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

/* Returns 1 when addr is loopback, private, link-local, unspecified,
 * multicast or carrier-grade NAT (IPv4 and IPv6, mapped IPv4 too). */
static int private_addr(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		uint32_t a =
		    ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr);
		return (a >> 24) == 0 || (a >> 24) == 10 || (a >> 24) == 127 ||
		       (a >> 20) == 0xAC1 || (a >> 16) == 0xC0A8 ||
		       (a >> 16) == 0xA9FE || (a >> 22) == 0x191 ||
		       (a >> 28) >= 0xE;
	}
	if (sa->sa_family == AF_INET6) {
		const unsigned char *b =
		    ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
		static const unsigned char mapped[12] = {
		    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
		if (!memcmp(b, mapped, 12)) {
			struct sockaddr_in v4 = {.sin_family = AF_INET};
			memcpy(&v4.sin_addr, b + 12, 4);
			return private_addr((struct sockaddr *)&v4);
		}
		static const unsigned char zero[16] = {0};
		int loop = !memcmp(b, zero, 15) && b[15] <= 1;
		return loop || (b[0] & 0xfe) == 0xfc ||
		       (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) || b[0] == 0xff;
	}
	return 1;
}

/* libcurl's socket opener: refuses private addresses (the check happens
 * on the resolved address, so DNS cannot smuggle one in). */
static curl_socket_t open_socket(void *ud, curlsocktype purpose,
				 struct curl_sockaddr *a)
{
	(void)purpose;
	if (!*(int *)ud && private_addr(&a->addr))
		return CURL_SOCKET_BAD;
	return socket(a->family, a->socktype, a->protocol);
}

/* What a reply is kept in: the buffer (or none) and the count. */
struct sink {
	buf *b;
	size_t got;
};

/* Write callback: keeps the reply in the sink's buffer (if any), stops
 * after MAX_REPLY bytes. */
static size_t keep(char *p, size_t size, size_t n, void *ud)
{
	struct sink *s = ud;
	s->got += size * n;
	if (s->got > MAX_REPLY)
		return 0;
	if (s->b)
		buf_put(s->b, p, size * n);
	return size * n;
}

/* Checks a webhook URL: http or https, a host, at most 2000 characters.
 * Returns 0, or -1 with a reason in err. */
int net_url_ok(const char *url, char *err, size_t errlen)
{
	int rc = -1;
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL;
	if (!u || strlen(url) > 2000 ||
	    curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		snprintf(err, errlen,
			 "Enter a full URL, e.g. "
			 "https://hooks.example.org/secura");
		goto done;
	}
	if (strcasecmp(scheme, "http") != 0 && strcasecmp(scheme, "https")) {
		snprintf(err, errlen, "Only http:// and https:// URLs");
		goto done;
	}
	rc = 0;
done:
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return rc;
}

/* POSTs p->body (application/json) with p->headers to an http(s) URL,
 * keeping the reply in p->reply when set; p->status gets the HTTP status.
 * Returns 0 when the receiver answered 2xx, else -1 with a reason. */
int net_post(struct net_post *p, char *err, size_t errlen)
{
	p->status = 0;
	CURL *h = curl_easy_init();
	if (!h) {
		snprintf(err, errlen, "curl_easy_init failed");
		return -1;
	}
	struct curl_slist *hl =
	    curl_slist_append(NULL, "Content-Type: application/json");
	for (size_t i = 0; p->headers && p->headers[i]; i++)
		hl = curl_slist_append(hl, p->headers[i]);
	hl = curl_slist_append(hl, "Expect:");
	struct sink sink = {p->reply, 0};
	curl_easy_setopt(h, CURLOPT_URL, p->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
			 (long)CONNECT_TIMEOUT_MS);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
			 p->timeout_ms > 0 ? p->timeout_ms
					   : (long)TOTAL_TIMEOUT_MS);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, &p->allow_private);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, p->body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)p->len);
	curl_easy_setopt(h, CURLOPT_USERAGENT,
			 p->agent ? p->agent : "Secura/1");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, keep);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
	CURLcode rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &p->status);
	curl_slist_free_all(hl);
	curl_easy_cleanup(h);
	if (rc == CURLE_COULDNT_CONNECT && !p->allow_private)
		snprintf(err, errlen,
			 "could not connect (private and loopback addresses "
			 "are refused)");
	else if (rc == CURLE_WRITE_ERROR && p->reply)
		snprintf(err, errlen, "the reply is over %d bytes", MAX_REPLY);
	else if (rc != CURLE_OK && rc != CURLE_WRITE_ERROR)
		snprintf(err, errlen, "%s", curl_easy_strerror(rc));
	else if (p->status < 200 || p->status > 299)
		snprintf(err, errlen, "HTTP %ld (redirects are not followed)",
			 p->status);
	else
		return 0;
	return -1;
}

/* The upload source of net_smtp: the message, then end. */
struct src {
	const char *p;
	size_t left;
};

/* libcurl read callback over a struct src. */
static size_t read_src(char *out, size_t size, size_t n, void *ud)
{
	struct src *s = ud;
	size_t k = size * n < s->left ? size * n : s->left;
	memcpy(out, s->p, k);
	s->p += k;
	s->left -= k;
	return k;
}

/* Sends a complete RFC 5322 message over SMTP (smtp:// or smtps://; TLS
 * is required for credentials over smtp://). Returns 0, or -1 with the
 * server's or libcurl's reason in err. */
int net_smtp(const char *url, const char *user, const char *password,
	     const char *from, const char *to, const char *message, size_t len,
	     char *err, size_t errlen)
{
	CURL *h = curl_easy_init();
	if (!h) {
		snprintf(err, errlen, "curl_easy_init failed");
		return -1;
	}
	struct src s = {message, len};
	struct curl_slist *rcpt = curl_slist_append(NULL, to);
	char mailfrom[330];
	snprintf(mailfrom, sizeof(mailfrom), "<%s>", from);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
			 (long)CONNECT_TIMEOUT_MS);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)TOTAL_TIMEOUT_MS);
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, mailfrom);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_src);
	curl_easy_setopt(h, CURLOPT_READDATA, &s);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	if (user) {
		curl_easy_setopt(h, CURLOPT_USERNAME, user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, password ? password : "");
		curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	}
	CURLcode rc = curl_easy_perform(h);
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(h);
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "%s", curl_easy_strerror(rc));
		return -1;
	}
	return 0;
}
