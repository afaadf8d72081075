// Data loaders on small files written here in the real MNIST IDX and CIFAR-10 binary formats,
// on broken ones (truncated, wrong magic, wrong sizes, missing), CSV files and their errors, the
// shipped digits, and the seeded toy sets and split; and on real Fashion-MNIST files when
// installed.
#include "core/nn/datasets.h"
#include "core/nn/network_run.h"

#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <sys/stat.h>

#include <zlib.h>

#include <cmath>
#include <fstream>

using namespace optiscope::nn;
using Eigen::Index;
using Bytes = std::vector<std::uint8_t>;

namespace {

void writeFile(const QString& path, const Bytes& bytes) {
    std::ofstream out(path.toStdString(), std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
}

void writeText(const QString& path, const std::string& text) {
    writeFile(path, Bytes(text.begin(), text.end()));
}

/// A gzip stream of `size` zero bytes, compressed chunk by chunk (a "bomb": tiny, huge inflated).
Bytes gzipZeros(std::size_t size) {
    z_stream s{};
    deflateInit2(&s, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    const Bytes zeros(std::size_t(1) << 20, 0);
    Bytes out, buffer(std::size_t(1) << 16);
    std::size_t left = size;
    int flush = Z_NO_FLUSH;
    do {
        const std::size_t chunk = std::min(left, zeros.size());
        left -= chunk;
        flush = left == 0 ? Z_FINISH : Z_NO_FLUSH;
        s.next_in = const_cast<Bytef*>(zeros.data());
        s.avail_in = static_cast<uInt>(chunk);
        do {
            s.next_out = buffer.data();
            s.avail_out = static_cast<uInt>(buffer.size());
            deflate(&s, flush);
            out.insert(out.end(), buffer.data(), buffer.data() + (buffer.size() - s.avail_out));
        } while (s.avail_out == 0);
    } while (flush != Z_FINISH);
    deflateEnd(&s);
    return out;
}

Bytes gzipBytes(const Bytes& raw) {
    z_stream s{};
    deflateInit2(&s, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    Bytes out(deflateBound(&s, static_cast<uLong>(raw.size())) + 64);
    s.next_in = const_cast<Bytef*>(raw.data());
    s.avail_in = static_cast<uInt>(raw.size());
    s.next_out = out.data();
    s.avail_out = static_cast<uInt>(out.size());
    deflate(&s, Z_FINISH);
    out.resize(s.total_out);
    deflateEnd(&s);
    return out;
}

void put32(Bytes& b, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8)
        b.push_back(static_cast<std::uint8_t>(v >> shift));
}

/// IDX images: magic 0x00000803, count, rows, cols, then pixels; pixel (i, y, x) = i*31 + y*7 + x.
Bytes idxImages(std::uint32_t count, std::uint32_t rows, std::uint32_t cols,
                std::uint32_t magic = 0x00000803) {
    Bytes b;
    put32(b, magic);
    put32(b, count);
    put32(b, rows);
    put32(b, cols);
    for (std::uint32_t i = 0; i < count; ++i)
        for (std::uint32_t y = 0; y < rows; ++y)
            for (std::uint32_t x = 0; x < cols; ++x)
                b.push_back(static_cast<std::uint8_t>((i * 31 + y * 7 + x) % 256));
    return b;
}

Bytes idxLabels(const std::vector<std::uint8_t>& labels, std::uint32_t magic = 0x00000801) {
    Bytes b;
    put32(b, magic);
    put32(b, static_cast<std::uint32_t>(labels.size()));
    b.insert(b.end(), labels.begin(), labels.end());
    return b;
}

/// CIFAR-10 records: label, then R, G, B planes of 32×32; value (c, p) = (label*3 + c + p) % 256.
Bytes cifarRecords(const std::vector<std::uint8_t>& labels) {
    Bytes b;
    for (std::uint8_t label : labels) {
        b.push_back(label);
        for (int c = 0; c < 3; ++c)
            for (int p = 0; p < 1024; ++p)
                b.push_back(static_cast<std::uint8_t>((label * 3 + c + p) % 256));
    }
    return b;
}

/// Runs `f`, expecting a DataError whose message names `file` and contains `what`.
template <typename F>
bool expectDataError(F&& f, const QString& file, const QString& what, QString* message) {
    try {
        f();
    } catch (const DataError& e) {
        *message = QString::fromStdString(e.what());
        return QString::fromStdString(e.file()).endsWith(file) && message->contains(what);
    } catch (const std::exception& e) {
        *message = QString("not a DataError: ") + e.what();
        return false;
    }
    *message = "no error";
    return false;
}

} // namespace

class TestDatasets : public QObject {
    Q_OBJECT
private slots:
    void mnist_data();
    void mnist();
    void realFashionMnist();
    void mnistTestSet();
    void mnistBroken_data();
    void mnistBroken();
    void cifar10();
    void cifar10Broken_data();
    void cifar10Broken();
    void csvClassification();
    void csvRegression();
    void csvBroken_data();
    void csvBroken();
    void digits();
    void toySets_data();
    void toySets();
    void extraFeatures();
    void splitAndStandardize();
    void gzipBombIsRefused();
    void specialFilesAreRefused();
    void memoryBudgetRefusesLargeData();
};

void TestDatasets::mnist_data() {
    QTest::addColumn<bool>("gz");
    QTest::addColumn<bool>("dotted");
    QTest::newRow("plain") << false << false;
    QTest::newRow("gzip") << true << false;
    QTest::newRow("dotted names") << false << true;
}

void TestDatasets::mnist() {
    QFETCH(bool, gz);
    QFETCH(bool, dotted);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString suffix = gz ? ".gz" : "";
    Bytes images = idxImages(3, 4, 5), labels = idxLabels({7, 0, 9});
    if (gz) {
        images = gzipBytes(images);
        labels = gzipBytes(labels);
    }
    writeFile(
        dir.filePath((dotted ? "train-images.idx3-ubyte" : "train-images-idx3-ubyte") + suffix),
        images);
    writeFile(
        dir.filePath((dotted ? "train-labels.idx1-ubyte" : "train-labels-idx1-ubyte") + suffix),
        labels);
    const Dataset d = loadMnist(dir.path().toStdString());
    QCOMPARE(d.size(), Index(3));
    QCOMPARE(d.features(), Index(20));
    QCOMPARE(d.shape, (Shape{1, 4, 5}));
    QVERIFY(d.isImage);
    QCOMPARE(d.classes(), Index(10));
    QCOMPARE(d.labels, (std::vector<int>{7, 0, 9}));
    // sample 2, y 3, x 4 → (62 + 21 + 4) / 255
    QCOMPARE(d.inputs(2, 3 * 5 + 4), static_cast<float>(87) * (1.0f / 255.0f));
    QCOMPARE(loadMnist(dir.path().toStdString(), false, 2).size(), Index(2));
}

// A real file in the real format: Fashion-MNIST as Debian's dataset-fashion-mnist installs it
// (gzipped IDX, the same format as MNIST). CI installs the package; elsewhere the test is skipped
// unless OPTISCOPE_FASHION_MNIST names a folder holding the four files.
void TestDatasets::realFashionMnist() {
    QString folder = qEnvironmentVariable("OPTISCOPE_FASHION_MNIST");
    if (folder.isEmpty())
        folder = QStringLiteral("/usr/share/datasets/fashion-mnist");
    if (!QFileInfo::exists(QDir(folder).filePath("train-images-idx3-ubyte.gz")))
        QSKIP("Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)");
    const Dataset train = loadMnist(folder.toStdString());
    QCOMPARE(train.size(), Index(60000));
    QCOMPARE(train.shape, (Shape{1, 28, 28}));
    QCOMPARE(train.classes(), Index(10));
    // The first labels (ankle boot, T-shirt, T-shirt, dress, T-shirt) and 6000 of each class.
    QCOMPARE(std::vector<int>(train.labels.begin(), train.labels.begin() + 5),
             (std::vector<int>{9, 0, 0, 3, 0}));
    std::vector<int> counts(10, 0);
    for (int label : train.labels)
        ++counts[size_t(label)];
    QCOMPARE(counts, std::vector<int>(10, 6000));
    QVERIFY(train.inputs.minCoeff() >= 0.0f && train.inputs.maxCoeff() <= 1.0f);
    // The first image's pixels sum to 76247 / 255.
    QVERIFY(std::fabs(train.inputs.row(0).cast<double>().sum() - 76247.0 / 255.0) < 1e-3);
    const Dataset test = loadMnist(folder.toStdString(), true);
    QCOMPARE(test.size(), Index(10000));
    // Recognised by its first labels: its own class names (the IDX files carry none).
    QCOMPARE(train.name, std::string("fashion-mnist"));
    QCOMPARE(train.classNames.front(), std::string("T-shirt/top"));
    QCOMPARE(train.classNames.back(), std::string("Ankle boot"));
    QCOMPARE(test.classNames, train.classNames);
}

// An MNIST folder gives its t10k files as the test set, standardised with the training
// statistics; without them a network problem says which file is missing.
void TestDatasets::mnistTestSet() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    writeFile(dir.filePath("train-images-idx3-ubyte"), idxImages(10, 4, 5));
    writeFile(dir.filePath("train-labels-idx1-ubyte"), idxLabels({0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
    optiscope::NetworkProblem problem;
    problem.dataset.name = "mnist";
    problem.dataset.path = dir.path().toStdString();
    problem.validationSplit = 0.2;
    QString message;
    QVERIFY2(expectDataError([&] { loadNetworkData(problem, DataLocations{}); },
                             "t10k-images-idx3-ubyte", "missing", &message),
             qPrintable(message));
    writeFile(dir.filePath("t10k-images-idx3-ubyte"), idxImages(3, 4, 5));
    writeFile(dir.filePath("t10k-labels-idx1-ubyte"), idxLabels({7, 0, 9}));
    const auto split = prepareNetworkData(problem, DataLocations{});
    QCOMPARE(split->test.size(), Index(3));
    QCOMPARE(split->test.labels, (std::vector<int>{7, 0, 9}));
    QCOMPARE(split->train.size() + split->validation.size(), Index(10));
    // Same standardisation as the training part: raw test pixel → (x − mean)·invStd.
    const Dataset raw = loadMnist(dir.path().toStdString(), true);
    const float expected =
        (raw.inputs(1, 7) - split->standardizer.mean[7]) * split->standardizer.invStd[7];
    QCOMPARE(split->test.inputs(1, 7), expected);
    QVERIFY(raw.classNames.front() == "0"); // not a recognised set: digits as names
    // A test file of another image size is refused, naming the folder.
    writeFile(dir.filePath("t10k-images-idx3-ubyte"), idxImages(3, 5, 5));
    QVERIFY2(expectDataError([&] { loadNetworkData(problem, DataLocations{}); },
                             dir.path().section('/', -1), "test images", &message),
             qPrintable(message));
}

void TestDatasets::mnistBroken_data() {
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("what");
    QTest::newRow("truncated images") << 0 << "train-images-idx3-ubyte"
                                      << "truncated";
    QTest::newRow("short header") << 1 << "train-images-idx3-ubyte"
                                  << "truncated";
    QTest::newRow("wrong image magic") << 2 << "train-images-idx3-ubyte"
                                       << "wrong magic number 0x00000801";
    QTest::newRow("wrong label magic") << 3 << "train-labels-idx1-ubyte"
                                       << "wrong magic number 0x00000803";
    QTest::newRow("label count differs") << 4 << "train-labels-idx1-ubyte"
                                         << "wrong sizes";
    QTest::newRow("trailing bytes") << 5 << "train-images-idx3-ubyte"
                                    << "wrong sizes";
    QTest::newRow("missing labels") << 6 << "train-labels-idx1-ubyte"
                                    << "missing";
    QTest::newRow("truncated gzip") << 7 << "train-images-idx3-ubyte.gz"
                                    << "truncated gzip";
    QTest::newRow("label out of range") << 8 << "train-labels-idx1-ubyte"
                                        << "not in 0..9";
    QTest::newRow("truncated labels") << 9 << "train-labels-idx1-ubyte"
                                      << "truncated";
}

void TestDatasets::mnistBroken() {
    QFETCH(int, kind);
    QFETCH(QString, file);
    QFETCH(QString, what);
    QTemporaryDir dir;
    Bytes images = idxImages(3, 4, 5), labels = idxLabels({1, 2, 3});
    switch (kind) {
    case 0:
        images.pop_back();
        break;
    case 1:
        images.resize(10);
        break;
    case 2:
        images = idxImages(3, 4, 5, 0x00000801);
        break;
    case 3:
        labels = idxLabels({1, 2, 3}, 0x00000803);
        break;
    case 4:
        labels = idxLabels({1, 2});
        break;
    case 5:
        images.push_back(0);
        break;
    case 8:
        labels = idxLabels({1, 12, 3});
        break;
    case 9:
        labels.pop_back();
        break;
    default:
        break;
    }
    if (kind == 7) {
        Bytes gz = gzipBytes(images);
        gz.resize(gz.size() / 2);
        writeFile(dir.filePath("train-images-idx3-ubyte.gz"), gz);
    } else {
        writeFile(dir.filePath("train-images-idx3-ubyte"), images);
    }
    if (kind != 6)
        writeFile(dir.filePath("train-labels-idx1-ubyte"), labels);
    QString message;
    QVERIFY2(expectDataError([&] { loadMnist(dir.path().toStdString()); }, file, what, &message),
             qPrintable(message));
    qInfo("%s", qPrintable(message));
}

void TestDatasets::cifar10() {
    QTemporaryDir dir;
    QVERIFY(QDir(dir.path()).mkpath("cifar-10-batches-bin"));
    const QString sub = dir.filePath("cifar-10-batches-bin");
    writeFile(sub + "/data_batch_1.bin", cifarRecords({3, 9}));
    writeFile(sub + "/data_batch_2.bin", cifarRecords({0}));
    writeFile(sub + "/test_batch.bin", cifarRecords({5}));
    writeText(sub + "/batches.meta.txt", "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n\n");
    const Dataset d = loadCifar10(dir.path().toStdString()); // finds the sub-folder
    QCOMPARE(d.size(), Index(3));
    QCOMPARE(d.shape, (Shape{3, 32, 32}));
    QCOMPARE(d.labels, (std::vector<int>{3, 9, 0}));
    QCOMPARE(d.classNames.at(3), std::string("d"));
    // HWC: sample 1 (label 9), pixel p = 33 (y 1, x 1), green: (27 + 1 + 33) % 256 = 61
    QCOMPARE(d.inputs(1, 33 * 3 + 1), 61.0f * (1.0f / 255.0f));
    const Dataset t = loadCifar10(sub.toStdString(), true);
    QCOMPARE(t.size(), Index(1));
    QCOMPARE(t.labels.front(), 5);
    QCOMPARE(loadCifar10(sub.toStdString(), false, 2).size(), Index(2));
}

void TestDatasets::cifar10Broken_data() {
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("what");
    QTest::newRow("truncated") << 0 << "data_batch_1.bin"
                               << "truncated or wrong size";
    QTest::newRow("label > 9") << 1 << "data_batch_1.bin"
                               << "CIFAR-100";
    QTest::newRow("missing") << 2 << "data_batch_1.bin"
                             << "missing";
    QTest::newRow("empty") << 3 << "data_batch_1.bin"
                           << "empty";
    QTest::newRow("missing folder") << 4 << "nowhere"
                                    << "does not exist";
}

void TestDatasets::cifar10Broken() {
    QFETCH(int, kind);
    QFETCH(QString, file);
    QFETCH(QString, what);
    QTemporaryDir dir;
    Bytes b = cifarRecords({1, 2});
    if (kind == 0)
        b.resize(b.size() - 100);
    if (kind == 1)
        b = cifarRecords({1, 42});
    if (kind == 3)
        b.clear();
    if (kind != 2 && kind != 4)
        writeFile(dir.filePath("data_batch_1.bin"), b);
    const std::string folder =
        kind == 4 ? dir.filePath("nowhere").toStdString() : dir.path().toStdString();
    QString message;
    QVERIFY2(expectDataError([&] { loadCifar10(folder); }, file, what, &message),
             qPrintable(message));
    qInfo("%s", qPrintable(message));
}

void TestDatasets::csvClassification() {
    QTemporaryDir dir;
    const QString path = dir.filePath("iris.csv");
    writeText(path, "a, \"b\",species\r\n1,2,setosa\n\n3.5,-4e-1,\"versi,color\"\n5,6,setosa\n");
    const Dataset d = loadCsv(path.toStdString(), "species", Task::Classification);
    QCOMPARE(d.size(), Index(3));
    QCOMPARE(d.features(), Index(2));
    QCOMPARE(d.featureNames, (std::vector<std::string>{"a", "b"}));
    QCOMPARE(d.classNames, (std::vector<std::string>{"setosa", "versi,color"}));
    QCOMPARE(d.labels, (std::vector<int>{0, 1, 0}));
    QCOMPARE(d.inputs(1, 1), -0.4f);
    // Numeric classes sort as numbers (2 before 10); the target may be named by index.
    const QString num = dir.filePath("num.csv");
    writeText(num, "x,y\n1,10\n2,2\n3,10\n");
    const Dataset n = loadCsv(num.toStdString(), "1", Task::Classification);
    QCOMPARE(n.classNames, (std::vector<std::string>{"2", "10"}));
    QCOMPARE(n.labels, (std::vector<int>{1, 0, 1}));
}

void TestDatasets::csvRegression() {
    QTemporaryDir dir;
    const QString path = dir.filePath("r.csv");
    writeText(path, "y,x1,x2\n0.5,1,2\n1.5,3,4\n");
    const Dataset d = loadCsv(path.toStdString(), "y", Task::Regression);
    QCOMPARE(d.task, Task::Regression);
    QCOMPARE(d.targets.rows(), Index(2));
    QCOMPARE(d.targets(1, 0), 1.5f);
    QCOMPARE(d.inputs(1, 0), 3.0f);
    QCOMPARE(d.outputs(), Index(1));
}

void TestDatasets::csvBroken_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("target");
    QTest::addColumn<bool>("regression");
    QTest::addColumn<QString>("what");
    QTest::newRow("not a number") << "a,b,t\n1,2,0\n3,x7,1\n"
                                  << "t" << false << "line 3, column 2 ('b'): not a number: 'x7'";
    QTest::newRow("cell count") << "a,b,t\n1,2,0\n3,1\n"
                                << "t" << false << "line 3: 2 cells";
    QTest::newRow("no such column") << "a,b,t\n1,2,0\n"
                                    << "label" << false << "no column named 'label'";
    QTest::newRow("one class") << "a,t\n1,0\n2,0\n"
                               << "t" << false << "single class";
    QTest::newRow("text target regression") << "a,t\n1,x\n"
                                            << "t" << true << "regression target is not a number";
    QTest::newRow("empty") << ""
                           << "t" << false << "empty file";
    QTest::newRow("header only") << "a,t\n"
                                 << "t" << false << "no data rows";
    QTest::newRow("unterminated quote") << "a,t\n1,\"x\n"
                                        << "t" << false << "unterminated quoted cell";
    QTest::newRow("empty cell") << "a,b,t\n1,,0\n"
                                << "t" << false << "not a number: ''";
    // Issue 16, defect 4: fits a double, not a float (was accepted, then "diverged at step 1").
    QTest::newRow("feature beyond float")
        << "a,b,t\n1,2,0\n3,1e39,1\n"
        << "t" << false << "line 3, column 2 ('b'): 1e39 does not fit a 32-bit float";
    QTest::newRow("target beyond float")
        << "a,t\n1,2\n3,-4e38\n"
        << "t" << true << "line 3, column 2 ('t'): -4e38 does not fit a 32-bit float";
}

void TestDatasets::csvBroken() {
    QFETCH(QString, text);
    QFETCH(QString, target);
    QFETCH(bool, regression);
    QFETCH(QString, what);
    QTemporaryDir dir;
    const QString path = dir.filePath("bad.csv");
    writeText(path, text.toStdString());
    QString message;
    QVERIFY2(expectDataError(
                 [&] {
                     loadCsv(path.toStdString(), target.toStdString(),
                             regression ? Task::Regression : Task::Classification);
                 },
                 "bad.csv", what, &message),
             qPrintable(message));
    QVERIFY2(
        expectDataError(
            [&] { loadCsv(dir.filePath("none.csv").toStdString(), "t", Task::Classification); },
            "none.csv", "does not exist", &message),
        qPrintable(message));
}

void TestDatasets::digits() {
    const std::string path = std::string(OPTISCOPE_SOURCE_DIR) + "/resources/digits.csv.gz";
    const Dataset d = loadDigits(path);
    QCOMPARE(d.size(), Index(1797));
    QCOMPARE(d.features(), Index(64));
    QCOMPARE(d.shape, (Shape{1, 8, 8}));
    QCOMPARE(d.classes(), Index(10));
    QCOMPARE(d.inputs.minCoeff(), 0.0f);
    QCOMPARE(d.inputs.maxCoeff(), 1.0f);
    std::vector<int> counts(10, 0);
    for (int l : d.labels)
        ++counts[static_cast<std::size_t>(l)];
    for (int c : counts)
        QVERIFY(c > 150 && c < 200); // the UCI test part is nearly balanced
    // The header of the first row: 0,0,5,13,9,1,0,0 ... label 0.
    QCOMPARE(d.inputs(0, 2), 5.0f / 16.0f);
    QCOMPARE(d.labels.front(), 0);
    const Dataset shipped = loadShippedDigits(); // compiled in: the same data
    QVERIFY(shipped.inputs == d.inputs);
    QVERIFY(shipped.labels == d.labels);
    QCOMPARE(loadShippedDigits(100).size(), Index(100));
    QString message;
    QTemporaryDir dir;
    writeText(dir.filePath("d.csv"), "1,2,3\n");
    QVERIFY2(expectDataError([&] { loadDigits(dir.filePath("d.csv").toStdString()); }, "d.csv",
                             "expected 65 values", &message),
             qPrintable(message));
}

void TestDatasets::toySets_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("classes");
    QTest::newRow("spirals") << "spirals" << 2;
    QTest::newRow("circles") << "circles" << 2;
    QTest::newRow("xor") << "xor" << 2;
    QTest::newRow("gaussians") << "gaussians" << 3;
    QTest::newRow("moons") << "moons" << 2;
    QTest::newRow("sine") << "sine" << 0;
}

void TestDatasets::toySets() {
    QFETCH(QString, name);
    QFETCH(int, classes);
    const std::string n = name.toStdString();
    const Dataset a = makeToyDataset(n, 301, 0.1, 5);
    const Dataset b = makeToyDataset(n, 301, 0.1, 5);
    const Dataset c = makeToyDataset(n, 301, 0.1, 6);
    QCOMPARE(a.size(), Index(301));
    QVERIFY(a.inputs == b.inputs);
    QVERIFY(a.labels == b.labels);
    QVERIFY(a.targets == b.targets);
    QVERIFY(a.inputs != c.inputs);
    QVERIFY(a.inputs.allFinite());
    QVERIFY(a.inputs.cwiseAbs().maxCoeff() < 5.0f);
    if (classes == 0) {
        QCOMPARE(a.task, Task::Regression);
        QCOMPARE(a.features(), Index(1));
        // sin(x) plus noise of std 0.1: residuals are small
        const Eigen::ArrayXf r = a.targets.col(0).array() - a.inputs.col(0).array().sin();
        QVERIFY(r.abs().maxCoeff() < 0.6f);
        QVERIFY(r.abs().maxCoeff() > 0.0f);
        return;
    }
    QCOMPARE(a.classes(), Index(classes));
    std::vector<int> counts(static_cast<std::size_t>(classes), 0);
    for (int l : a.labels) {
        QVERIFY(l >= 0 && l < classes);
        ++counts[static_cast<std::size_t>(l)];
    }
    for (int count : counts)
        QVERIFY(count >= 301 / classes / 2); // every class is well represented
    // No noise, same seed: xor labels follow the quadrant exactly.
    if (n == "xor") {
        const Dataset z = makeToyDataset(n, 200, 0.0, 1);
        for (Index i = 0; i < z.size(); ++i)
            QCOMPARE(z.labels[static_cast<std::size_t>(i)],
                     (z.inputs(i, 0) >= 0) == (z.inputs(i, 1) >= 0) ? 0 : 1);
    }
}

void TestDatasets::extraFeatures() {
    Dataset d = makeToyDataset("circles", 10, 0.0, 1);
    const Dataset orig = d;
    addExtraFeatures(d, {"x2", "xy", "siny"});
    QCOMPARE(d.features(), Index(5));
    QCOMPARE(d.featureNames.back(), std::string("siny"));
    QCOMPARE(d.inputs(3, 2), orig.inputs(3, 0) * orig.inputs(3, 0));
    QCOMPARE(d.inputs(3, 3), orig.inputs(3, 0) * orig.inputs(3, 1));
    QCOMPARE(d.inputs(3, 4), std::sin(orig.inputs(3, 1)));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, addExtraFeatures(d, {"z3"}));
}

void TestDatasets::splitAndStandardize() {
    const Dataset d = makeToyDataset("moons", 500, 0.1, 2);
    const DataSplit s = splitDataset(d, 0.2, 9);
    QCOMPARE(s.validation.size(), Index(100));
    QCOMPARE(s.train.size(), Index(400));
    const Eigen::RowVectorXf mean = s.train.inputs.colwise().mean();
    QVERIFY(mean.cwiseAbs().maxCoeff() < 1e-5f);
    for (Index j = 0; j < 2; ++j) {
        const float var = (s.train.inputs.col(j).array() - mean[j]).square().mean();
        QVERIFY(std::abs(var - 1.0f) < 1e-4f);
    }
    // Same seed, same split; the standardizer maps raw points onto the network's inputs.
    const DataSplit t = splitDataset(d, 0.2, 9);
    QVERIFY(t.train.inputs == s.train.inputs);
    QVERIFY(t.validation.labels == s.validation.labels);
    QVERIFY(splitDataset(d, 0.2, 10).train.inputs != s.train.inputs);
    const DataSplit none = splitDataset(d, 0.0, 9);
    QCOMPARE(none.validation.size(), Index(0));
    QCOMPARE(none.train.size(), Index(500));
    // Images: one mean per channel.
    Dataset img;
    img.isImage = true;
    img.shape = Shape{2, 1, 2};
    img.inputs.resize(2, 4);
    img.inputs << 0, 1, 0, 1, 1, 3, 1, 3;
    img.labels = {0, 1};
    img.classNames = {"a", "b"};
    const Standardizer st = Standardizer::fit(img);
    QCOMPARE(st.mean[0], 0.5f);
    QCOMPARE(st.mean[1], 2.0f);
    QCOMPARE(st.mean[2], 0.5f);
    QCOMPARE(st.invStd[3], 1.0f);
}

// Issue 16, defect 5: a 244 KB MNIST .gz inflated to 2 GB (the cap was 1 GiB of bytes).
void TestDatasets::gzipBombIsRefused() {
    QTemporaryDir dir;
    const Bytes bomb = gzipZeros(std::size_t(300) << 20);
    QVERIFY(bomb.size() < (std::size_t(1) << 20));
    writeFile(dir.filePath("train-images-idx3-ubyte.gz"), bomb);
    writeFile(dir.filePath("train-labels-idx1-ubyte"), idxLabels({1, 2}));
    QString message;
    QVERIFY2(expectDataError([&] { loadMnist(dir.path().toStdString(), false); },
                             "train-images-idx3-ubyte.gz", "exceeds 256 MiB", &message),
             qPrintable(message));
}

// Issue 16, defect 6: a FIFO with no writer blocked the loader forever; other special files
// must be refused with their true reason.
void TestDatasets::specialFilesAreRefused() {
    QTemporaryDir dir;
    const QString fifo = dir.filePath("pipe.csv");
    QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
    QString message;
    QVERIFY2(expectDataError([&] { loadCsv(fifo.toStdString(), "t", Task::Classification); },
                             "pipe.csv", "is a FIFO (named pipe), not a regular file", &message),
             qPrintable(message));
    QVERIFY(QDir(dir.path()).mkdir("folder.csv"));
    QVERIFY2(
        expectDataError(
            [&] { loadCsv(dir.filePath("folder.csv").toStdString(), "t", Task::Classification); },
            "folder.csv", "is a folder, not a file", &message),
        qPrintable(message));
    QVERIFY2(expectDataError([&] { loadCsv("/dev/zero", "t", Task::Classification); }, "zero",
                             "is a device", &message),
             qPrintable(message));
}

// Issue 16, defect 5: the data set's size is checked against the memory budget before its
// matrix is allocated (here with a 1 MiB budget set through the environment).
void TestDatasets::memoryBudgetRefusesLargeData() {
    QTemporaryDir dir;
    std::string csv = "a,b,c,d,t\n";
    for (int i = 0; i < 40000; ++i)
        csv += "1,2,3,4," + std::to_string(i % 2) + "\n";
    writeText(dir.filePath("big.csv"), csv);
    qputenv("OPTISCOPE_MEMORY_BUDGET_MB", "1");
    QString message;
    const bool refused = expectDataError(
        [&] { loadCsv(dir.filePath("big.csv").toStdString(), "t", Task::Classification); },
        "big.csv", "more than the memory budget of 1 MiB", &message);
    qunsetenv("OPTISCOPE_MEMORY_BUDGET_MB");
    QVERIFY2(refused, qPrintable(message));
    // Within the default budget it loads.
    QCOMPARE(loadCsv(dir.filePath("big.csv").toStdString(), "t", Task::Classification).size(),
             Eigen::Index(40000));
}

QTEST_GUILESS_MAIN(TestDatasets)
#include "tst_datasets.moc"
