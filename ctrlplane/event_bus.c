/* Event fan-out to sinks (see event_bus.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "event_bus.h"

struct event_bus_sink {
	const struct event_sink_ops *ops;
	void *ctx;
	uint64_t errors;
};

struct event_bus {
	char node[EVENT_ID_MAX];
	unsigned n_sinks;
	int in_publish;
	struct event_bus_sink sinks[EVENT_BUS_MAX_SINKS];
	struct event_bus_stats stats;
};

struct event_bus *
event_bus_create(const char *node)
{
	struct event_bus *bus;
	size_t n;

	if (node == NULL || (n = strlen(node)) == 0 || n >= EVENT_ID_MAX)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)node[i] <= 0x20 || (unsigned char)node[i] >= 0x7f)
			return NULL;
	bus = calloc(1, sizeof(*bus));
	if (bus == NULL)
		return NULL;
	strcpy(bus->node, node);
	return bus;
}

void
event_bus_destroy(struct event_bus *bus)
{
	free(bus);
}

int
event_bus_sink_add(struct event_bus *bus, const struct event_sink_ops *ops, void *ctx)
{
	if (ops == NULL || ops->api_version != EVENT_SINK_API || ops->publish == NULL)
		return -EINVAL;
	for (unsigned i = 0; i < bus->n_sinks; i++)
		if (bus->sinks[i].ops == ops && bus->sinks[i].ctx == ctx)
			return -EEXIST;
	if (bus->n_sinks == EVENT_BUS_MAX_SINKS)
		return -ENOSPC;
	bus->sinks[bus->n_sinks++] = (struct event_bus_sink){.ops = ops, .ctx = ctx};
	return 0;
}

int
event_bus_sink_remove(struct event_bus *bus, const struct event_sink_ops *ops, void *ctx)
{
	for (unsigned i = 0; i < bus->n_sinks; i++) {
		if (bus->sinks[i].ops == ops && bus->sinks[i].ctx == ctx) {
			memmove(&bus->sinks[i], &bus->sinks[i + 1],
			        (bus->n_sinks - i - 1) * sizeof(bus->sinks[0]));
			bus->n_sinks--;
			return 0;
		}
	}
	return -ENOENT;
}

int
event_bus_publish(struct event_bus *bus, struct event *ev, uint64_t wall_ms)
{
	int first = 0;

	if (event_type_name(ev->type) == NULL)
		return -EINVAL;
	if (bus->in_publish) {
		bus->stats.sink_errors++;
		return -EBUSY;
	}
	ev->seq = ++bus->stats.last_seq;
	ev->wall_ms = wall_ms;
	strcpy(ev->node, bus->node);
	bus->stats.published++;
	bus->in_publish = 1;
	for (unsigned i = 0; i < bus->n_sinks; i++) {
		int rc = bus->sinks[i].ops->publish(bus->sinks[i].ctx, ev);
		if (rc < 0) {
			bus->sinks[i].errors++;
			bus->stats.sink_errors++;
			if (first == 0)
				first = rc;
		}
	}
	bus->in_publish = 0;
	return first;
}

void
event_bus_stats_get(const struct event_bus *bus, struct event_bus_stats *out)
{
	*out = bus->stats;
}

uint64_t
event_bus_sink_errors(const struct event_bus *bus, unsigned index)
{
	return index < bus->n_sinks ? bus->sinks[index].errors : 0;
}
