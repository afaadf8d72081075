// Loaders for data files on disk: digits CSV, user CSV, MNIST IDX, CIFAR-10 binary batches.
#include "core/nn/datasets.h"

#include "core/io/input_file.h"
#include "core/nn/memory_budget.h"

#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>

namespace optiscope::nn {

using Eigen::Index;
namespace fs = std::filesystem;

namespace {

// Decompressed .gz data (and any data file) is refused beyond this: the largest supported set,
// CIFAR-10's five batches, is 150 MiB; MNIST's training images are 45 MiB.
constexpr std::size_t kMaxDecompressed = std::size_t(256) << 20; // 256 MiB

std::string hex32(std::uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08X", v);
    return buf;
}

std::uint32_t bigEndian32(const std::uint8_t* p) {
    return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) |
           std::uint32_t(p[3]);
}

std::vector<std::uint8_t> gunzip(const std::string& path, const std::vector<std::uint8_t>& in) {
    z_stream s{};
    if (inflateInit2(&s, 16 + MAX_WBITS) != Z_OK)
        throw DataError(path, "cannot initialise the gzip decoder");
    std::vector<std::uint8_t> out(std::max<std::size_t>(in.size() * 4, 1 << 16));
    s.next_in = const_cast<Bytef*>(in.data());
    s.avail_in = static_cast<uInt>(in.size());
    std::size_t produced = 0;
    int rc = Z_OK;
    while (true) {
        if (produced == out.size()) {
            if (out.size() >= kMaxDecompressed) {
                inflateEnd(&s);
                throw DataError(path, "decompressed data exceeds 256 MiB (a gzip bomb?)");
            }
            out.resize(std::min(out.size() * 2, kMaxDecompressed));
        }
        s.next_out = out.data() + produced;
        s.avail_out = static_cast<uInt>(out.size() - produced);
        rc = inflate(&s, Z_NO_FLUSH);
        produced = out.size() - s.avail_out;
        if (rc == Z_STREAM_END)
            break;
        if (rc == Z_BUF_ERROR && s.avail_in == 0 && s.avail_out > 0) {
            inflateEnd(&s);
            throw DataError(path, "truncated gzip stream (ends after " + std::to_string(produced) +
                                      " decompressed bytes)");
        }
        if (rc != Z_OK && rc != Z_BUF_ERROR) {
            const std::string msg = s.msg ? s.msg : "error " + std::to_string(rc);
            inflateEnd(&s);
            throw DataError(path, "corrupt gzip data: " + msg);
        }
    }
    inflateEnd(&s);
    out.resize(produced);
    return out;
}

/// One CSV record with the 1-based line it starts on.
struct CsvRow {
    long long line = 0;
    std::vector<std::string> cells;
};

/// RFC-4180-ish: comma separated, double quotes with "" escapes, CRLF or LF; cells trimmed of
/// surrounding blanks; blank lines skipped.
std::vector<CsvRow> parseCsv(const std::string& path, const std::vector<std::uint8_t>& bytes) {
    std::vector<CsvRow> rows;
    CsvRow row;
    std::string cell;
    bool quoted = false, cellWasQuoted = false;
    long long line = 1;
    row.line = 1;
    auto endCell = [&] {
        if (!cellWasQuoted) {
            const auto b = cell.find_first_not_of(" \t");
            const auto e = cell.find_last_not_of(" \t");
            cell = b == std::string::npos ? std::string() : cell.substr(b, e - b + 1);
        }
        row.cells.push_back(std::move(cell));
        cell.clear();
        cellWasQuoted = false;
    };
    auto endRow = [&] {
        endCell();
        const bool blank = row.cells.size() == 1 && row.cells[0].empty();
        if (!blank)
            rows.push_back(std::move(row));
        row = CsvRow{};
        row.line = line + 1;
    };
    const std::size_t n = bytes.size();
    std::size_t i = 0;
    if (n >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF)
        i = 3; // UTF-8 BOM
    for (; i < n; ++i) {
        const char c = static_cast<char>(bytes[i]);
        if (quoted) {
            if (c == '"') {
                if (i + 1 < n && bytes[i + 1] == '"') {
                    cell += '"';
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                if (c == '\n')
                    ++line;
                cell += c;
            }
            continue;
        }
        if (c == '"' && cell.find_first_not_of(" \t") == std::string::npos) {
            cell.clear();
            quoted = true;
            cellWasQuoted = true;
        } else if (c == ',') {
            endCell();
        } else if (c == '\n') {
            endRow();
            ++line;
        } else if (c == '\r') {
            // part of CRLF
        } else if (c == '\0') {
            throw DataError(path, "line " + std::to_string(line) +
                                      ": binary data (a NUL byte) in a text file");
        } else {
            cell += c;
        }
    }
    if (quoted)
        throw DataError(path, "line " + std::to_string(row.line) + ": unterminated quoted cell");
    if (!cell.empty() || !row.cells.empty())
        endRow();
    return rows;
}

bool parseNumber(const std::string& s, double* out) {
    if (s.empty())
        return false;
    const char* b = s.data();
    const char* e = s.data() + s.size();
    if (*b == '+')
        ++b;
    auto [ptr, ec] = std::from_chars(b, e, *out);
    return ec == std::errc() && ptr == e && std::isfinite(*out);
}

// Networks train in float: a value that fits a double but not a float (1e39) would become inf
// and the run would "diverge at step 1" instead of the file being refused.
bool fitsFloat(double v) {
    return std::fabs(v) <= double(std::numeric_limits<float>::max());
}
constexpr const char* floatRangeText =
    " does not fit a 32-bit float (the values must be within +-3.4e38)";

void checkFolder(const std::string& folder) {
    std::error_code ec;
    if (!fs::exists(folder, ec))
        throw DataError(folder, "folder does not exist");
    if (!fs::is_directory(folder, ec))
        throw DataError(folder, "is not a folder");
}

/// The first of `names` (each also with ".gz") that exists in `folder`, or "".
std::string findIn(const std::string& folder, const std::vector<std::string>& names) {
    std::error_code ec;
    for (const auto& n : names) {
        for (const char* suffix : {"", ".gz"}) {
            fs::path p = fs::path(folder) / (n + suffix);
            if (fs::is_regular_file(p, ec))
                return p.string();
        }
    }
    return {};
}

} // namespace

std::vector<std::uint8_t> decodeBytes(const std::string& name, std::vector<std::uint8_t> bytes) {
    if (bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b)
        return gunzip(name, bytes);
    return bytes;
}

std::vector<std::uint8_t> readFileBytes(const std::string& path) {
    // Only regular files: a FIFO, a folder or a device is refused with the reason (a FIFO with no
    // writer used to block forever). A data file larger than the decompression cap is refused too.
    std::string why;
    auto bytes = readRegularFile(path, kMaxDecompressed, &why);
    if (!bytes)
        throw DataError(path, why);
    return decodeBytes(path, std::move(*bytes));
}

// --- digits ------------------------------------------------------------------------------------

namespace detail {
extern const unsigned char kDigitsCsvGz[];
extern const std::size_t kDigitsCsvGzSize;
} // namespace detail

namespace {
Dataset parseDigits(const std::string& path, const std::vector<std::uint8_t>& bytes,
                    Index maxSamples) {
    const std::vector<CsvRow> rows = parseCsv(path, bytes);
    if (rows.empty())
        throw DataError(path, "no data rows");
    Index n = static_cast<Index>(rows.size());
    if (maxSamples > 0)
        n = std::min(n, maxSamples);
    Dataset d;
    d.name = "digits";
    d.task = Task::Classification;
    d.isImage = true;
    d.shape = Shape{1, 8, 8};
    d.inputs.resize(n, 64);
    d.labels.resize(static_cast<std::size_t>(n));
    for (int c = 0; c < 10; ++c)
        d.classNames.push_back(std::to_string(c));
    for (Index i = 0; i < n; ++i) {
        const CsvRow& r = rows[static_cast<std::size_t>(i)];
        if (r.cells.size() != 65)
            throw DataError(path, "line " + std::to_string(r.line) +
                                      ": expected 65 values (64 "
                                      "pixels and a label), got " +
                                      std::to_string(r.cells.size()));
        for (std::size_t j = 0; j < 65; ++j) {
            double v = 0;
            if (!parseNumber(r.cells[j], &v))
                throw DataError(path, "line " + std::to_string(r.line) + ", column " +
                                          std::to_string(j + 1) + ": not a number: '" + r.cells[j] +
                                          "'");
            if (j < 64) {
                if (v < 0 || v > 16)
                    throw DataError(path, "line " + std::to_string(r.line) + ", column " +
                                              std::to_string(j + 1) + ": pixel " + r.cells[j] +
                                              " outside 0..16");
                d.inputs(i, static_cast<Index>(j)) = static_cast<float>(v / 16.0);
            } else {
                if (v != std::floor(v) || v < 0 || v > 9)
                    throw DataError(path, "line " + std::to_string(r.line) + ": label " +
                                              r.cells[j] + " is not a digit 0..9");
                d.labels[static_cast<std::size_t>(i)] = static_cast<int>(v);
            }
        }
    }
    return d;
}
} // namespace

Dataset loadDigits(const std::string& path, Index maxSamples) {
    return parseDigits(path, readFileBytes(path), maxSamples);
}

Dataset loadShippedDigits(Index maxSamples) {
    const std::string name = "digits.csv.gz (built in)";
    return parseDigits(name,
                       decodeBytes(name, std::vector<std::uint8_t>(detail::kDigitsCsvGz,
                                                                   detail::kDigitsCsvGz +
                                                                       detail::kDigitsCsvGzSize)),
                       maxSamples);
}

std::string findDigitsFile(const std::string& executableDir) {
    std::vector<fs::path> candidates;
    if (!executableDir.empty()) {
        fs::path dir(executableDir);
        for (int up = 0; up < 4 && !dir.empty(); ++up) {
            candidates.push_back(dir / "resources" / "digits.csv.gz");
            candidates.push_back(dir / "share" / "optiscope" / "digits.csv.gz");
            if (dir == dir.parent_path())
                break;
            dir = dir.parent_path();
        }
    }
    std::error_code ec;
    for (const auto& c : candidates)
        if (fs::is_regular_file(c, ec))
            return c.string();
    return {};
}

// --- user CSV ----------------------------------------------------------------------------------

Dataset loadCsv(const std::string& path, const std::string& targetColumn, Task task,
                Index maxSamples) {
    const std::vector<CsvRow> rows = parseCsv(path, readFileBytes(path));
    if (rows.empty())
        throw DataError(path, "empty file (a header row and data rows are needed)");
    const CsvRow& header = rows.front();
    const std::size_t cols = header.cells.size();
    if (cols < 2)
        throw DataError(path, "the header has " + std::to_string(cols) +
                                  " column; at least one feature and the target are needed");
    if (rows.size() < 2)
        throw DataError(path, "no data rows after the header");
    std::size_t target = cols;
    for (std::size_t j = 0; j < cols; ++j)
        if (header.cells[j] == targetColumn)
            target = j;
    if (target == cols) {
        double idx = 0;
        if (parseNumber(targetColumn, &idx) && idx == std::floor(idx) && idx >= 0 &&
            idx < static_cast<double>(cols))
            target = static_cast<std::size_t>(idx);
        else
            throw DataError(path, "no column named '" + targetColumn + "' in the header");
    }
    Index n = static_cast<Index>(rows.size() - 1);
    if (maxSamples > 0)
        n = std::min(n, maxSamples);
    Dataset d;
    d.name = "csv";
    d.task = task;
    checkDataMemory(path, double(n) * double(cols));
    d.inputs.resize(n, static_cast<Index>(cols - 1));
    for (std::size_t j = 0; j < cols; ++j)
        if (j != target)
            d.featureNames.push_back(header.cells[j]);
    d.shape = Shape{static_cast<Index>(cols - 1), 1, 1};
    std::vector<std::string> rawTargets(static_cast<std::size_t>(n));
    for (Index i = 0; i < n; ++i) {
        const CsvRow& r = rows[static_cast<std::size_t>(i + 1)];
        if (r.cells.size() != cols)
            throw DataError(path, "line " + std::to_string(r.line) + ": " +
                                      std::to_string(r.cells.size()) + " cells, the header has " +
                                      std::to_string(cols));
        Index f = 0;
        for (std::size_t j = 0; j < cols; ++j) {
            if (j == target) {
                rawTargets[static_cast<std::size_t>(i)] = r.cells[j];
                continue;
            }
            double v = 0;
            if (!parseNumber(r.cells[j], &v))
                throw DataError(path, "line " + std::to_string(r.line) + ", column " +
                                          std::to_string(j + 1) + " ('" + header.cells[j] +
                                          "'): not a number: '" + r.cells[j] + "'");
            if (!fitsFloat(v))
                throw DataError(path, "line " + std::to_string(r.line) + ", column " +
                                          std::to_string(j + 1) + " ('" + header.cells[j] +
                                          "'): " + r.cells[j] + floatRangeText);
            d.inputs(i, f++) = static_cast<float>(v);
        }
    }
    if (task == Task::Regression) {
        d.targets.resize(n, 1);
        for (Index i = 0; i < n; ++i) {
            double v = 0;
            const std::string& s = rawTargets[static_cast<std::size_t>(i)];
            if (!parseNumber(s, &v))
                throw DataError(
                    path, "line " + std::to_string(rows[static_cast<std::size_t>(i + 1)].line) +
                              ", column " + std::to_string(target + 1) + " ('" +
                              header.cells[target] + "'): regression target is not a number: '" +
                              s + "'");
            if (!fitsFloat(v))
                throw DataError(
                    path, "line " + std::to_string(rows[static_cast<std::size_t>(i + 1)].line) +
                              ", column " + std::to_string(target + 1) + " ('" +
                              header.cells[target] + "'): " + s + floatRangeText);
            d.targets(i, 0) = static_cast<float>(v);
        }
        return d;
    }
    // Classification: numbers sort numerically, otherwise as text.
    bool allNumeric = true;
    for (const auto& s : rawTargets) {
        double v = 0;
        if (!parseNumber(s, &v)) {
            allNumeric = false;
            break;
        }
    }
    std::vector<std::string> classes = rawTargets;
    if (allNumeric) {
        std::sort(classes.begin(), classes.end(), [](const std::string& a, const std::string& b) {
            double x = 0, y = 0;
            parseNumber(a, &x);
            parseNumber(b, &y);
            return x < y;
        });
        classes.erase(std::unique(classes.begin(), classes.end(),
                                  [](const std::string& a, const std::string& b) {
                                      double x = 0, y = 0;
                                      parseNumber(a, &x);
                                      parseNumber(b, &y);
                                      return x == y;
                                  }),
                      classes.end());
    } else {
        std::sort(classes.begin(), classes.end());
        classes.erase(std::unique(classes.begin(), classes.end()), classes.end());
    }
    if (classes.size() < 2)
        throw DataError(path, "the target column '" + header.cells[target] +
                                  "' has a single class; classification needs at least two");
    if (classes.size() > 1000)
        throw DataError(path, "the target column '" + header.cells[target] + "' has " +
                                  std::to_string(classes.size()) +
                                  " distinct values; is it a regression target?");
    d.classNames = classes;
    d.labels.resize(static_cast<std::size_t>(n));
    for (Index i = 0; i < n; ++i) {
        const std::string& s = rawTargets[static_cast<std::size_t>(i)];
        std::size_t k = 0;
        if (allNumeric) {
            double v = 0;
            parseNumber(s, &v);
            for (; k < classes.size(); ++k) {
                double c = 0;
                parseNumber(classes[k], &c);
                if (c == v)
                    break;
            }
        } else {
            k = static_cast<std::size_t>(std::lower_bound(classes.begin(), classes.end(), s) -
                                         classes.begin());
        }
        d.labels[static_cast<std::size_t>(i)] = static_cast<int>(k);
    }
    return d;
}

// --- MNIST IDX ---------------------------------------------------------------------------------

namespace {

struct IdxImages {
    Index count = 0, rows = 0, cols = 0;
    std::vector<std::uint8_t> bytes; ///< whole file
};

IdxImages readIdxImages(const std::string& path) {
    IdxImages im;
    im.bytes = readFileBytes(path);
    const auto& b = im.bytes;
    if (b.size() < 16)
        throw DataError(path, "truncated: " + std::to_string(b.size()) +
                                  " bytes, an IDX image header needs 16");
    const std::uint32_t magic = bigEndian32(b.data());
    if (magic != 0x00000803)
        throw DataError(path,
                        "wrong magic number " + hex32(magic) +
                            ", expected 0x00000803 (IDX images: unsigned bytes, 3 dimensions)");
    im.count = bigEndian32(b.data() + 4);
    im.rows = bigEndian32(b.data() + 8);
    im.cols = bigEndian32(b.data() + 12);
    if (im.rows < 1 || im.cols < 1 || im.rows > 4096 || im.cols > 4096)
        throw DataError(path, "wrong sizes: images of " + std::to_string(im.rows) + "x" +
                                  std::to_string(im.cols) + " pixels");
    const auto expected =
        16 + static_cast<std::uint64_t>(im.count) * static_cast<std::uint64_t>(im.rows * im.cols);
    if (b.size() < expected)
        throw DataError(path, "truncated: " + std::to_string(im.count) + " images of " +
                                  std::to_string(im.rows) + "x" + std::to_string(im.cols) +
                                  " need " + std::to_string(expected) + " bytes, the file has " +
                                  std::to_string(b.size()));
    if (b.size() > expected)
        throw DataError(path, "wrong sizes: the header announces " + std::to_string(im.count) +
                                  " images (" + std::to_string(expected) +
                                  " bytes) but the file has " + std::to_string(b.size()) +
                                  " bytes");
    return im;
}

std::vector<std::uint8_t> readIdxLabels(const std::string& path, Index* count) {
    std::vector<std::uint8_t> b = readFileBytes(path);
    if (b.size() < 8)
        throw DataError(path, "truncated: " + std::to_string(b.size()) +
                                  " bytes, an IDX label header needs 8");
    const std::uint32_t magic = bigEndian32(b.data());
    if (magic != 0x00000801)
        throw DataError(path,
                        "wrong magic number " + hex32(magic) +
                            ", expected 0x00000801 (IDX labels: unsigned bytes, 1 dimension)");
    *count = bigEndian32(b.data() + 4);
    const auto expected = 8 + static_cast<std::uint64_t>(*count);
    if (b.size() < expected)
        throw DataError(path, "truncated: " + std::to_string(*count) + " labels need " +
                                  std::to_string(expected) + " bytes, the file has " +
                                  std::to_string(b.size()));
    if (b.size() > expected)
        throw DataError(path, "wrong sizes: the header announces " + std::to_string(*count) +
                                  " labels (" + std::to_string(expected) +
                                  " bytes) but the file has " + std::to_string(b.size()) +
                                  " bytes");
    return b;
}

} // namespace

Dataset loadMnist(const std::string& folder, bool test, Index maxSamples) {
    checkFolder(folder);
    const std::string prefix = test ? "t10k" : "train";
    const std::string imagesName = prefix + "-images-idx3-ubyte";
    const std::string labelsName = prefix + "-labels-idx1-ubyte";
    const std::string imagesPath = findIn(folder, {imagesName, prefix + "-images.idx3-ubyte"});
    if (imagesPath.empty())
        throw DataError((fs::path(folder) / imagesName).string(),
                        "missing (also looked for .gz and " + prefix + "-images.idx3-ubyte)");
    const std::string labelsPath = findIn(folder, {labelsName, prefix + "-labels.idx1-ubyte"});
    if (labelsPath.empty())
        throw DataError((fs::path(folder) / labelsName).string(),
                        "missing (also looked for .gz and " + prefix + "-labels.idx1-ubyte)");
    IdxImages im = readIdxImages(imagesPath);
    Index labelCount = 0;
    const std::vector<std::uint8_t> lb = readIdxLabels(labelsPath, &labelCount);
    if (labelCount != im.count)
        throw DataError(labelsPath, "wrong sizes: " + std::to_string(labelCount) +
                                        " labels for the " + std::to_string(im.count) +
                                        " images of " + fs::path(imagesPath).filename().string());
    if (im.count == 0)
        throw DataError(imagesPath, "holds no images");
    Index n = im.count;
    if (maxSamples > 0)
        n = std::min(n, maxSamples);
    Dataset d;
    d.name = "mnist";
    d.task = Task::Classification;
    d.isImage = true;
    d.shape = Shape{1, im.rows, im.cols};
    const Index pixels = im.rows * im.cols;
    checkDataMemory(imagesPath, double(n) * double(pixels + 1));
    d.inputs.resize(n, pixels);
    d.labels.resize(static_cast<std::size_t>(n));
    for (Index i = 0; i < n; ++i) {
        const std::uint8_t label = lb[static_cast<std::size_t>(8 + i)];
        if (label > 9)
            throw DataError(labelsPath, "label " + std::to_string(label) + " of sample " +
                                            std::to_string(i) + " is not in 0..9");
        d.labels[static_cast<std::size_t>(i)] = label;
        const std::uint8_t* src = im.bytes.data() + 16 + i * pixels;
        for (Index j = 0; j < pixels; ++j)
            d.inputs(i, j) = static_cast<float>(src[j]) * (1.0f / 255.0f);
    }
    std::vector<int> head;
    for (Index i = 0; i < std::min<Index>(im.count, 16); ++i)
        head.push_back(lb[static_cast<std::size_t>(8 + i)]);
    d.classNames = knownClassNames(head, static_cast<std::size_t>(im.count));
    if (!d.classNames.empty())
        d.name = "fashion-mnist";
    else
        for (int c = 0; c <= 9; ++c)
            d.classNames.push_back(std::to_string(c));
    return d;
}

// --- CIFAR-10 ----------------------------------------------------------------------------------

Dataset loadCifar10(const std::string& folder, bool test, Index maxSamples) {
    checkFolder(folder);
    std::string dir = folder;
    std::error_code ec;
    if (!fs::exists(fs::path(folder) / "data_batch_1.bin", ec) &&
        !fs::exists(fs::path(folder) / "test_batch.bin", ec) &&
        fs::is_directory(fs::path(folder) / "cifar-10-batches-bin", ec))
        dir = (fs::path(folder) / "cifar-10-batches-bin").string();
    std::vector<std::string> files;
    if (test) {
        files.push_back((fs::path(dir) / "test_batch.bin").string());
        if (!fs::is_regular_file(files.back(), ec))
            throw DataError(files.back(), "missing");
    } else {
        for (int b = 1; b <= 5; ++b) {
            const std::string p =
                (fs::path(dir) / ("data_batch_" + std::to_string(b) + ".bin")).string();
            if (fs::is_regular_file(p, ec))
                files.push_back(p);
        }
        if (files.empty())
            throw DataError((fs::path(dir) / "data_batch_1.bin").string(),
                            "missing (no data_batch_1.bin .. data_batch_5.bin in the folder)");
    }
    constexpr Index kRecord = 1 + 3 * 32 * 32;
    constexpr Index kPlane = 32 * 32;
    std::vector<std::vector<std::uint8_t>> contents;
    Index total = 0;
    for (const auto& f : files) {
        contents.push_back(readFileBytes(f));
        const auto size = static_cast<Index>(contents.back().size());
        if (size == 0)
            throw DataError(f, "empty file");
        if (size % kRecord != 0)
            throw DataError(f, "truncated or wrong size: " + std::to_string(size) +
                                   " bytes is not a whole number of 3073-byte records (a label "
                                   "byte and 3x32x32 pixels)");
        total += size / kRecord;
        if (maxSamples > 0 && total >= maxSamples)
            break;
    }
    const Index n = maxSamples > 0 ? std::min(total, maxSamples) : total;
    Dataset d;
    d.name = "cifar10";
    d.task = Task::Classification;
    d.isImage = true;
    d.shape = Shape{3, 32, 32};
    checkDataMemory(files.front(), double(n) * double(3 * kPlane + 1));
    d.inputs.resize(n, 3 * kPlane);
    d.labels.resize(static_cast<std::size_t>(n));
    Index i = 0;
    for (std::size_t f = 0; f < contents.size() && i < n; ++f) {
        const auto& b = contents[f];
        const Index records = static_cast<Index>(b.size()) / kRecord;
        for (Index r = 0; r < records && i < n; ++r, ++i) {
            const std::uint8_t* rec = b.data() + r * kRecord;
            if (rec[0] > 9)
                throw DataError(files[f], "record " + std::to_string(r) + " has label " +
                                              std::to_string(rec[0]) +
                                              ", expected 0..9 (is this a CIFAR-100 file?)");
            d.labels[static_cast<std::size_t>(i)] = rec[0];
            float* dst = d.inputs.row(i).data();
            for (Index p = 0; p < kPlane; ++p)
                for (Index c = 0; c < 3; ++c)
                    dst[p * 3 + c] = static_cast<float>(rec[1 + c * kPlane + p]) * (1.0f / 255.0f);
        }
    }
    d.classNames = {"airplane", "automobile", "bird",  "cat",  "deer",
                    "dog",      "frog",       "horse", "ship", "truck"};
    const fs::path meta = fs::path(dir) / "batches.meta.txt";
    if (fs::is_regular_file(meta, ec)) {
        std::ifstream in(meta);
        std::vector<std::string> names;
        std::string line;
        while (std::getline(in, line)) {
            while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
                line.pop_back();
            if (!line.empty())
                names.push_back(line);
        }
        if (names.size() == 10)
            d.classNames = names;
    }
    return d;
}

} // namespace optiscope::nn
