// optiscope-bench: throughput of OptiScope's own code paths on the workloads that
// bench/torch_bench.py runs in PyTorch, printed as "NAME VALUE" lines (bench/compare.sh joins
// the two). Single-threaded. Each workload is warmed up, then timed in --repetitions runs of at
// least --min-time seconds each; the median is printed.
//
// ui_event_loop_max_delay_ms (bench/gui_workload.cpp) is the median of up to 3 windows of
// --ui-seconds (default 5) with the GUI playing 8 runs; it needs the GUI build.
//
//   optiscope-bench [--repetitions N] [--min-time SECONDS] [--filter SUBSTRING]
//                   [--iterations N] [--ui-seconds S] [--optimizer TYPE] [--verbose]
//
// --optimizer TYPE (default adam) runs the 2-D function and the networks with another update
// rule (its default parameters, lr 0.001); the 2-D workload is then named TYPE_2d_rosenbrock_...
// (--filter still matches the names above, e.g. --filter 2d_rosenbrock).
//
// --iterations N skips the calibration and times exactly N iterations per repetition (a fixed
// amount of work, for instruction and cycle counts with perf stat on a busy machine).

#include "core/experiment/experiment.h"
#include "core/functions/custom_function.h"
#include "core/functions/test_function.h"
#include "core/nn/loss.h"
#include "core/nn/network.h"
#include "core/optim/update_rule.h"
#include "core/run/function_run.h"
#include "core/simd/isa.h"
#include "core/simd/kernel_table.h"

#ifdef OPTISCOPE_BENCH_UI
#include "bench/gui_workload.h"
#endif

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace optiscope;
using Clock = std::chrono::steady_clock;

struct Options {
    int repetitions = 5;
    double minTime = 0.5;
    std::string filter;
    bool verbose = false;
    double uiSeconds = 5.0;
    long long iterations = 0; ///< fixed iteration count (no calibration) if > 0
};

/// The update rule of every workload (--optimizer).
std::string g_optimizer = "adam";

/// A workload: `run(iterations)` does that many iterations; each iteration processes
/// `itemsPerIteration` items (steps or samples).
struct Workload {
    std::string name;
    double itemsPerIteration = 1.0;
    std::function<void(long long)> run;
};

double seconds(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
}

/// Items per second: calibrate the iteration count to about minTime, warm up once, then the
/// median of `repetitions` timed batches.
double measure(const Workload& w, const Options& o) {
    long long iterations = o.iterations > 0 ? o.iterations : 1;
    while (o.iterations <= 0) {
        const auto t0 = Clock::now();
        w.run(iterations);
        const double dt = seconds(t0, Clock::now());
        if (dt >= o.minTime * 0.5)
            break;
        const double grow = dt > 0 ? std::min(10.0, o.minTime / dt) : 10.0;
        iterations = std::max(iterations + 1, static_cast<long long>(iterations * grow));
    }
    std::vector<double> rates;
    for (int r = 0; r < o.repetitions; ++r) {
        const auto t0 = Clock::now();
        w.run(iterations);
        const double dt = seconds(t0, Clock::now());
        rates.push_back(static_cast<double>(iterations) * w.itemsPerIteration / dt);
        if (o.verbose)
            std::fprintf(stderr, "  %s rep %d: %.6g/s (%lld iterations, %.3f s)\n", w.name.c_str(),
                         r, rates.back(), iterations, dt);
    }
    std::sort(rates.begin(), rates.end());
    const std::size_t n = rates.size();
    return n % 2 ? rates[n / 2] : 0.5 * (rates[n / 2 - 1] + rates[n / 2]);
}

// ---------------------------------------------------------------------------------------------
// Adam (or --optimizer's rule) on Rosenbrock: FunctionRun::advance(), i.e. the update, the new
// value and gradient and the divergence checks, exactly what the CLI and the GUI's worker execute
// per step.

/// Steps of --optimizer's rule (lr 0.001) on `problem` from (-1.5, 2), per second.
Workload functionSteps(const std::string& name, FunctionProblem problem) {
    auto experiment = std::make_shared<Experiment>();
    experiment->problemType = Experiment::ProblemType::Function;
    experiment->function = std::move(problem);
    experiment->function.start = Eigen::Vector2d(-1.5, 2.0);
    experiment->steps = 1000000000;
    RunConfig run;
    run.name = g_optimizer;
    run.optimizer.type = g_optimizer;
    run.optimizer.params = ParamSet::defaults(findOptimizer(g_optimizer)->params);
    run.optimizer.params.set("lr", 0.001);
    experiment->runs.push_back(run);
    const RunInstance instance = expandRuns(*experiment).front();
    return {name, 1.0, [experiment, instance, name](long long iterations) {
                FunctionRun fr(*experiment, instance);
                for (long long i = 0; i < iterations; ++i)
                    fr.advance();
                if (fr.diverged())
                    std::fprintf(stderr, "%s: diverged\n", name.c_str());
            }};
}

