/* tap-delay: join two tap devices (possibly in different network namespaces)
 * and hold every frame for exactly N milliseconds in each direction.
 *
 * Part of the pathtrace capture lab (tests/lab/lab.sh, scenario "delay").
 * The kernel on the lab machines has no sch_netem, so a known per-hop delay
 * is made in userspace: frames read from one tap are queued with a due time
 * (CLOCK_MONOTONIC, now + N ms) and written to the other tap when due.
 * The relay stops by itself after a bounded time given on the command line.
 *
 * usage: tap-delay -a TAP_A [-A NETNS_PATH_A] -b TAP_B [-B NETNS_PATH_B]
 *                  -d MS -t SECONDS
 * The taps must exist already (ip tuntap add dev NAME mode tap), without
 * packet information header.  Prints "ready" on stdout once both taps are
 * attached, and a statistics line on stderr when it stops.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define SLOT_BYTES 16384u
#define QUEUE_SLOTS 1024u

struct frame {
	int64_t due_ns;
	size_t len;
	unsigned char data[SLOT_BYTES];
};

struct queue {
	struct frame *slots;
	unsigned head, count;
	unsigned long long in, out, dropped_full, write_errors;
};

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "tap-delay: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int open_tap(const char *netns, const char *name)
{
	struct ifreq ifr;
	int fd;

	if (netns) {
		int nsfd = open(netns, O_RDONLY | O_CLOEXEC);
		if (nsfd < 0)
			die(netns);
		if (setns(nsfd, CLONE_NEWNET) < 0)
			die("setns");
		close(nsfd);
	}
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die("/dev/net/tun");
	memset(&ifr, 0, sizeof ifr);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	if (strlen(name) >= sizeof ifr.ifr_name) {
		fprintf(stderr, "tap-delay: interface name too long: %s\n", name);
		exit(2);
	}
	strcpy(ifr.ifr_name, name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0)
		die(name);
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
		die("fcntl");
	return fd;
}

/* Read every frame waiting on fd into q, stamped with due = now + delay. */
static void drain(int fd, struct queue *q, int64_t delay_ns)
{
	for (;;) {
		unsigned char scratch[SLOT_BYTES];
		struct frame *f;
		ssize_t n;

		if (q->count == QUEUE_SLOTS) {
			n = read(fd, scratch, sizeof scratch);
			if (n <= 0)
				return;
			q->dropped_full++;
			continue;
		}
		f = &q->slots[(q->head + q->count) % QUEUE_SLOTS];
		n = read(fd, f->data, SLOT_BYTES);
		if (n <= 0)
			return;
		f->len = (size_t)n;
		f->due_ns = now_ns() + delay_ns;
		q->count++;
		q->in++;
	}
}

/* Write every due frame of q to fd. */
static void flush_due(int fd, struct queue *q, int64_t now)
{
	while (q->count > 0) {
		struct frame *f = &q->slots[q->head];
		if (f->due_ns > now)
			return;
		if (write(fd, f->data, f->len) == (ssize_t)f->len)
			q->out++;
		else
			q->write_errors++;
		q->head = (q->head + 1) % QUEUE_SLOTS;
		q->count--;
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: tap-delay -a TAP_A [-A NETNS_PATH_A] -b TAP_B "
			"[-B NETNS_PATH_B] -d MS -t SECONDS\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *tap_a = NULL, *tap_b = NULL, *ns_a = NULL, *ns_b = NULL;
	long delay_ms = -1, seconds = -1;
	struct queue qab, qba;
	int fda, fdb, opt;
	int64_t delay_ns, deadline;
	struct sigaction sa;

	while ((opt = getopt(argc, argv, "a:A:b:B:d:t:")) != -1) {
		switch (opt) {
		case 'a': tap_a = optarg; break;
		case 'A': ns_a = optarg; break;
		case 'b': tap_b = optarg; break;
		case 'B': ns_b = optarg; break;
		case 'd': delay_ms = strtol(optarg, NULL, 10); break;
		case 't': seconds = strtol(optarg, NULL, 10); break;
		default: usage();
		}
	}
	if (!tap_a || !tap_b || delay_ms < 0 || delay_ms > 10000 || seconds <= 0 ||
	    seconds > 3600)
		usage();

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	memset(&qab, 0, sizeof qab);
	memset(&qba, 0, sizeof qba);
	qab.slots = calloc(QUEUE_SLOTS, sizeof *qab.slots);
	qba.slots = calloc(QUEUE_SLOTS, sizeof *qba.slots);
	if (!qab.slots || !qba.slots)
		die("calloc");

	fda = open_tap(ns_a, tap_a);
	fdb = open_tap(ns_b, tap_b);
	delay_ns = (int64_t)delay_ms * 1000000LL;
	deadline = now_ns() + (int64_t)seconds * 1000000000LL;
	printf("ready\n");
	fflush(stdout);

	while (!stop_requested) {
		struct pollfd pfd[2];
		int64_t now = now_ns(), wake = deadline, wait_ns;
		struct timespec timeout;

		if (now >= deadline)
			break;
		flush_due(fdb, &qab, now);
		flush_due(fda, &qba, now);
		if (qab.count && qab.slots[qab.head].due_ns < wake)
			wake = qab.slots[qab.head].due_ns;
		if (qba.count && qba.slots[qba.head].due_ns < wake)
			wake = qba.slots[qba.head].due_ns;
		wait_ns = wake > now ? wake - now : 0;
		timeout.tv_sec = (time_t)(wait_ns / 1000000000LL);
		timeout.tv_nsec = (long)(wait_ns % 1000000000LL);

		pfd[0].fd = fda;
		pfd[0].events = POLLIN;
		pfd[1].fd = fdb;
		pfd[1].events = POLLIN;
		if (ppoll(pfd, 2, &timeout, NULL) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (pfd[0].revents & POLLIN)
			drain(fda, &qab, delay_ns);
		if (pfd[1].revents & POLLIN)
			drain(fdb, &qba, delay_ns);
	}

	fprintf(stderr,
		"tap-delay: %s->%s in=%llu out=%llu queue_full=%llu write_err=%llu left=%u; "
		"%s->%s in=%llu out=%llu queue_full=%llu write_err=%llu left=%u\n",
		tap_a, tap_b, qab.in, qab.out, qab.dropped_full, qab.write_errors, qab.count,
		tap_b, tap_a, qba.in, qba.out, qba.dropped_full, qba.write_errors, qba.count);
	close(fda);
	close(fdb);
	free(qab.slots);
	free(qba.slots);
	return 0;
}
