/* What libpcap's API does not expose about pcapng files: interface names and
 * the interface each packet was captured on. A second, header-only walk over
 * the blocks runs in lockstep with libpcap, which still reads every packet. */
#ifndef PATHTRACE_PCAPNG_META_H
#define PATHTRACE_PCAPNG_META_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define PT_PCAPNG_MAX_IFACES 256

struct pt_pcapng_meta {
	FILE *fp;
	bool swap;    /* section written in the other byte order */
	bool broken;  /* stopped trusting the file: every later packet is interface 0 */
	uint32_t base; /* interfaces of earlier sections */
	uint32_t n_if;
	uint32_t declared; /* interfaces declared before the first packet */
	char *if_name[PT_PCAPNG_MAX_IFACES];
};

/* True when the file starts with a pcapng section header block. */
bool pt_pcapng_is_pcapng(FILE *fp);

/* Opens the side walk and reads the interfaces declared before the first packet. */
bool pt_pcapng_meta_open(struct pt_pcapng_meta *m, const char *path);
/* Interface id of the next packet block. */
uint32_t pt_pcapng_meta_next(struct pt_pcapng_meta *m);
void pt_pcapng_meta_close(struct pt_pcapng_meta *m);

#endif
