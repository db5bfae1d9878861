/* Header-only walk over pcapng blocks (see pcapng-meta.h for why). Any
 * inconsistency marks the walk broken: names are metadata, never a reason to
 * fail a file that libpcap reads. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "capture/pcapng-meta.h"

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 0x00000001u
#define BT_PB 0x00000002u /* obsolete packet block */
#define BT_SPB 0x00000003u
#define BT_EPB 0x00000006u
#define BYTE_ORDER_MAGIC 0x1A2B3C4Du
#define MAX_BLOCK (16u << 20)
#define OPT_IF_NAME 2

static uint32_t rd32(const struct pt_pcapng_meta *m, const uint8_t *p)
{
	uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	return m->swap ? __builtin_bswap32(v) : v;
}

static uint16_t rd16(const struct pt_pcapng_meta *m, const uint8_t *p)
{
	uint16_t v = (uint16_t)(p[0] | p[1] << 8);
	return m->swap ? __builtin_bswap16(v) : v;
}

bool pt_pcapng_is_pcapng(FILE *fp)
{
	uint8_t b[4];
	long pos = ftell(fp);
	bool yes = fread(b, 1, 4, fp) == 4 && b[0] == 0x0A && b[1] == 0x0D && b[2] == 0x0D && b[3] == 0x0A;
	fseek(fp, pos, SEEK_SET);
	return yes;
}

static void read_idb(struct pt_pcapng_meta *m, const uint8_t *body, uint32_t len)
{
	uint32_t id = m->base + m->n_if;
	m->n_if++;
	if (id >= PT_PCAPNG_MAX_IFACES)
		return;
	/* linktype(2) reserved(2) snaplen(4), then options. */
	for (uint32_t off = 8; off + 4 <= len;) {
		uint16_t code = rd16(m, body + off), olen = rd16(m, body + off + 2);
		off += 4;
		if (code == 0 || off + olen > len)
			break;
		if (code == OPT_IF_NAME && olen > 0 && !m->if_name[id]) {
			char *s = malloc((size_t)olen + 1);
			if (s) {
				memcpy(s, body + off, olen);
				s[olen] = '\0';
				s[strcspn(s, "\r\n")] = '\0';
				m->if_name[id] = s;
			}
		}
		off += (olen + 3u) & ~3u;
	}
}

/* Reads one block; returns its type, or 0 at the end or on trouble. For packet
 * blocks *iface is set; the body of IDBs is parsed for names. */
static uint32_t next_block(struct pt_pcapng_meta *m, uint32_t *iface)
{
	uint8_t hdr[12];
	if (m->broken || fread(hdr, 1, 8, m->fp) != 8)
		return 0;
	uint32_t type = rd32(m, hdr);
	if (type == BT_SHB) {
		/* A new section may change byte order; its magic says. */
		if (fread(hdr + 8, 1, 4, m->fp) != 4) {
			m->broken = true;
			return 0;
		}
		uint32_t magic = (uint32_t)hdr[8] | (uint32_t)hdr[9] << 8 | (uint32_t)hdr[10] << 16 |
				 (uint32_t)hdr[11] << 24;
		if (magic == BYTE_ORDER_MAGIC)
			m->swap = false;
		else if (magic == __builtin_bswap32(BYTE_ORDER_MAGIC))
			m->swap = true;
		else {
			m->broken = true;
			return 0;
		}
		m->base += m->n_if;
		m->n_if = 0;
	}
	uint32_t len = rd32(m, hdr + 4);
	if (len < 12 || len > MAX_BLOCK || (len & 3)) {
		m->broken = true;
		return 0;
	}
	uint32_t consumed = type == BT_SHB ? 12 : 8;
	uint32_t body_len = len - 12;
	if (type == BT_IDB) {
		uint8_t *body = malloc(body_len ? body_len : 1);
		if (!body || fread(body, 1, body_len, m->fp) != body_len) {
			free(body);
			m->broken = true;
			return 0;
		}
		read_idb(m, body, body_len);
		free(body);
		consumed += body_len;
	} else if (type == BT_EPB || type == BT_PB) {
		uint8_t b[4];
		if (body_len < 4 || fread(b, 1, 4, m->fp) != 4) {
			m->broken = true;
			return 0;
		}
		*iface = type == BT_EPB ? rd32(m, b) : rd16(m, b);
		*iface += m->base;
		consumed += 4;
	} else if (type == BT_SPB) {
		*iface = m->base;
	}
	if (fseek(m->fp, (long)(len - consumed), SEEK_CUR) != 0) {
		m->broken = true;
		return 0;
	}
	return type;
}

bool pt_pcapng_meta_open(struct pt_pcapng_meta *m, const char *path)
{
	memset(m, 0, sizeof *m);
	m->fp = fopen(path, "rb");
	if (!m->fp)
		return false;
	/* Learn the interfaces declared before the first packet, then rewind. */
	uint32_t iface = 0, type;
	while ((type = next_block(m, &iface)) != 0) {
		if (type == BT_EPB || type == BT_PB || type == BT_SPB)
			break;
	}
	bool ok = !m->broken;
	m->declared = m->base + m->n_if;
	/* Names stay; the lockstep walk starts again from the first block. */
	rewind(m->fp);
	m->broken = false;
	m->base = 0;
	m->n_if = 0;
	m->swap = false;
	return ok;
}

uint32_t pt_pcapng_meta_next(struct pt_pcapng_meta *m)
{
	uint32_t iface = 0, type;
	while ((type = next_block(m, &iface)) != 0) {
		if (type == BT_EPB || type == BT_PB || type == BT_SPB)
			return iface;
	}
	return 0;
}

void pt_pcapng_meta_close(struct pt_pcapng_meta *m)
{
	if (m->fp)
		fclose(m->fp);
	for (uint32_t i = 0; i < PT_PCAPNG_MAX_IFACES; i++)
		free(m->if_name[i]);
	memset(m, 0, sizeof *m);
}
