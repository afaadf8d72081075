// libFuzzer: `optiscope-cli schedule` requests — parse, then (when accepted) build the schedule
// and step it, as the command does, for at most a few thousand rows. Nothing may crash, and an
// accepted request gives finite, non-negative learning rates.
#include "core/experiment/experiment_io.h"
#include "core/schedule/lr_schedule.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

using namespace optiscope;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto parsed = parseScheduleRequest(text);
    if (!parsed.request) {
        if (parsed.issues.empty())
            std::abort();
        return 0;
    }
    const ScheduleRequest& req = *parsed.request;
    std::unique_ptr<LrSchedule> schedule;
    try {
        if (req.schedule)
            schedule = makeSchedule(req.schedule->type, req.schedule->params, req.lr);
    } catch (const std::invalid_argument&) {
        return 0; // refused with a message by the CLI (exit 2)
    }
    const long long rows = std::min<long long>(req.steps, 5000);
    for (long long k = 1; k <= rows; ++k) {
        const double lr = schedule ? schedule->lr() : req.lr;
        if (std::isnan(lr))
            std::abort();
        if (schedule) {
            const auto i = static_cast<std::size_t>(k - 1);
            schedule->step(i < req.metrics.size() ? req.metrics[i] : 0.0);
        }
    }
    return 0;
}
