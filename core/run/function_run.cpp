#include "core/run/function_run.h"

#include "core/run/run_parts.h"

#include <cmath>
#include <stdexcept>

namespace optiscope {

namespace {

bool finite(const Eigen::Vector2d& v) {
    return std::isfinite(v.x()) && std::isfinite(v.y());
}

} // namespace

FunctionRun::FunctionRun(const Experiment& experiment, const RunInstance& instance)
    : m_instance(instance), m_maxSteps(experiment.steps) {
    if (experiment.problemType != Experiment::ProblemType::Function)
        throw std::invalid_argument("FunctionRun needs a function problem");
    const FunctionProblem& problem = experiment.function;
    const FunctionInfo* info = functionInfo(problem);
    if (!info)
        throw std::invalid_argument("unknown function " + problem.function);
    m_function = std::make_unique<TestFunction>(*info, problem.params);

    const RunConfig& config = experiment.runs.at(static_cast<size_t>(instance.configIndex));
    m_rule = makeRunRule<double>(config);
    m_rule->reset(2);
    m_lr0 = initialLr(config.optimizer);
    m_schedule = makeRunSchedule(config, instance.twin);
    if (problem.noise && problem.noise->stddev > 0.0)
        m_noise = std::make_unique<GradientNoise>(problem.noise->stddev, problem.noise->seed);

    m_params = problem.start;
    m_current.step = 0;
    m_current.point = problem.start;
    m_current.loss = m_function->evaluate(m_current.point, m_current.grad);
    if (m_noise) {
        m_current.grad.x() += m_noise->next();
        m_current.grad.y() += m_noise->next();
    }
    if (!std::isfinite(m_current.loss) || !finite(m_current.grad)) {
        m_diverged = true;
        m_divergedAt = 0;
    }
}

FunctionRun::~FunctionRun() = default;
FunctionRun::FunctionRun(FunctionRun&&) noexcept = default;
FunctionRun& FunctionRun::operator=(FunctionRun&&) noexcept = default;

bool FunctionRun::advance() {
    if (finished())
        return false;
    const double lr = m_schedule ? m_schedule->lr() : m_lr0;
    if (m_schedule)
        if (auto momentum = m_schedule->momentum())
            m_rule->setMomentum(*momentum);
    // The Ref binds m_current.grad in place (a VectorXd copy would allocate on every step).
    m_rule->step(m_params, m_current.grad, lr);

    FunctionStep next;
    next.step = m_current.step + 1;
    next.point = m_params;
    next.lr = lr;
    next.effLr = m_rule->effectiveLr();
    next.loss = finite(next.point) ? m_function->evaluate(next.point, next.grad)
                                   : std::numeric_limits<double>::quiet_NaN();
    if (m_noise) {
        next.grad.x() += m_noise->next();
        next.grad.y() += m_noise->next();
    }
    if (!finite(next.point) || !std::isfinite(next.loss) || !finite(next.grad)) {
        m_diverged = true;
        m_divergedAt = next.step;
        return true;
    }
    if (m_schedule) {
        m_schedule->step(next.loss);
        next.lrReduced = m_schedule->reducedOnLastStep();
    }
    m_current = next;
    return true;
}

} // namespace optiscope