Workload function2d() {
    FunctionProblem problem;
    problem.function = "rosenbrock";
    problem.params = ParamSet::defaults(findFunction("rosenbrock")->params);
    return functionSteps(g_optimizer + "_2d_rosenbrock_steps_per_s", std::move(problem));
}

/// Rosenbrock typed as an expression, on the map's default square.
std::shared_ptr<const CustomFunction> typedRosenbrock() {
    CustomFunction::Error why;
    auto f = CustomFunction::make("(a - x)^2 + b*(y - x^2)^2", {{"a", 1.0}, {"b", 100.0}},
                                  PlotBounds{-2, 2, -1, 3}, {}, &why);
    if (!f) {
        std::fprintf(stderr, "typed function: %s\n", why.text().c_str());
        std::exit(1);
    }
    return f;
}

// The same on Rosenbrock typed as an expression (function "custom"): what the function lab's
// interpreter and its dual-number gradient cost per step, beside the built-in above.
Workload typed2d() {
    FunctionProblem problem;
    problem.function = "custom";
    problem.custom.function = typedRosenbrock();
    problem.params = ParamSet::defaults(problem.custom.function->info().params);
    return functionSteps(g_optimizer + "_2d_typed_rosenbrock_steps_per_s", std::move(problem));
}

// The function lab's map as the user types: parse the expression, then f on a 400 × 400 grid
// (per second: maps; the editor redraws after a 150 ms pause).
Workload typedMap() {
    return {"typed_map_400x400_per_s", 1.0, [](long long iterations) {
                const double params[] = {1.0, 100.0};
                double sum = 0.0;
                for (long long k = 0; k < iterations; ++k) {
                    const auto f = typedRosenbrock();
                    for (int i = 0; i < 400; ++i)
                        for (int j = 0; j < 400; ++j)
                            sum += f->expression().value(-2 + 4 * i / 399.0, -1 + 4 * j / 399.0,
                                                         params);
                }
                if (!std::isfinite(sum))
                    std::fprintf(stderr, "typed map: not finite\n");
            }};
}

// ---------------------------------------------------------------------------------------------
// Networks: forward, softmax cross-entropy, backward and an Adam update on one fixed random
// mini-batch, the body of NetworkTrainer::advance() without the shuffling and gathering (with
// --optimizer's rule instead of Adam if given).

struct NetState {
    std::unique_ptr<nn::Network<float>> net;
    std::unique_ptr<UpdateRule<float>> rule;
    nn::Types<float>::Matrix x;
    nn::Types<float>::Matrix dOut;
    std::vector<int> labels;
};

Workload network(std::string name, std::unique_ptr<nn::Network<float>> net, Eigen::Index batch,
                 int classes) {
    auto s = std::make_shared<NetState>();
    s->net = std::move(net);
    s->net->initialize(1);
    s->rule =
        makeUpdateRule<float>(g_optimizer, ParamSet::defaults(findOptimizer(g_optimizer)->params));
    s->rule->reset(s->net->params().size());
    std::mt19937_64 rng(42);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    s->x.resize(batch, s->net->inputSize());
    for (Eigen::Index i = 0; i < s->x.size(); ++i)
        s->x.data()[i] = normal(rng);
    s->labels.resize(static_cast<std::size_t>(batch));
    for (int& l : s->labels)
        l = static_cast<int>(rng() % static_cast<std::uint64_t>(classes));
    s->dOut.resize(batch, classes);
    s->net->reserve(batch);
    return {std::move(name), static_cast<double>(batch), [s](long long iterations) {
                double loss = 0.0;
                for (long long i = 0; i < iterations; ++i) {
                    auto logits = s->net->forward(
                        nn::Types<float>::ConstMap(s->x.data(), s->x.rows(), s->x.cols()));
                    nn::Types<float>::Map d(s->dOut.data(), s->dOut.rows(), s->dOut.cols());
                    loss = nn::softmaxCrossEntropy<float>(logits, s->labels.data(), &d);
                    s->net->backward(
                        nn::Types<float>::ConstMap(s->dOut.data(), s->dOut.rows(), s->dOut.cols()));
                    s->rule->step(s->net->params(), s->net->grads(), 0.001);
                }
                if (!(loss == loss))
                    std::fprintf(stderr, "%s: loss is NaN\n", "network");
            }};
}

