#include "core/study/study_results.h"

#include <cmath>
#include <cstdio>

namespace optiscope {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string significant(double v, int digits = 4) {
    if (!std::isfinite(v))
        return "–";
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    return buf;
}

std::string pText(double p) {
    if (!std::isfinite(p))
        return "–";
    if (p < 1e-4)
        return "< 0.0001";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4f", p);
    return buf;
}

/// The leading cells of a row: cell name and its grid values.
std::string cellColumns(const StudyPlan& plan, std::size_t cell) {
    std::string out = plan.cellName(cell);
    for (const auto& v : plan.cellValues(cell))
        out += "," + csvText(v);
    return out;
}

std::string gridHeader(const StudyPlan& plan) {
    std::string out = "cell";
    for (const auto& axis : plan.study().grid)
        out += "," + csvText(axis.key);
    return out;
}

std::string mdEscape(const std::string& s) {
    std::string out;
    for (char c : s)
        out += c == '|' ? std::string("\\|") : std::string(1, c);
    return out;
}

} // namespace

std::string csvNumber(double value) {
    return std::isfinite(value) ? formatDouble(value) : std::string();
}

std::string csvText(const std::string& text) {
    if (text.find_first_of(",\"\n\r") == std::string::npos)
        return text;
    std::string out = "\"";
    for (char c : text)
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

std::string meanWithCi(const SampleStats& s) {
    if (s.n == 0)
        return "–";
    if (s.n < 2)
        return significant(s.mean);
    return significant(s.mean) + " ± " + significant((s.ciHigh - s.ciLow) / 2.0, 2);
}

StudyResults summarizeStudy(const StudyPlan& plan,
                            const std::vector<std::optional<JobRecord>>& records) {
    StudyResults out;
    const std::size_t metrics = plan.metrics().size();
    const auto repeats = static_cast<std::size_t>(plan.repeats());
    for (const auto& r : records)
        out.complete += r.has_value();
    for (std::size_t cell = 0; cell < plan.cellCount(); ++cell) {
        // values[instance][metric][repeat], NaN where a repeat is missing or diverged.
        std::vector<std::vector<std::vector<double>>> values(
            plan.instances().size(),
            std::vector<std::vector<double>>(metrics, std::vector<double>(repeats, kNaN)));
        for (std::size_t inst = 0; inst < plan.instances().size(); ++inst) {
            ConfigSummary c;
            c.cell = cell;
            c.instance = inst;
            for (int rep = 0; rep < plan.repeats(); ++rep) {
                const std::size_t index = plan.jobIndex(cell, inst, rep);
                if (index >= records.size() || !records[index])
                    continue;
                const JobRecord& r = *records[index];
                ++c.complete;
                if (r.diverged) {
                    ++c.diverged;
                    continue;
                }
                for (std::size_t m = 0; m < metrics && m < r.metrics.size(); ++m)
                    values[inst][m][static_cast<std::size_t>(rep)] = r.metrics[m];
            }
            for (std::size_t m = 0; m < metrics; ++m)
                c.stats.push_back(describeSample(values[inst][m]));
            out.configs.push_back(std::move(c));
        }
        for (std::size_t inst = 0; inst + 1 < plan.instances().size(); ++inst) {
            if (plan.instances()[inst].twin || !plan.instances()[inst + 1].twin)
                continue;
            for (std::size_t m = 0; m < metrics; ++m) {
                TwinComparison t;
                t.cell = cell;
                t.instance = inst;
                t.metric = m;
                t.test = pairedTTest(values[inst][m], values[inst + 1][m]);
                out.comparisons.push_back(t);
            }
        }
    }
    return out;
}

std::string studyCsv(const StudyPlan& plan, const std::vector<std::optional<JobRecord>>& records) {
    std::string out = gridHeader(plan) + ",run,repeat";
    for (const auto& m : plan.metrics())
        out += "," + m;
    out += ",steps,diverged,wall_s\n";
    for (const auto& r : records) {
        if (!r)
            continue;
        out += cellColumns(plan, r->job.cell) + "," +
               csvText(plan.instances()[r->job.instance].name) + "," +
               std::to_string(r->job.repeat);
        for (std::size_t m = 0; m < plan.metrics().size(); ++m)
            out += "," + csvNumber(m < r->metrics.size() ? r->metrics[m] : kNaN);
        out += "," + std::to_string(r->steps) + "," + (r->diverged ? "true" : "false") + "," +
               csvNumber(r->wallSeconds) + "\n";
    }
    return out;
}

std::string summaryCsv(const StudyPlan& plan, const StudyResults& results) {
    std::string out = gridHeader(plan) + ",run,n";
    for (const auto& m : plan.metrics())
        out += "," + m + "_mean," + m + "_std," + m + "_ci95_lo," + m + "_ci95_hi";
    out += ",diverged\n";
    for (const auto& c : results.configs) {
        out += cellColumns(plan, c.cell) + "," + csvText(plan.instances()[c.instance].name) + "," +
               std::to_string(c.n());
        for (const auto& s : c.stats)
            out += "," + csvNumber(s.mean) + "," + csvNumber(s.std) + "," + csvNumber(s.ciLow) +
                   "," + csvNumber(s.ciHigh);
        out += "," + std::to_string(c.diverged) + "\n";
    }
    return out;
}

std::string comparisonsCsv(const StudyPlan& plan, const StudyResults& results) {
    std::string out = gridHeader(plan) + ",run,metric,n,mean_diff,ci95_lo,ci95_hi,p_value\n";
    for (const auto& t : results.comparisons) {
        const SampleStats& d = t.test.difference;
        out += cellColumns(plan, t.cell) + "," + csvText(plan.instances()[t.instance].name) + "," +
               plan.metrics()[t.metric] + "," + std::to_string(d.n) + "," + csvNumber(d.mean) +
               "," + csvNumber(d.ciLow) + "," + csvNumber(d.ciHigh) + "," +
               csvNumber(t.test.pValue) + "\n";
    }
    return out;
}

std::string summaryMarkdown(const StudyPlan& plan, const StudyResults& results) {
    const auto& grid = plan.study().grid;
    const Experiment& e = plan.experiment();
    std::string out = "# " + mdEscape(e.title.empty() ? std::string("Study") : e.title) + "\n\n";
    char line[256];
    std::snprintf(line, sizeof line,
                  "%zu jobs: %zu cell%s × %zu runs (twins included) × %d repeat%s. "
                  "Values are mean ± half the 95 %% confidence interval over the repeats that "
                  "did not diverge (n).\n\n",
                  plan.jobCount(), plan.cellCount(), plan.cellCount() == 1 ? "" : "s",
                  plan.instances().size(), plan.repeats(), plan.repeats() == 1 ? "" : "s");
    out += line;
    auto head = [&](const std::vector<std::string>& extra) {
        std::string h = "|", rule = "|";
        std::vector<std::string> cols;
        if (!grid.empty())
            cols.push_back("cell");
        for (const auto& a : grid)
            cols.push_back("`" + a.key + "`");
        cols.push_back("run");
        cols.insert(cols.end(), extra.begin(), extra.end());
        for (const auto& c : cols) {
            h += " " + c + " |";
            rule += "---|";
        }
        return h + "\n" + rule + "\n";
    };
    auto cellCells = [&](std::size_t cell) {
        std::string s;
        if (!grid.empty())
            s += " " + plan.cellName(cell) + " |";
        const auto values = plan.cellValues(cell);
        for (std::size_t k = 0; k < values.size(); ++k) {
            // Numbers to 6 significant digits (study.csv has them exactly).
            const double v = plan.cellNumber(cell, k);
            s += " " + (std::isfinite(v) ? significant(v, 6) : mdEscape(values[k])) + " |";
        }
        return s;
    };
    out += "## Summary\n\n";
    std::vector<std::string> cols = {"n"};
    for (const auto& m : plan.metrics())
        cols.push_back(m);
    cols.push_back("diverged");
    out += head(cols);
    for (const auto& c : results.configs) {
        out += "|" + cellCells(c.cell) + " " + mdEscape(plan.instances()[c.instance].name) + " | " +
               std::to_string(c.n()) + " |";
        for (const auto& s : c.stats)
            out += " " + meanWithCi(s) + " |";
        out += " " + std::to_string(c.diverged) + " |\n";
    }
    if (!results.comparisons.empty()) {
        out += "\n## With decay minus without (paired over repeats)\n\n"
               "Each run against its no-decay twin, repeat by repeat (same seeds): the mean "
               "difference, its 95 % confidence interval and the two-sided paired t-test's "
               "p-value. An interval that contains 0 means the data cannot tell the two apart.\n\n";
        out += head({"metric", "n", "mean difference", "95 % CI", "p"});
        for (const auto& t : results.comparisons) {
            const SampleStats& d = t.test.difference;
            const std::string ci = std::isfinite(d.ciLow) ? "[" + significant(d.ciLow, 3) + ", " +
                                                                significant(d.ciHigh, 3) + "]"
                                                          : "–";
            out += "|" + cellCells(t.cell) + " " + mdEscape(plan.instances()[t.instance].name) +
                   " | " + plan.metrics()[t.metric] + " | " + std::to_string(d.n) + " | " +
                   significant(d.mean, 3) + " | " + ci + " | " + pText(t.test.pValue) + " |\n";
        }
    }
    return out;
}

} // namespace optiscope
