/*
 * A media pipeline event as a ctrlplane event (ctrlplane/event.h).
 *
 * Owns: the one mapping between struct media_pipeline_event (what the
 * media lcore knows: the tap's session id and track) and struct event
 * (what the bus publishes: session and stream names). Header-only, so that
 * media/ does not link the events library; the control lcore, which does,
 * includes this after looking up the names of ev->session.
 */
#ifndef RTC_MEDIA_PIPELINE_EVENT_H
#define RTC_MEDIA_PIPELINE_EVENT_H

#include "event.h"
#include "pipeline.h"

/*
 * Fill @out from @me for session @session_name and stream @stream_name
 * (event_init_speech / event_init_transcript: 0, or their EVENT_E_* and
 * @out untouched; EVENT_E_INVAL for an unknown kind). A transcript whose
 * search gave no confidence (-1, JSGF) is published with 0.
 */
static inline int
media_pipeline_event_to_event(const struct media_pipeline_event *me, const char *session_name,
        const char *stream_name, struct event *out)
{
	switch (me->kind) {
	case MEDIA_PIPE_EV_SPEECH_START:
	case MEDIA_PIPE_EV_SPEECH_END:
		return event_init_speech(out,
		        me->kind == MEDIA_PIPE_EV_SPEECH_START ? EVENT_SPEECH_START
		                                               : EVENT_SPEECH_END,
		        session_name, stream_name, me->track, me->media_ms);
	case MEDIA_PIPE_EV_TRANSCRIPT_PARTIAL:
	case MEDIA_PIPE_EV_TRANSCRIPT_FINAL:
		return event_init_transcript(out,
		        me->kind == MEDIA_PIPE_EV_TRANSCRIPT_FINAL ? EVENT_TRANSCRIPT_FINAL
		                                                   : EVENT_TRANSCRIPT_PARTIAL,
		        session_name, stream_name, me->track, me->text, me->start_ms, me->end_ms,
		        me->confidence_milli < 0 ? 0u : (uint32_t)me->confidence_milli);
	default:
		return EVENT_E_INVAL;
	}
}

#endif
