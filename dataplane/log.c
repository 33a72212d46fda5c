/* The "rtcedge" rte_log type. */
#include "log.h"

int rtc_logtype = RTE_LOGTYPE_USER1;

int
rtc_log_init(void)
{
	int t = rte_log_register_type_and_pick_level("rtcedge", RTE_LOG_INFO);

	if (t >= 0)
		rtc_logtype = t;
	return t;
}
