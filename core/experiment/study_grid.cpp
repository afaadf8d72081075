#include "core/experiment/study_grid.h"

#include "core/common/catalog.h"
#include "core/experiment/json_reader.h"
#include "core/nn/dataset_catalog.h"
#include "core/optim/update_rule.h"
#include "core/schedule/lr_schedule.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <string_view>
#include <thread>

namespace optiscope {

using detail::describeJson;
using detail::joinNames;
using detail::Json;
using detail::JsonChecker;

namespace {

constexpr double kMaxSeed = 9007199254740991.0; // 2^53 − 1, the largest seed a file can hold

bool isGeneratedDataset(const std::string& name) {
    const nn::DatasetInfo* info = nn::findDataset(name);
    return info && info->source == nn::DatasetInfo::Source::Generated;
}

/// One step of a grid key: an object key or a list index.
struct Segment {
    std::string key; ///< empty for an index
    std::size_t index = 0;
};

/// "optimizer.betas[1]" → optimizer, betas, [1]; nullopt if malformed.
std::optional<std::vector<Segment>> parseKey(std::string_view key) {
    std::vector<Segment> out;
    std::size_t i = 0;
    while (i < key.size()) {
        std::size_t j = i;
        while (j < key.size() &&
               (std::isalnum(static_cast<unsigned char>(key[j])) || key[j] == '_'))
            ++j;
        if (j == i)
            return std::nullopt;
        out.push_back({std::string(key.substr(i, j - i)), 0});
        while (j < key.size() && key[j] == '[') {
            std::size_t k = j + 1;
            std::size_t value = 0;
            while (k < key.size() && std::isdigit(static_cast<unsigned char>(key[k])) && k - j <= 6)
                value = value * 10 + static_cast<std::size_t>(key[k++] - '0');
            if (k == j + 1 || k >= key.size() || key[k] != ']')
                return std::nullopt;
            out.push_back({"", value});
            j = k + 1;
        }
        if (j == key.size())
            break;
        if (key[j] != '.' || j + 1 == key.size())
            return std::nullopt;
        i = j + 1;
    }
    if (out.empty())
        return std::nullopt;
    return out;
}

/// Why `key` cannot be a grid key of `e`, or nullopt.
std::optional<std::string> checkKey(const std::string& key, const Experiment& e) {
    const auto segments = parseKey(key);
    if (!segments)
        return "is not a path such as optimizer.lr, optimizer.betas[1], schedule.decay_rate, "
               "problem.start[0] or problem.batch_size";
    const std::string& root = segments->front().key;
    const bool network = e.problemType == Experiment::ProblemType::Network;
    if (root == "steps") {
        if (segments->size() != 1)
            return "steps has no parts";
        if (network)
            return "a network trains for problem.epochs; vary that instead";
        return std::nullopt;
    }
    if (root != "optimizer" && root != "schedule" && root != "problem")
        return "must start with optimizer., schedule. or problem. (or be steps), got \"" + root +
               "\"";
    if (segments->size() < 2 || (*segments)[1].key.empty())
        return "names no field of " + root;
    const std::string& field = (*segments)[1].key;
    if (field == "type" || (root == "problem" && field == "function"))
        return "cannot vary in a grid (each " + root + " " + field +
               " has its own parameters); use one run per " + root +
               (root == "problem" ? " or one study per problem" : "");
    return std::nullopt;
}

Json number(double d) {
    return std::floor(d) == d && std::fabs(d) < 9.0e15 ? Json(static_cast<long long>(d)) : Json(d);
}

Json toJson(const ParamValue& v) {
    if (const auto* b = std::get_if<bool>(&v))
        return Json(*b);
    if (const auto* d = std::get_if<double>(&v))
        return number(*d);
    if (const auto* s = std::get_if<std::string>(&v))
        return Json(*s);
    Json arr = Json::array();
    for (double d : std::get<std::vector<double>>(v))
        arr.push_back(number(d));
    return arr;
}

/// Sets `segments` (below `node`) to `value`. Objects on the way may be created when `create`;
/// returns "" when set, "skip" when a missing object makes the key not apply here, or a reason.
std::string setAt(Json& node, const std::vector<Segment>& segments, std::size_t from,
                  const Json& value, bool create) {
    Json* cur = &node;
    for (std::size_t i = from; i < segments.size(); ++i) {
        const Segment& s = segments[i];
        const bool last = i + 1 == segments.size();
        if (s.key.empty()) {
            if (!cur->is_array())
                return "is not a list here";
            if (s.index >= cur->size())
                return "has no element [" + std::to_string(s.index) + "] (the list has " +
                       std::to_string(cur->size()) + ")";
            cur = &(*cur)[s.index];
        } else {
            if (!cur->is_object())
                return "is not an object here";
            if (!cur->contains(s.key)) {
                if (last)
                    return (*cur)[s.key] = value, "";
                if (!create)
                    return "skip";
                (*cur)[s.key] = Json::object();
            }
            cur = &(*cur)[s.key];
        }
        if (last) {
            *cur = value;
            return "";
        }
    }
    return "";
}

std::string cellLabel(const StudySpec& study, const std::vector<std::size_t>& idx) {
    std::string out;
    for (std::size_t k = 0; k < study.grid.size(); ++k)
        out +=
            (k ? ", " : "") + study.grid[k].key + "=" + gridValueText(study.grid[k].values[idx[k]]);
    return out;
}

/// A generated value in its plain form: whole numbers exactly, others to 15 significant digits
/// (0.1 + 0.2 steps give 0.3, not 0.30000000000000004).
double tidy(double v) {
    const double r = std::round(v);
    if (std::fabs(v - r) <= 1e-9 * std::max(1.0, std::fabs(v)))
        return r;
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.15g", v);
    return std::strtod(buf, nullptr);
}

std::vector<double> rangeValues(const GridRange& r) {
    std::vector<double> out;
    if (r.num == 1)
        return {r.from};
    const double lf = r.log ? std::log10(r.from) : r.from;
    const double lt = r.log ? std::log10(r.to) : r.to;
    for (int i = 0; i < r.num; ++i) {
        double v;
        if (i == 0)
            v = r.from;
        else if (i == r.num - 1)
            v = r.to;
        else {
            const double x =
                lf + static_cast<double>(i) * (lt - lf) / static_cast<double>(r.num - 1);
            v = tidy(r.log ? std::pow(10.0, x) : x);
        }
        out.push_back(v);
    }
    return out;
}

} // namespace

// --- metrics, cells, seeds ---------------------------------------------------------------------

std::vector<std::string> studyMetrics(const Experiment& e) {
    if (e.problemType == Experiment::ProblemType::Function)
        return {"tail_loss", "final_loss"};
    const NetworkProblem& n = e.network;
    const nn::DatasetInfo* info = nn::findDataset(n.dataset.name);
    const bool test = (info && !info->testFiles.empty()) || n.testSplit > 0;
    const bool validation = n.validationSplit > 0;
    const bool classification =
        !((info && info->regression) || (n.dataset.name == "csv" && n.loss == "mse"));
    std::vector<std::string> out;
    if (test) {
        if (classification)
            out.push_back("test_acc");
        out.push_back("test_loss");
    }
    if (validation) {
        if (classification)
            out.push_back("val_acc");
        out.push_back("val_loss");
    }
    out.push_back("train_loss");
    return out;
}

std::vector<std::string> orderedStudyMetrics(const Experiment& e) {
    std::vector<std::string> out = studyMetrics(e);
    if (e.study && !e.study->metric.empty()) {
        auto it = std::find(out.begin(), out.end(), e.study->metric);
        if (it != out.end())
            std::rotate(out.begin(), it, it + 1);
    }
    return out;
}

std::size_t studyCellCount(const StudySpec& study) {
    std::size_t n = 1;
    for (const auto& axis : study.grid)
        n *= std::max<std::size_t>(1, axis.values.size());
    return n;
}

std::vector<std::size_t> cellValueIndices(const StudySpec& study, std::size_t cell) {
    std::vector<std::size_t> idx(study.grid.size(), 0);
    for (std::size_t k = study.grid.size(); k-- > 0;) {
        const std::size_t n = std::max<std::size_t>(1, study.grid[k].values.size());
        idx[k] = cell % n;
        cell /= n;
    }
    return idx;
}

std::string cellName(std::size_t cell) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "c%04zu", cell);
    return buf;
}

