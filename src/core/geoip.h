/* geoip.h - the country of an address, from a GeoIP country database
 * (Debian's geoip-database: GeoIP.dat and GeoIPv6.dat, read with
 * libGeoIP; SECURA_GEOIP names another directory). Opened once a process,
 * in memory; lookups are read-only and may run in parallel. */
#ifndef SECURA_GEOIP_H
#define SECURA_GEOIP_H

/* Writes ip's country code (ISO 3166-1 alpha-2, upper case) into cc and
 * returns its name (static), or returns NULL when the database has no
 * country for it (private, documentation and unknown addresses) or
 * there is no database. */
const char *geoip_country(const char *ip, char cc[3]);
/* Whether a country database could be opened. */
int geoip_available(void);

#endif
