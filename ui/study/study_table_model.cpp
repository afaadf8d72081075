#include "ui/study/study_table_model.h"

#include <cmath>

namespace optiscope {

namespace {

QString significant(double v, int digits) {
    return std::isfinite(v) ? QString::number(v, 'g', digits) : QStringLiteral("–");
}

QVariant exact(double v) {
    return std::isfinite(v) ? QVariant(v) : QVariant();
}

} // namespace

void StudyTableModel::setResults(std::shared_ptr<const StudyPlan> plan, StudyResults results) {
    beginResetModel();
    m_plan = std::move(plan);
    m_results.reset();
    if (m_plan)
        m_results = std::move(results);
    m_columns.clear();
    if (m_plan) {
        if (!m_plan->study().grid.empty())
            m_columns.push_back({Kind::Cell});
        for (std::size_t k = 0; k < m_plan->study().grid.size(); ++k)
            m_columns.push_back({Kind::Grid, k});
        m_columns.push_back({Kind::Run});
        m_columns.push_back({Kind::N});
        // The answer first — the lead metric and, when runs have no-decay twins, the paired
        // difference with its interval and p-value — so it is on screen at 1366 px; then the
        // other metrics.
        if (!m_plan->metrics().empty())
            m_columns.push_back({Kind::Metric, 0});
        bool twins = false;
        for (const auto& inst : m_plan->instances())
            twins = twins || inst.twin;
        if (twins) {
            m_columns.push_back({Kind::Diff});
            m_columns.push_back({Kind::DiffCi});
            m_columns.push_back({Kind::P});
        }
        for (std::size_t m = 1; m < m_plan->metrics().size(); ++m)
            m_columns.push_back({Kind::Metric, m});
        m_columns.push_back({Kind::Diverged});
    }
    endResetModel();
}

int StudyTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() || !m_results ? 0 : int(m_results->configs.size());
}

int StudyTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_columns.size());
}

std::pair<std::size_t, std::size_t> StudyTableModel::configAt(int row) const {
    const ConfigSummary& c = m_results->configs.at(std::size_t(row));
    return {c.cell, c.instance};
}

int StudyTableModel::metricColumn(std::size_t metric) const {
    for (std::size_t i = 0; i < m_columns.size(); ++i)
        if (m_columns[i].kind == Kind::Metric && m_columns[i].index == metric)
            return int(i);
    return -1;
}

int StudyTableModel::differenceColumn() const {
    for (std::size_t i = 0; i < m_columns.size(); ++i)
        if (m_columns[i].kind == Kind::Diff)
            return int(i);
    return -1;
}

const TwinComparison* StudyTableModel::comparison(const ConfigSummary& c) const {
    for (const TwinComparison& t : m_results->comparisons)
        if (t.cell == c.cell && t.instance == c.instance && t.metric == 0)
            return &t;
    return nullptr;
}

QVariant StudyTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || section < 0 || section >= int(m_columns.size()))
        return {};
    const Column& col = m_columns[std::size_t(section)];
    const QString lead =
        m_plan && !m_plan->metrics().empty() ? QString::fromStdString(m_plan->metrics()[0]) : "";
    if (role == Qt::ToolTipRole) {
        switch (col.kind) {
        case Kind::N:
            return tr("Repeats done that did not diverge");
        case Kind::Metric:
            return tr("Mean ± half the 95 % confidence interval over the repeats");
        case Kind::Diff:
            return tr("Mean of (run − its no-decay twin) in %1, paired by repeat").arg(lead);
        case Kind::DiffCi:
            return tr("95 % confidence interval of the paired difference: if it holds 0, the "
                      "data cannot tell the two apart");
        case Kind::P:
            return tr("Two-sided paired t-test");
        default:
            return {};
        }
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (col.kind) {
    case Kind::Cell:
        return tr("cell");
    case Kind::Grid:
        return QString::fromStdString(m_plan->study().grid[col.index].key);
    case Kind::Run:
        return tr("run");
    case Kind::N:
        return QStringLiteral("n");
    case Kind::Metric:
        return QString::fromStdString(m_plan->metrics()[col.index]);
    case Kind::Diverged:
        return tr("diverged");
    case Kind::Diff:
        return tr("Δ %1").arg(lead);
    case Kind::DiffCi:
        return tr("95 % CI of Δ");
    case Kind::P:
        return QStringLiteral("p");
    }
    return {};
}