Experiment withRepeatSeeds(Experiment e, int repeat) {
    const auto r = static_cast<std::uint64_t>(repeat);
    if (e.problemType == Experiment::ProblemType::Function) {
        if (e.function.noise)
            e.function.noise->seed += r;
    } else {
        e.network.seed += r;
        if (isGeneratedDataset(e.network.dataset.name))
            e.network.dataset.seed += r;
    }
    return e;
}

// --- the grid ------------------------------------------------------------------------------------

struct StudyGrid::Impl {
    Json baseDoc; ///< the base experiment's canonical JSON, without "study"
    std::vector<std::vector<Segment>> keys;

    /// Sets axis `k` to `value` in `doc`: "" or why it cannot be set.
    std::string apply(Json& doc, std::size_t k, const ParamValue& value) const {
        const auto& segs = keys[k];
        const Json v = toJson(value);
        const std::string& root = segs.front().key;
        if (root == "steps" || root == "problem") {
            const std::string why = setAt(doc, segs, 0, v, true);
            return why == "skip" ? "is not part of this experiment" : why;
        }
        int applied = 0;
        const std::string& field = segs[1].key;
        for (auto& run : doc["runs"]) {
            // A run key applies to the runs whose optimizer (schedule) has that parameter: a grid
            // over betas[1] moves Adam and leaves an SGD run beside it alone.
            if (!run.contains(root) || !run[root].is_object() || !run[root].contains("type"))
                continue;
            const std::string type = run[root]["type"].get<std::string>();
            const ParamTable* table = nullptr;
            if (root == "optimizer") {
                if (const OptimizerInfo* info = findOptimizer(type))
                    table = &info->params;
            } else if (const ScheduleInfo* info = findSchedule(type)) {
                table = &info->params;
            }
            const bool known =
                (table && findParam(*table, field)) || (root == "schedule" && field == "per");
            if (!known)
                continue;
            const std::string why = setAt(run, segs, 0, v, false);
            if (why == "skip")
                continue;
            if (!why.empty())
                return why;
            ++applied;
        }
        if (applied == 0) {
            bool any = false;
            for (const auto& run : doc["runs"])
                any = any || (run.contains(root) && run[root].is_object());
            return any ? "no run's " + root + " has a parameter " + field : "no run has a " + root;
        }
        return "";
    }

