#include "ui/function/run_recorder.h"

#include "core/run/function_run.h"

namespace optiscope {

namespace {

RunSample sampleOf(const FunctionRun& run, bool withState) {
    const FunctionStep& cur = run.current();
    RunSample s = RunSample::fromStep(cur);
    if (withState && cur.step > 0)
        s.state = RunStateLayout::flatten(run.rule().state());
    return s;
}

} // namespace

std::vector<RunTrack> recordExperiment(const Experiment& experiment) {
    std::vector<RunTrack> tracks;
    for (const RunInstance& inst : expandRuns(experiment)) {
        FunctionRun run(experiment, inst);
        RunTrack t;
        t.instance = inst;
        const RunConfig& cfg = experiment.runs[size_t(inst.configIndex)];
        t.color = runColorOf(experiment, inst.configIndex);
        t.visible = cfg.visible;
        t.layout = RunStateLayout::of(run.rule().state());
        t.samples.push_back(sampleOf(run, false));
        DisplayRows rows(displayTolerance(experiment), run.current().point);
        while (run.advance()) {
            const FunctionStep& cur = run.current();
            if (cur.step == 1) // the state's tensors exist once the rule has stepped
                t.layout = RunStateLayout::of(run.rule().state());
            if (rows.keep(cur.step, cur.point, run.finished() || cur.lrReduced))
                if (t.samples.back().step != cur.step)
                    t.samples.push_back(sampleOf(run, true));
        }
        if (t.samples.back().step != run.current().step)
            t.samples.push_back(sampleOf(run, true));
        t.latest = t.samples.back();
        t.hasLatest = true;
        t.finished = true;
        t.diverged = run.diverged();
        t.divergedAt = run.divergedAt();
        tracks.push_back(std::move(t));
    }
    return tracks;
}

} // namespace optiscope
