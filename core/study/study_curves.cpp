#include "core/study/study_curves.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

namespace optiscope {

namespace fs = std::filesystem;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<std::string_view> split(std::string_view line) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    while (true) {
        const std::size_t comma = line.find(',', start);
        out.push_back(
            line.substr(start, comma == std::string_view::npos ? line.npos : comma - start));
        if (comma == std::string_view::npos)
            return out;
        start = comma + 1;
    }
}

double parse(std::string_view s) {
    double v = kNaN;
    if (!s.empty())
        std::from_chars(s.data(), s.data() + s.size(), v);
    return v;
}

} // namespace

std::optional<JobCurves> readJobCurves(const StudyPlan& plan, const StudyJob& job,
                                       const std::string& studyDir, std::string* error) {
    const RunInstance& instance = plan.instances().at(job.instance);
    const fs::path path = fs::path(studyDir) / plan.jobFolder(job) /
                          (instance.slug + (plan.isNetwork() ? "-epochs.csv" : ".csv"));
    std::ifstream in(path);
    if (!in) {
        if (error)
            *error = path.string() + ": missing";
        return std::nullopt;
    }
    std::string line;
    if (!std::getline(in, line)) {
        if (error)
            *error = path.string() + ": empty";
        return std::nullopt;
    }
    const auto header = split(line);
    std::vector<std::string> names(header.begin(), header.end());
    JobCurves out;
    std::vector<std::vector<double>*> columns(names.size(), nullptr);
    for (std::size_t c = 1; c < names.size(); ++c)
        columns[c] = &out.columns[names[c]];
    while (std::getline(in, line)) {
        if (line.empty())
            continue;
        const auto cells = split(line);
        if (cells.size() != names.size())
            continue;
        out.x.push_back(parse(cells[0]));
        for (std::size_t c = 1; c < cells.size(); ++c)
            columns[c]->push_back(parse(cells[c]));
    }
    return out;
}

MeanCurve ConfigCurves::mean(const std::string& column) const {
    struct Acc {
        double sum = 0, sumSq = 0;
        int n = 0;
        std::vector<double> values;
    };
    std::map<double, Acc> at;
    for (const JobCurves& r : repeats) {
        const auto it = r.columns.find(column);
        if (it == r.columns.end())
            continue;
        for (std::size_t i = 0; i < r.x.size() && i < it->second.size(); ++i) {
            const double v = it->second[i];
            if (!std::isfinite(v) || !std::isfinite(r.x[i]))
                continue;
            Acc& a = at[r.x[i]];
            a.values.push_back(v);
            a.sum += v;
            ++a.n;
        }
    }
    MeanCurve out;
    for (const auto& [x, a] : at) {
        const double m = a.sum / a.n;
        double ss = 0;
        for (double v : a.values)
            ss += (v - m) * (v - m);
        out.x.push_back(x);
        out.mean.push_back(m);
        out.std.push_back(a.n > 1 ? std::sqrt(ss / (a.n - 1)) : kNaN);
        out.n.push_back(a.n);
    }
    return out;
}

std::vector<std::string> ConfigCurves::columns() const {
    std::vector<std::string> out;
    for (const JobCurves& r : repeats)
        for (const auto& [name, values] : r.columns) {
            (void)values;
            if (std::find(out.begin(), out.end(), name) == out.end())
                out.push_back(name);
        }
    return out;
}

ConfigCurves readConfigCurves(const StudyPlan& plan, std::size_t cell, std::size_t instance,
                              const std::string& studyDir) {
    ConfigCurves out;
    out.cell = cell;
    out.instance = instance;
    for (int r = 0; r < plan.repeats(); ++r)
        if (auto curves = readJobCurves(plan, plan.job(plan.jobIndex(cell, instance, r)), studyDir))
            out.repeats.push_back(std::move(*curves));
    return out;
}

} // namespace optiscope