    ExperimentParseResult read(const Json& doc) const {
        ExperimentParseResult result;
        result.experiment = detail::readExperimentDocument(doc, result.issues);
        if (!result.issues.empty())
            result.experiment.reset();
        return result;
    }
};

StudyGrid::StudyGrid(const Experiment& base) : m_base(base), d(std::make_unique<Impl>()) {
    Experiment plain = base;
    plain.study.reset();
    d->baseDoc = Json::parse(experimentToJson(plain));
    if (m_base.study) {
        m_cells = studyCellCount(*m_base.study);
        for (const auto& axis : m_base.study->grid)
            d->keys.push_back(parseKey(axis.key).value_or(std::vector<Segment>{{"?", 0}}));
    }
}

StudyGrid::~StudyGrid() = default;

ExperimentParseResult StudyGrid::cell(std::size_t cell) const {
    ExperimentParseResult result;
    if (!m_base.study || m_base.study->grid.empty()) {
        result.experiment = m_base;
        result.experiment->study.reset();
        return result;
    }
    const StudySpec& study = *m_base.study;
    const auto idx = cellValueIndices(study, cell);
    Json doc = d->baseDoc;
    for (std::size_t k = 0; k < study.grid.size(); ++k)
        if (auto why = d->apply(doc, k, study.grid[k].values[idx[k]]); !why.empty()) {
            result.issues.push_back({"study.grid." + study.grid[k].key, why});
            return result;
        }
    result = d->read(doc);
    for (auto& issue : result.issues) {
        issue.reason = "cell " + cellName(cell) + " (" + cellLabel(study, idx) +
                       "): " + (issue.path.empty() ? "" : issue.path + ": ") + issue.reason;
        issue.path = "study.grid";
    }
    return result;
}

