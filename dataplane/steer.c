/* 5-tuple owner hash (see steer.h). */
#include <rte_hash_crc.h>

#include "steer.h"

unsigned
steer_owner(const struct pkt_flow *f, unsigned n_workers)
{
	uint32_t h;

	if (n_workers <= 1)
		return 0;
	h = rte_hash_crc(f->raddr, sizeof(f->raddr), 0);
	h = rte_hash_crc(f->laddr, sizeof(f->laddr), h);
	h = rte_hash_crc_4byte((uint32_t)f->rport << 16 | f->lport, h);
	return h % n_workers;
}
