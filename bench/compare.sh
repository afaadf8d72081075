#!/bin/sh
# Runs optiscope-bench and the same workloads in PyTorch (bench/torch_bench.py) alternately for
# a few rounds, and prints a Markdown table: the medians over the rounds, the ratio
# OptiScope / PyTorch and the targets of issue 11 (an AVX2 machine; see the README).
#
#   bench/compare.sh [ROUNDS]            (default 3)
#
# Environment: OPTISCOPE_BENCH (default build/bench/optiscope-bench), PYTHON (default python3
# with PyTorch; Debian's python3-torch lives in /usr/bin/python3), BENCH_ARGS (passed to both,
# e.g. "--repetitions 5 --min-time 0.5").
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
rounds=${1:-3}
bench=${OPTISCOPE_BENCH:-$root/build/bench/optiscope-bench}
args=${BENCH_ARGS:-}
if [ -z "${PYTHON:-}" ]; then
    PYTHON=python3
    if ! "$PYTHON" -c 'import torch' 2>/dev/null && [ -x /usr/bin/python3 ]; then
        PYTHON=/usr/bin/python3
    fi
fi
[ -x "$bench" ] || { echo "compare.sh: $bench not found; build the optiscope-bench target" >&2; exit 2; }

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
torch_ok=1
"$PYTHON" -c 'import torch' 2>/dev/null || { torch_ok=0; echo "compare.sh: PyTorch not found for $PYTHON; OptiScope only" >&2; }

i=1
while [ "$i" -le "$rounds" ]; do
    echo "round $i/$rounds: load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
    # shellcheck disable=SC2086
    "$bench" $args >>"$out/optiscope.txt"
    if [ "$torch_ok" = 1 ]; then
        # shellcheck disable=SC2086
        "$PYTHON" "$here/torch_bench.py" $args >>"$out/torch.txt"
    fi
    i=$((i + 1))
done
[ "$torch_ok" = 1 ] && "$PYTHON" "$here/torch_bench.py" --config | sed -n '1p' >"$out/version.txt"
# optiscope-bench's "# cpu: ..." and "# isa: ..." (the instruction set it dispatched to).
grep '^# ' "$out/optiscope.txt" | sort -u || true

"${PYTHON_TABLE:-$PYTHON}" - "$out" <<'EOF'
import os, statistics, sys
out = sys.argv[1]

def read(name):
    values = {}
    path = os.path.join(out, name)
    if os.path.exists(path):
        for line in open(path):
            parts = line.split()
            if len(parts) == 2:
                try:
                    values.setdefault(parts[0], []).append(float(parts[1]))
                except ValueError:
                    values.setdefault(parts[0], [])
    return {k: (statistics.median(v) if v else None) for k, v in values.items()}

ours, theirs = read("optiscope.txt"), read("torch.txt")
# (name, target ratio OptiScope/PyTorch) or, for absolute targets, (name, "<= value").
targets = [
    ("adam_2d_rosenbrock_steps_per_s", 2000),
    ("mlp_playground_2-8-8-2_tanh_b10_samples_per_s", 100),
    ("mlp_digits_64-64-10_relu_b32_samples_per_s", 10),
    ("mlp_mnist_784-128-10_relu_b64_samples_per_s", 2),
    ("lenet5_cifar_b64_samples_per_s", 2),
    ("ui_event_loop_max_delay_ms", "<= 16"),
]
fmt = lambda v: "n/a" if v is None else (f"{v:,.0f}" if v >= 1000 else f"{v:.4g}")
fmtRatio = lambda r: "n/a" if r is None else (f"{r:,.0f}×" if r >= 100 else f"{r:.3g}×")
version = ""
if os.path.exists(os.path.join(out, "version.txt")):
    version = open(os.path.join(out, "version.txt")).read().strip()
print(f"| workload | OptiScope | PyTorch ({version or 'n/a'}) | ratio | target | met |")
print("|---|---:|---:|---:|---:|:---:|")
for name, target in targets:
    a, b = ours.get(name), theirs.get(name)
    if isinstance(target, str):
        met = "n/a" if a is None else ("yes" if a <= float(target.split()[1]) else "no")
        print(f"| {name} | {fmt(a)} | – | – | {target} ms | {met} |")
        continue
    ratio = a / b if a is not None and b else None
    met = "n/a" if ratio is None else ("yes" if ratio >= target else "no")
    print(f"| {name} | {fmt(a)} | {fmt(b)} | {fmtRatio(ratio)} "
          f"| ≥ {target}× | {met} |")
EOF