std::vector<ValidationIssue> StudyGrid::validate(std::size_t maxIssues) const {
    std::vector<ValidationIssue> issues;
    if (!m_base.study || m_base.study->grid.empty())
        return issues;
    const StudySpec& study = *m_base.study;
    for (std::size_t k = 0; k < study.grid.size() && issues.size() < maxIssues; ++k) {
        const GridAxis& axis = study.grid[k];
        const std::string path = "study.grid." + axis.key;
        for (std::size_t i = 0; i < axis.values.size() && issues.size() < maxIssues; ++i) {
            Json doc = d->baseDoc;
            if (auto why = d->apply(doc, k, axis.values[i]); !why.empty()) {
                issues.push_back({path, why});
                break; // the key itself does not fit: one message is enough
            }
            for (const auto& issue : d->read(doc).issues) {
                // Name the value, and say where it landed (which run, which field).
                std::string reason = issue.reason;
                if (!issue.path.empty())
                    reason += " (at " + issue.path + ")";
                issues.push_back({detail::JsonChecker::index(path, i), reason});
                if (issues.size() >= maxIssues)
                    break;
            }
        }
    }
    if (!issues.empty() || study.grid.size() < 2)
        return issues;
    // Every combination too (a cross-field check may refuse one): each cell is read as a whole
    // experiment, so a 2,500-cell grid is read on every core, in blocks, stopping at the first
    // block with an issue (the messages come in cell order).
    const std::size_t threads =
        std::clamp<std::size_t>(m_cells / 64, 1, std::max(1u, std::thread::hardware_concurrency()));
    const std::size_t block = 256;
    for (std::size_t from = 0; from < m_cells && issues.size() < maxIssues; from += block) {
        const std::size_t to = std::min(m_cells, from + block);
        std::vector<std::vector<ValidationIssue>> found(to - from);
        parallelFor(from, to, threads, [&](std::size_t c) { found[c - from] = cell(c).issues; });
        for (const auto& cellIssues : found)
            for (const auto& issue : cellIssues)
                if (issues.size() < maxIssues)
                    issues.push_back(issue);
    }
    return issues;
}

// --- reading the "study" object (called by the experiment reader) -----------------------------

