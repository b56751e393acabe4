/* trivial.c - the read baseline for `make bench`: a FastCGI program with
 * the same threading as Secura's (libfcgi, N threads on one socket) that
 * answers a constant. Usage: trivial SOCKET THREADS */
#include <fcgiapp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static int sock;

/* Accept loop: every request gets the same small response. */
static void *serve(void *arg)
{
	FCGX_Request r;
	(void)arg;
	FCGX_InitRequest(&r, sock, 0);
	while (FCGX_Accept_r(&r) >= 0) {
		FCGX_PutS("Status: 200 OK\r\nContent-Type: text/plain\r\n"
			  "Content-Length: 3\r\n\r\nok\n",
			  r.out);
		FCGX_Finish_r(&r);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	long n = strtol(argv[2], NULL, 10);
	if (n < 1 || n > 256)
		return 2;
	FCGX_Init();
	unlink(argv[1]);
	umask(0117);
	sock = FCGX_OpenSocket(argv[1], 1024);
	if (sock < 0)
		return 1;
	/* libfcgi's SIGTERM handler would keep us alive: restore the default. */
	signal(SIGTERM, SIG_DFL);
	pthread_t t[256];
	for (long i = 0; i < n; i++)
		pthread_create(&t[i], NULL, serve, NULL);
	for (long i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	return 0;
}
