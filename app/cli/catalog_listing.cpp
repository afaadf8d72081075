#include "app/cli/catalog_listing.h"

#include "core/functions/test_function.h"
#include "core/nn/dataset_catalog.h"
#include "core/optim/update_rule.h"
#include "core/schedule/lr_schedule.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <sstream>

namespace optiscope::cli {

namespace {

void paramLines(std::ostringstream& out, const ParamTable& table) {
    size_t width = 0;
    for (const auto& p : table)
        width = std::max(width, p.name.size());
    for (const auto& p : table) {
        out << "      " << p.name << std::string(width - p.name.size() + 2, ' ') << "default "
            << p.defaultText() << ", " << p.rangeText();
        if (!p.help.empty())
            out << " — " << p.help;
        out << "\n";
    }
}

nlohmann::ordered_json paramsJson(const ParamTable& table) {
    auto arr = nlohmann::ordered_json::array();
    for (const auto& p : table)
        arr.push_back({{"name", p.name},
                       {"default", p.defaultText()},
                       {"range", p.rangeText()},
                       {"help", p.help}});
    return arr;
}

} // namespace

std::string catalogText() {
    std::ostringstream out;
    out << "Functions (problem.function; constants in problem.params):\n";
    for (const auto& f : functionCatalog()) {
        out << "  " << f.name << "  " << f.formula << "\n";
        paramLines(out, f.params);
    }
    out << "  custom  typed: problem.expression (x, y, + - * / ^, sin cos tan asin acos atan sinh "
           "cosh tanh exp log log10 sqrt abs sign min max, pi, e), problem.params (named "
           "constants), problem.bounds [[x_min, x_max], [y_min, y_max]], problem.minima\n";
    out << "\nOptimizers (runs[].optimizer.type; PyTorch 1.13's names and defaults, beyond it the "
           "authors' reference code's):\n";
    for (const auto& o : optimizerCatalog()) {
        out << "  " << o.type << "  (" << o.title << "; " << o.reference << ")\n";
        if (!o.formula.empty())
            out << "    update: " << o.formula << "\n";
        paramLines(out, o.params);
    }
    out << "\nSchedules (runs[].schedule.type):\n";
    for (const auto& s : scheduleCatalog()) {
        out << "  " << s.type << "  (" << s.origin << ") " << s.formula << "\n";
        paramLines(out, s.params);
    }
    out << "\nDatasets (network problems, problem.dataset.name):\n";
    for (const auto& d : nn::datasetCatalog())
        out << "  " << d.name << "  " << d.description << "\n";
    return out.str();
}

std::string catalogJson() {
    nlohmann::ordered_json j;
    auto functions = nlohmann::ordered_json::array();
    for (const auto& f : functionCatalog())
        functions.push_back(
            {{"name", f.name}, {"formula", f.formula}, {"params", paramsJson(f.params)}});
    auto optimizers = nlohmann::ordered_json::array();
    for (const auto& o : optimizerCatalog())
        optimizers.push_back({{"type", o.type},
                              {"title", o.title},
                              {"reference", o.reference},
                              {"update", o.formula},
                              {"params", paramsJson(o.params)}});
    auto schedules = nlohmann::ordered_json::array();
    for (const auto& s : scheduleCatalog())
        schedules.push_back({{"type", s.type},
                             {"origin", s.origin},
                             {"formula", s.formula},
                             {"params", paramsJson(s.params)}});
    auto datasets = nlohmann::ordered_json::array();
    for (const auto& d : nn::datasetCatalog())
        datasets.push_back({{"name", d.name}, {"description", d.description}});
    j["functions"] = functions;
    j["optimizers"] = optimizers;
    j["schedules"] = schedules;
    j["datasets"] = datasets;
    return j.dump(2) + "\n";
}

} // namespace optiscope::cli
