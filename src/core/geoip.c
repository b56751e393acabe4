/* geoip.c - see geoip.h. */
#include "geoip.h"

#include "config.h"

#include <GeoIP.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;
static GeoIP *v4, *v6;

/* Opens the databases (each may be missing). */
static void open_dbs(void)
{
	char path[4200];
	const char *dir = config_get()->geoip_dir;
	snprintf(path, sizeof(path), "%s/GeoIP.dat", dir);
	v4 = GeoIP_open(path, GEOIP_MEMORY_CACHE | GEOIP_SILENCE);
	snprintf(path, sizeof(path), "%s/GeoIPv6.dat", dir);
	v6 = GeoIP_open(path, GEOIP_MEMORY_CACHE | GEOIP_SILENCE);
}

/* Whether a country database could be opened (see geoip.h). */
int geoip_available(void)
{
	pthread_once(&once, open_dbs);
	return v4 != NULL;
}

/* ip's country code into cc and its name (static), or NULL (see
 * geoip.h). */
const char *geoip_country(const char *ip, char cc[3])
{
	pthread_once(&once, open_dbs);
	int id = 0;
	if (strchr(ip, ':'))
		id = v6 ? GeoIP_id_by_addr_v6(v6, ip) : 0;
	else
		id = v4 ? GeoIP_id_by_addr(v4, ip) : 0;
	if (id <= 0)
		return NULL;
	const char *code = GeoIP_code_by_id(id);
	if (!code || strlen(code) != 2 || !strcmp(code, "--") ||
	    !strcmp(code, "A1") || !strcmp(code, "A2") || !strcmp(code, "O1") ||
	    !strcmp(code, "EU") || !strcmp(code, "AP"))
		return NULL; /* proxies, satellite, continents: no country */
	memcpy(cc, code, 3);
	return GeoIP_name_by_id(id);
}
