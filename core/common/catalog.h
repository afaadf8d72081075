// Small helpers shared by the catalogs (optimizers, schedules): entries keyed by their `type`
// name, looked up, replaced or added, removed; and a parallel loop for work split by index.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <string>
#include <thread>
#include <vector>

namespace optiscope {

/// The entry of `type`, or null.
template <class Info>
const Info* findByType(const std::vector<Info>& entries, const std::string& type) {
    const auto it = std::find_if(entries.begin(), entries.end(),
                                 [&type](const Info& i) { return i.type == type; });
    return it == entries.end() ? nullptr : &*it;
}

/// Replaces the entry of the same type, or appends `info`.
template <class Info> void upsertByType(std::vector<Info>& entries, Info info) {
    const auto it = std::find_if(entries.begin(), entries.end(),
                                 [&info](const Info& i) { return i.type == info.type; });
    if (it != entries.end())
        *it = std::move(info);
    else
        entries.push_back(std::move(info));
}

/// Removes the entry of `type`; false if there is none.
template <class Info> bool eraseByType(std::vector<Info>& entries, const std::string& type) {
    const auto it = std::find_if(entries.begin(), entries.end(),
                                 [&type](const Info& i) { return i.type == type; });
    if (it == entries.end())
        return false;
    entries.erase(it);
    return true;
}

/// Calls `fn(i)` for every i in [begin, end), on up to `threads` threads (the caller's among
/// them), each taking the next index; returns when all are done. `fn` must be safe to call
/// concurrently for different indices.
template <class Fn>
void parallelFor(std::size_t begin, std::size_t end, std::size_t threads, Fn&& fn) {
    std::atomic<std::size_t> next{begin};
    auto work = [&] {
        for (std::size_t i = next++; i < end; i = next++)
            fn(i);
    };
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < threads; ++t)
        pool.emplace_back(work);
    work();
    for (auto& t : pool)
        t.join();
}

} // namespace optiscope