QVariant StudyTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || !m_results || index.row() >= rowCount() ||
        index.column() >= columnCount())
        return {};
    const ConfigSummary& c = m_results->configs[std::size_t(index.row())];
    const Column& col = m_columns[std::size_t(index.column())];
    const bool display = role == Qt::DisplayRole;
    const bool exactRole = role == Qt::UserRole;
    if (role == Qt::TextAlignmentRole)
        return col.kind == Kind::Run || col.kind == Kind::Cell
                   ? QVariant(int(Qt::AlignLeft | Qt::AlignVCenter))
                   : QVariant(int(Qt::AlignRight | Qt::AlignVCenter));
    if (!display && !exactRole)
        return {};
    switch (col.kind) {
    case Kind::Cell:
        return QString::fromStdString(m_plan->cellName(c.cell));
    case Kind::Grid: {
        const double v = m_plan->cellNumber(c.cell, col.index);
        if (std::isfinite(v))
            return display ? QVariant(QString::number(v, 'g', 6)) : QVariant(v);
        return QString::fromStdString(m_plan->cellValues(c.cell).at(col.index));
    }
    case Kind::Run:
        return QString::fromStdString(m_plan->instances().at(c.instance).name);
    case Kind::N:
        return c.n();
    case Kind::Metric: {
        const SampleStats& s = c.stats.at(col.index);
        if (exactRole)
            return exact(s.mean);
        if (s.n == 0)
            return QStringLiteral("–");
        if (s.n < 2)
            return significant(s.mean, 4);
        return QStringLiteral("%1 ± %2").arg(significant(s.mean, 4),
                                             significant((s.ciHigh - s.ciLow) / 2, 2));
    }
    case Kind::Diverged:
        return c.diverged;
    case Kind::Diff:
    case Kind::DiffCi:
    case Kind::P: {
        const TwinComparison* t = comparison(c);
        if (!t)
            return {};
        const SampleStats& d = t->test.difference;
        if (col.kind == Kind::Diff)
            return exactRole ? exact(d.mean) : QVariant(significant(d.mean, 3));
        if (col.kind == Kind::DiffCi) {
            if (exactRole)
                return exact(d.ciLow);
            return std::isfinite(d.ciLow)
                       ? QStringLiteral("[%1, %2]")
                             .arg(significant(d.ciLow, 3), significant(d.ciHigh, 3))
                       : QStringLiteral("–");
        }
        if (exactRole)
            return exact(t->test.pValue);
        if (!std::isfinite(t->test.pValue))
            return QStringLiteral("–");
        return t->test.pValue < 1e-4 ? QStringLiteral("< 0.0001")
                                     : QString::number(t->test.pValue, 'f', 4);
    }
    }
    return {};
}

QString StudyTableModel::reading() const {
    if (!m_plan || !m_results || m_plan->metrics().empty())
        return {};
    const QString lead = QString::fromStdString(m_plan->metrics()[0]);
    const bool higherIsBetter = lead.endsWith(QLatin1String("acc"));
    std::vector<const TwinComparison*> lead_;
    for (const TwinComparison& t : m_results->comparisons)
        if (t.metric == 0)
            lead_.push_back(&t);
    if (lead_.empty())
        return {};
    const auto excludesZero = [](const SampleStats& d) {
        return std::isfinite(d.ciLow) && (d.ciLow > 0 || d.ciHigh < 0);
    };
    if (lead_.size() > 4) {
        int differ = 0, measured = 0;
        for (const TwinComparison* t : lead_) {
            measured += std::isfinite(t->test.difference.ciLow) ? 1 : 0;
            differ += excludesZero(t->test.difference) ? 1 : 0;
        }
        return tr("With decay minus without, in %1: %2 of %3 configurations differ from their "
                  "no-decay twin at the 95 % level (the interval of the paired difference leaves "
                  "out 0); %4 cannot be told apart. Sort by p to see which.")
            .arg(lead)
            .arg(differ)
            .arg(measured)
            .arg(measured - differ);
    }
    QStringList lines;
    for (const TwinComparison* t : lead_) {
        const SampleStats& d = t->test.difference;
        QString who = QString::fromStdString(m_plan->instances().at(t->instance).name);
        const std::string cell = m_plan->cellLabel(t->cell);
        if (!cell.empty())
            who = QStringLiteral("%1 at %2").arg(who, QString::fromStdString(cell));
        QString line;
        if (d.n < 2) {
            line = tr("%1: not enough repeats yet — an interval needs at least 2.").arg(who);
        } else if (d.mean == 0 && d.std == 0) {
            line = tr("%1: with and without decay gave the same %2 in all %3 repeats — the "
                      "schedule did not change this result.")
                       .arg(who, lead)
                       .arg(d.n);
        } else {
            const QString diff = tr("with decay − without = %1 (95 % CI [%2, %3], p = %4)")
                                     .arg(significant(d.mean, 3), significant(d.ciLow, 3),
                                          significant(d.ciHigh, 3), significant(t->test.pValue, 2));
            QString verdict;
            if (!excludesZero(d))
                verdict =
                    tr("the interval holds 0: %1 repeats cannot tell the two apart.").arg(d.n);
            else if ((d.mean > 0) == higherIsBetter)
                verdict = tr("decay helps: the whole interval is on its side.");
            else
                verdict = tr("decay hurts: the whole interval is against it.");
            line = QStringLiteral("%1: %2 in %3 — %4").arg(who, diff, lead, verdict);
        }
        lines << line;
    }
    return lines.join(QLatin1Char('\n'));
}

} // namespace optiscope
