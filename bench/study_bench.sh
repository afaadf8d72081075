#!/bin/sh
# Throughput and memory of `optiscope-cli study`: a study of many small 2-D jobs (10,000 jobs:
# 50 x 50 starts on Himmelblau x 4 runs, 300 Adam/SGD steps each) with one thread and with every
# core, and the digits version of the article's study (LeNet-5, 12 jobs). Prints a Markdown table
# with jobs/s, the speed-up over --jobs 1 and the peak resident memory (/usr/bin/time -v).
#
#   bench/study_bench.sh            (OPTISCOPE_CLI, default build/app/optiscope-cli)
#   STUDY_BENCH_DIR=/dev/shm bench/study_bench.sh   (write the studies there: tmpfs takes the
#                                    disk's metadata latency out, leaving the CPU's scaling)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
cli=${OPTISCOPE_CLI:-$root/build/app/optiscope-cli}
[ -x "$cli" ] || { echo "study_bench.sh: $cli not found; build optiscope-cli" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "study_bench.sh: needs /usr/bin/time (Debian: time)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/many.json" <<'JSON'
{"title": "10,000 small jobs", "steps": 300,
 "problem": {"type": "function", "function": "himmelblau", "start": [0, 0],
             "noise": {"std": 0.5, "seed": 1}},
 "runs": [{"name": "Adam", "optimizer": {"type": "adam", "lr": 0.1},
           "schedule": {"type": "exponential_decay", "decay_steps": 100, "decay_rate": 0.5},
           "compare_without_schedule": true},
          {"name": "SGD", "optimizer": {"type": "sgd", "lr": 0.002, "momentum": 0.9}},
          {"name": "RMSprop", "optimizer": {"type": "rmsprop", "lr": 0.01}}],
 "study": {"grid": {"problem.start[0]": {"from": -5, "to": 5, "num": 50},
                    "problem.start[1]": {"from": -5, "to": 5, "num": 50}}}}
JSON

# measure NAME FILE JOBS-FLAG... : prints "seconds peak_kB"
measure() {
    out="${STUDY_BENCH_DIR:-$tmp}/optiscope-study-bench-$1"
    rm -rf "$out"
    shift
    file=$1
    shift
    /usr/bin/time -f "%e %M" -o "$tmp/time" "$cli" study "$file" --out "$out" -q "$@" >/dev/null
    rm -rf "$out"
    cat "$tmp/time"
}

echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "| study | jobs | --jobs | wall s | jobs/s | speed-up | peak RSS MB |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for spec in "many $tmp/many.json 10000 --traces none" "many-thin $tmp/many.json 10000" \
            "digits $root/resources/presets/study-adam-plateau-digits.json 12"; do
    set -- $spec
    name=$1 file=$2 jobs=$3
    shift 3
    extra="$*"
    base=""
    for threads in 1 "$(nproc)"; do
        # shellcheck disable=SC2086
        r=$(measure "$name-$threads" "$file" --jobs "$threads" $extra)
        secs=${r% *}
        kb=${r#* }
        rate=$(echo "$jobs $secs" | awk '{printf "%.1f", $1 / $2}')
        [ -z "$base" ] && base=$secs
        speedup=$(echo "$base $secs" | awk '{printf "%.2f", $1 / $2}')
        mb=$(echo "$kb" | awk '{printf "%.0f", $1 / 1024}')
        echo "| $name | $jobs | $threads | $secs | $rate | ${speedup}x | $mb |"
    done
done
