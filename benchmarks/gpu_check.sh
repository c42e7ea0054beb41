#!/usr/bin/env bash
# Every kata on CUDA, in one run, with one report (issue 18). For a fresh GPU machine
# with this repository; it must finish in under 5 minutes on an H100.
#
#     bash benchmarks/gpu_check.sh [REPORT]      (default benchmarks/.work/gpu-report.txt)
#
# The machine's own CUDA build of torch is used: nothing here pins the CPU wheel.
# Steps: install study without its dependencies' torch pin; `study dev check-katas
# --device cuda` (references pass on cuda and cpu, starters fail); every known wrong
# solution in tests/katas on cuda, with the message its `# expect:` line names (as on
# cpu); the sandbox's red-team suite with cuda as the kata device; the kata benchmark
# on cuda. Each step's output goes into the report; the exit code is the first failure's.
set -uo pipefail
cd "$(dirname "$0")/.."
REPORT=${1:-benchmarks/.work/gpu-report.txt}
mkdir -p "$(dirname "$REPORT")"
: > "$REPORT"
status=0

step() {  # step NAME COMMAND...: run, time, append to the report, remember a failure
    local name=$1 t0=$SECONDS rc
    shift
    echo "== $name" >> "$REPORT"
    "$@" >> "$REPORT" 2>&1
    rc=$?
    printf -- '-- %s: exit %d in %d s\n\n' "$name" "$rc" "$((SECONDS - t0))" >> "$REPORT"
    if [ "$rc" -ne 0 ] && [ "$status" -eq 0 ]; then status=$rc; fi
    echo "$name: exit $rc ($((SECONDS - t0)) s)"
}

python3 -c "import torch; assert torch.cuda.is_available(), 'no CUDA device'" || {
    echo "no CUDA device here: this script is for a GPU machine" >&2
    exit 2
}
# study itself without re-resolving torch; the test tools it needs.
python3 -m pip install -q --no-deps -e . &&
    python3 -m pip install -q "textual[syntax]>=8.2.8,<9" "fsrs>=6.3,<7" genanki pyyaml \
        platformdirs tomli-w tomlkit ijson markdown-it-py pygments pyseccomp pytest \
        pytest-asyncio hypothesis numpy >> "$REPORT" 2>&1 || exit 2

step "versions" python3 -c "
import platform, torch
print('torch', torch.__version__, 'CUDA', torch.version.cuda, 'cuDNN',
      torch.backends.cudnn.version())
print('device', torch.cuda.get_device_name(0), 'driver capability',
      torch.cuda.get_device_capability(0))
print('python', platform.python_version(), platform.platform())"
export STUDY_HOME
STUDY_HOME=$(mktemp -d)
step "check-katas (cuda, then cpu)" python3 -m study dev check-katas --device cuda
step "wrong solutions on cuda" python3 - <<'EOF'
import sys, time
from pathlib import Path
from study.kata.devrun import check
from study.kata.judge import warm_up

warm_up()
bad = 0
rows = []
for path in sorted(Path("tests/katas").glob("*/*.py")):
    kata = path.parent.name
    expect = next(l.split(":", 1)[1].strip() for l in path.read_text().splitlines()
                  if l.startswith("# expect:"))
    t = time.perf_counter()
    res = check(Path("exercises") / kata, path, "cuda")
    took = time.perf_counter() - t
    msgs = [t.message for t in res.tests if not t.passed] + [res.message]
    ok = not res.passed and any(expect in m for m in msgs)
    bad += not ok
    rows.append(f"{'ok  ' if ok else 'FAIL'} {kata}/{path.stem} {took:.2f} s"
                + ("" if ok else f"\n     expected {expect!r}; got {msgs[:1]}"))
print("\n".join(rows))
print(f"{len(rows) - bad} of {len(rows)} wrong solutions rejected on cuda with their message")
sys.exit(1 if bad else 0)
EOF
step "sandbox red team on cuda" env STUDY_TEST_KATA_DEVICE=cuda python3 -m pytest -q \
    tests/test_sandbox.py -p no:cacheprovider
step "kata benchmark on cuda" env STUDY_BENCH_DEVICE=cuda python3 benchmarks/bench_katas.py
step "kata benchmark on cpu (same machine)" env STUDY_BENCH_DEVICE=cpu \
    python3 benchmarks/bench_katas.py
rm -rf "$STUDY_HOME"
echo "report: $REPORT"
exit $status
