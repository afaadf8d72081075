// libFuzzer: the experiment reader. Any input is either refused with issues or accepted; an
// accepted experiment, written back (experimentToJson), must parse again to the same experiment
// and write the same text (the "reopens to the same state" contract of SPEC §5).
#include "core/experiment/experiment_io.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

using namespace optiscope;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto first = parseExperiment(text);
    if (!first.ok()) {
        if (first.issues.empty()) // a refusal always says why
            std::abort();
        (void)first.messages("fuzz.json");
        return 0;
    }
    const std::string written = experimentToJson(*first.experiment);
    const auto second = parseExperiment(written);
    if (!second.ok()) {
        std::fprintf(stderr, "written experiment does not parse:\n%s\n%s\n", written.c_str(),
                     second.messages("written").c_str());
        std::abort();
    }
    if (!(*first.experiment == *second.experiment)) {
        std::fprintf(stderr, "round trip changed the experiment:\n%s\n", written.c_str());
        std::abort();
    }
    if (experimentToJson(*second.experiment) != written) {
        std::fprintf(stderr, "writing is not stable:\n%s\n", written.c_str());
        std::abort();
    }
    return 0;
}