namespace detail {

void readStudySection(JsonChecker& c, const Json& j, Experiment& e) {
    if (!c.object(j, "study", {"repeats", "grid", "metric"}))
        return;
    const std::size_t before = c.issues.size();
    StudySpec study;
    if (j.contains("repeats"))
        if (auto v = c.number(j["repeats"], "study.repeats", 1, StudyLimits::maxRepeats, true))
            study.repeats = static_cast<int>(*v);
    if (j.contains("grid")) {
        const Json& g = j["grid"];
        if (!g.is_object()) {
            c.error("study.grid",
                    "must be an object of keys such as \"optimizer.lr\" with their values, got " +
                        describeJson(g));
        } else if (g.size() > std::size_t(StudyLimits::maxGridKeys)) {
            c.error("study.grid", "has " + std::to_string(g.size()) + " keys; at most " +
                                      std::to_string(StudyLimits::maxGridKeys));
        } else {
            for (const auto& [key, value] : g.items()) {
                const std::string kp = "study.grid." + key;
                if (auto why = checkKey(key, e)) {
                    c.error(kp, *why);
                    continue;
                }
                GridAxis axis;
                axis.key = key;
                if (value.is_array()) {
                    if (value.empty()) {
                        c.error(kp, "must hold at least one value");
                        continue;
                    }
                    if (value.size() > std::size_t(StudyLimits::maxJobs)) {
                        c.error(kp, "has more than " + std::to_string(StudyLimits::maxJobs) +
                                        " values");
                        continue;
                    }
                    for (std::size_t i = 0; i < value.size(); ++i) {
                        const Json& v = value[i];
                        const std::string vp = JsonChecker::index(kp, i);
                        if (v.is_boolean()) {
                            axis.values.emplace_back(v.get<bool>());
                        } else if (v.is_number()) {
                            if (auto x = c.number(v, vp, -kUnbounded, kUnbounded, false))
                                axis.values.emplace_back(*x);
                        } else if (v.is_string()) {
                            if (auto s = c.string(v, vp, 256))
                                axis.values.emplace_back(*s);
                        } else if (v.is_array()) {
                            std::vector<double> list;
                            bool ok = v.size() <= 64;
                            if (!ok)
                                c.error(vp, "has more than 64 numbers");
                            for (std::size_t m = 0; ok && m < v.size(); ++m) {
                                auto x = c.number(v[m], JsonChecker::index(vp, m), -kUnbounded,
                                                  kUnbounded, false);
                                ok = x.has_value();
                                if (ok)
                                    list.push_back(*x);
                            }
                            if (ok)
                                axis.values.emplace_back(list);
                        } else {
                            c.error(vp, "must be a number, true/false, a string or a list of "
                                        "numbers, got " +
                                            describeJson(v));
                        }
                    }
                } else if (value.is_object()) {
                    if (!c.object(value, kp, {"from", "to", "num", "scale"}))
                        continue;
                    GridRange range;
                    bool ok = true;
                    for (const char* name : {"from", "to", "num"})
                        if (!value.contains(name)) {
                            c.error(kp + "." + name, "is required");
                            ok = false;
                        }
                    if (!ok)
                        continue;
                    auto from =
                        c.number(value["from"], kp + ".from", -kUnbounded, kUnbounded, false);
                    auto to = c.number(value["to"], kp + ".to", -kUnbounded, kUnbounded, false);
                    auto num =
                        c.number(value["num"], kp + ".num", 1, double(StudyLimits::maxJobs), true);
                    std::string scale = "linear";
                    if (value.contains("scale"))
                        if (auto s = c.string(value["scale"], kp + ".scale", 16))
                            scale = *s;
                    if (scale != "linear" && scale != "log") {
                        c.error(kp + ".scale", "must be linear or log, got \"" + scale + "\"");
                        continue;
                    }
                    if (!from || !to || !num)
                        continue;
                    if (scale == "log" && (!(*from > 0) || !(*to > 0))) {
                        c.error(kp, "a log scale needs from and to above 0, got from " +
                                        formatDouble(*from) + " and to " + formatDouble(*to));
                        continue;
                    }
                    range.from = *from;
                    range.to = *to;
                    range.num = static_cast<int>(*num);
                    range.log = scale == "log";
                    axis.range = range;
                    for (double v : rangeValues(range))
                        axis.values.emplace_back(v);
                } else {
                    c.error(kp, "must be a list of values or {\"from\", \"to\", \"num\", "
                                "\"scale\"}, got " +
                                    describeJson(value));
                    continue;
                }
                study.grid.push_back(std::move(axis));
            }
            // One key inside another (optimizer.betas and optimizer.betas[1]) would fight.
            for (const auto& a : study.grid)
                for (const auto& b : study.grid)
                    if (&a != &b && b.key.size() > a.key.size() &&
                        b.key.compare(0, a.key.size(), a.key) == 0 &&
                        (b.key[a.key.size()] == '.' || b.key[a.key.size()] == '['))
                        c.error("study.grid." + b.key,
                                "lies inside study.grid." + a.key + "; give one or the other");
        }
    }
    const auto metrics = studyMetrics(e);
    if (j.contains("metric"))
        if (auto m = c.string(j["metric"], "study.metric", 64)) {
            if (std::find(metrics.begin(), metrics.end(), *m) == metrics.end())
                c.error("study.metric", "must be one of " + joinNames(metrics) +
                                            " for this problem, got \"" + *m + "\"");
            else
                study.metric = *m;
        }
    if (c.issues.size() != before)
        return;
    // Jobs: cells × run instances × repeats, counted without overflow.
    double jobs = static_cast<double>(expandRuns(e).size()) * study.repeats;
    for (const auto& axis : study.grid)
        jobs *= static_cast<double>(axis.values.size());
    if (jobs > double(StudyLimits::maxJobs)) {
        c.error("study", "gives " + std::to_string(static_cast<long long>(std::min(jobs, 1e18))) +
                             " jobs (cells × runs and twins × repeats); at most " +
                             std::to_string(StudyLimits::maxJobs) + " are allowed");
        return;
    }
    // Repeat r adds r to the seeds: the last repeat's seeds must still be valid seeds.
    const double extra = study.repeats - 1;
    const double seed = e.problemType == Experiment::ProblemType::Function
                            ? (e.function.noise ? double(e.function.noise->seed) : 0.0)
                            : std::max(double(e.network.seed), double(e.network.dataset.seed));
    if (seed + extra > kMaxSeed)
        c.error("study.repeats", "repeat " + std::to_string(study.repeats - 1) +
                                     " would add that much to seed " + formatDouble(seed) +
                                     ", beyond the largest seed " + formatDouble(kMaxSeed));
    e.study = std::move(study);
}

} // namespace detail

} // namespace optiscope
