#include "core/experiment/help_index.h"

#include "core/optim/update_rule.h"
#include "core/schedule/lr_schedule.h"

#include <sstream>

namespace optiscope {

namespace {

std::string optimizerTable() {
    std::ostringstream out;
    out << "| page | in short |\n|---|---|\n";
    for (const auto& o : optimizerCatalog())
        out << "| [" << o.title << "](" << o.helpPage << ") | " << o.summary << " |\n";
    return out.str();
}

std::string scheduleTable() {
    std::ostringstream out;
    out << "| page | origin | lr for update k |\n|---|---|---|\n";
    for (const auto& s : scheduleCatalog()) {
        std::string formula = s.formula;
        if (formula.rfind("lr = ", 0) == 0)
            formula.erase(0, 5);
        out << "| [" << s.title << "](" << s.helpPage << ") | " << s.origin << " | " << formula
            << " |\n";
    }
    return out.str();
}

} // namespace

std::string expandHelpIndex(const std::string& markdown) {
    std::istringstream in(markdown);
    std::string out, line;
    while (std::getline(in, line)) {
        if (line.rfind("<!-- optimizers", 0) == 0)
            out += optimizerTable();
        else if (line.rfind("<!-- schedules", 0) == 0)
            out += scheduleTable();
        else
            out += line + "\n";
    }
    return out;
}

} // namespace optiscope
