/* Names and kinds of decoder events. */
#include <config.h>

#include <string.h>

#include "pathtrace/events.h"

static const struct {
	char kind;
	const char *name;
} events[PT_EV__COUNT] = {
#define PT_EVENT_ROW(id, k, n) [PT_EV_##id] = { k, n },
	PT_EVENT_LIST(PT_EVENT_ROW)
#undef PT_EVENT_ROW
};

const char *pt_event_name(enum pt_event ev)
{
	return (unsigned)ev < PT_EV__COUNT ? events[ev].name : "decoder.unknown";
}

char pt_event_kind(enum pt_event ev)
{
	return (unsigned)ev < PT_EV__COUNT ? events[ev].kind : 'I';
}

int pt_event_by_name(const char *name)
{
	for (int i = 0; i < PT_EV__COUNT; i++)
		if (strcmp(events[i].name, name) == 0)
			return i;
	return -1;
}
