#include "ui/plots/plot_style.h"

#include <algorithm>

#include <QRegularExpression>

namespace optiscope {

QString withVisibleHats(const QString& html) {
    static const QRegularExpression hatted(QStringLiteral("(\\w\u0302)"));
    QString out = html;
    // DejaVu Serif ships with fonts-dejavu-core beside DejaVu Sans; the other families are for
    // systems without it. A serif letter is how formulas set a variable anyway.
    out.replace(hatted, QStringLiteral("<span style=\"font-family:'DejaVu Serif','Nimbus Roman',"
                                       "serif\">\\1</span>"));
    return out;
}

namespace {
double g_lineScale = 1.0; // GUI thread only (plots are drawn there or in a single-thread CLI)
} // namespace

double plotLineScale() {
    return g_lineScale;
}

void setPlotLineScale(double scale) {
    g_lineScale = std::clamp(scale, 0.5, 4.0);
}

} // namespace optiscope
