/* Capture files in, packets out: every file opened with libpcap at nanosecond
 * precision, merged across files in timestamp order by a streaming k-way merge.
 *
 * Each file is one capture point, or several when a pcapng file holds several
 * interfaces. Packet bytes are borrowed from libpcap and valid only until the
 * next pt_capset_next() call; copy what you keep.
 */
#ifndef PATHTRACE_CAPTURE_H
#define PATHTRACE_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PT_ERRBUF_SIZE 512

struct pt_point_source {
	char *name;     /* file basename without extension, if_name, or --name */
	char *file;     /* path as given */
	int linktype;   /* DLT */
	unsigned source;
	uint32_t if_id; /* pcapng interface id within its file */
	bool named;     /* the name came from --name, not from the file */
};

struct pt_packet {
	int64_t ts_ns;
	bool ts_guessed; /* the file's stamp was a clock glitch: ts_ns is the packet before's */
	bool outside_filter; /* the user's filters do not select it */
	uint32_t caplen, len;
	const uint8_t *data;
	int linktype;
	unsigned point;
	unsigned source;
};

struct pt_capset;
struct pt_decode_opts;

struct pt_capset *pt_capset_new(void);
void pt_capset_free(struct pt_capset *cs);
/* The tunnel ports the inner filter decodes with (defaults without). */
void pt_capset_decode_opts(struct pt_capset *cs, const struct pt_decode_opts *opts);
/* Whether libpcap compiles bpf for some common link type: false with its
 * reason when the expression cannot be right for any file. */
bool pt_capset_check_filter(const char *bpf, char *err, size_t errlen);
/* A filter on the innermost packet of every file (past VLAN tags and
 * tunnels), as --inner gives it: false with a one-line reason when libpcap
 * cannot compile it. */
bool pt_capset_inner_filter(struct pt_capset *cs, const char *bpf, char *err, size_t errlen);

/* Opens one capture. bpf (may be NULL) is a libpcap filter on the frame as
 * captured, as tcpdump's; packets it does not select come back marked
 * outside_filter. point_name (may be NULL) overrides the point's name.
 * On failure returns -1 with a one-line reason (naming the file) in err; the
 * set stays usable for the other files. */
int pt_capset_add(struct pt_capset *cs, const char *path, const char *bpf, const char *point_name,
		  char *err, size_t errlen);

/* Next packet in timestamp order: 1 and *pkt filled, 0 at the end of every
 * file, -1 when one file failed part-way (err names it; that file is closed
 * and the next call goes on with the others). */
int pt_capset_next(struct pt_capset *cs, struct pt_packet *pkt, char *err, size_t errlen);

/* Before reading: every timestamp of source is read as ns earlier (a host
 * clock known to run ns ahead), merge order included. */
bool pt_capset_shift(struct pt_capset *cs, unsigned source, int64_t ns);

/* A packet stamped further than this from the one before it is checked
 * against the one after it (pt_capset_next). */
#define PT_CLOCK_JUMP_NS 1000000000LL

/* What a file's clock did that a clock does not do. */
struct pt_clock_glitches {
	uint64_t jumps;      /* single packets stamped far from both neighbours: read at the time before */
	int64_t max_jump_ns;
	uint64_t steps;      /* the clock went on from an earlier time */
	int64_t max_step_ns;
};

void pt_capset_source_clock(const struct pt_capset *cs, unsigned i, struct pt_clock_glitches *out);

unsigned pt_capset_npoints(const struct pt_capset *cs);
const struct pt_point_source *pt_capset_point(const struct pt_capset *cs, unsigned i);
unsigned pt_capset_nsources(const struct pt_capset *cs);
const char *pt_capset_source_path(const struct pt_capset *cs, unsigned i);
uint64_t pt_capset_source_packets(const struct pt_capset *cs, unsigned i);
bool pt_capset_source_failed(const struct pt_capset *cs, unsigned i);

/* Name of a point for a file path: basename without .pcap/.pcapng/.cap/.gz. */
void pt_point_name_from_path(const char *path, char *buf, size_t size);

#endif