/// Every workload by name, built only when selected.
struct Entry {
    const char* name;
    Workload (*make)();
};
const Entry kWorkloads[] = {
    {"adam_2d_rosenbrock_steps_per_s", function2d},
    {"adam_2d_typed_rosenbrock_steps_per_s", typed2d},
    {"typed_map_400x400_per_s", typedMap},
    {"mlp_playground_2-8-8-2_tanh_b10_samples_per_s",
     [] {
         return network("mlp_playground_2-8-8-2_tanh_b10_samples_per_s",
                        nn::buildMlp<float>(2, {8, 8}, nn::Activation::Tanh, 2), 10, 2);
     }},
    {"mlp_digits_64-64-10_relu_b32_samples_per_s",
     [] {
         return network("mlp_digits_64-64-10_relu_b32_samples_per_s",
                        nn::buildMlp<float>(64, {64}, nn::Activation::Relu, 10), 32, 10);
     }},
    {"mlp_mnist_784-128-10_relu_b64_samples_per_s",
     [] {
         return network("mlp_mnist_784-128-10_relu_b64_samples_per_s",
                        nn::buildMlp<float>(784, {128}, nn::Activation::Relu, 10), 64, 10);
     }},
    {"lenet5_cifar_b64_samples_per_s",
     [] {
         return network("lenet5_cifar_b64_samples_per_s",
                        nn::buildLeNet5<float>(nn::Shape{3, 32, 32}, 10), 64, 10);
     }},
};

void usage() {
    std::fprintf(stderr, "usage: optiscope-bench [--repetitions N] [--min-time SECONDS] "
                         "[--filter SUBSTRING] [--iterations N] [--ui-seconds S] "
                         "[--optimizer TYPE] [--verbose]\n");
}

} // namespace

int main(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> const char* {
            if (i + 1 >= argc) {
                usage();
                std::exit(2);
            }
            return argv[++i];
        };
        if (arg == "--repetitions")
            o.repetitions = std::max(1, std::atoi(value()));
        else if (arg == "--min-time")
            o.minTime = std::max(0.01, std::atof(value()));
        else if (arg == "--filter")
            o.filter = value();
        else if (arg == "--ui-seconds")
            o.uiSeconds = std::max(0.1, std::atof(value()));
        else if (arg == "--iterations")
            o.iterations = std::max(1LL, std::atoll(value()));
        else if (arg == "--optimizer")
            g_optimizer = value();
        else if (arg == "--verbose")
            o.verbose = true;
        else {
            usage();
            return arg == "--help" || arg == "-h" ? 0 : 2;
        }
    }
    if (!findOptimizer(g_optimizer)) {
        std::fprintf(stderr, "optiscope-bench: unknown optimizer '%s'\n", g_optimizer.c_str());
        return 2;
    }
    // Which machine and which kernels (core/simd: the best the CPU has, or OPTISCOPE_ISA's).
    std::printf("# cpu: %s\n# isa: %s\n", simd::cpuModelName().c_str(),
                simd::isaName(simd::kernels().isa));
    std::fflush(stdout);
    for (const Entry& entry : kWorkloads) {
        const std::string name = entry.name;
        if (!o.filter.empty() && name.find(o.filter) == std::string::npos)
            continue;
        const Workload w = entry.make();
        std::printf("%s %.6g\n", w.name.c_str(), measure(w, o));
        std::fflush(stdout);
    }
    const std::string ui = "ui_event_loop_max_delay_ms";
    if (o.filter.empty() || ui.find(o.filter) != std::string::npos) {
#ifdef OPTISCOPE_BENCH_UI
        // Median of up to 3 windows of --ui-seconds each.
        std::vector<double> delays;
        for (int r = 0; r < std::min(3, o.repetitions); ++r) {
            delays.push_back(optiscope::bench::uiEventLoopMaxDelayMs(o.uiSeconds));
            if (o.verbose)
                std::fprintf(stderr, "  %s rep %d: %.3f ms\n", ui.c_str(), r, delays.back());
        }
        std::sort(delays.begin(), delays.end());
        std::printf("%s %.4g\n", ui.c_str(), delays[delays.size() / 2]);
#else
        std::fprintf(stderr, "%s: built without the GUI (OPTISCOPE_BUILD_GUI=OFF)\n", ui.c_str());
        std::printf("%s n/a\n", ui.c_str());
#endif
    }
    return 0;
}
