#!/usr/bin/env bash
# Compares LockBench between two commits on one machine in one sitting: the two bench jars run
# alternately (before, after, before, after, ...), so load that drifts during the sitting hits both
# sides alike, and the round-to-round spread of each side is the noise a difference must beat.
#
# Usage, from the repository root (any two commits, tags or branches):
#   bench/compare-before-after.sh BEFORE AFTER [rounds] [windowSeconds] [measuredWindows] [workloads]
#   e.g. bench/compare-before-after.sh 9969d92 e5f8ba2 3 2 4 1,4,5
# Defaults: 2 rounds, 2-second windows, 4 measured windows, workloads 1,4,5 (numbers of issue 7,
# as in bin/bench). Each commit is checked out in a detached worktree under $WORK (default
# ./target/compare-before-after) and its bench jar is built there with `package` (never
# `install`, so ~/.m2 is not touched); set BEFORE_DIR / AFTER_DIR to checkouts whose bench jar is
# already built to skip that. MVN_FLAGS (default -o) is passed to Maven. ANALYSE_ONLY=1 skips the
# builds and runs and summarises the outputs already in $WORK.
# Output: $WORK/<round>-<before|after>.txt (the bench's own table, with the load at start and end),
# $WORK/uptime.log (uptime before every run), and on stdout one line per workload row and round:
# after/before of ops/s and of p99, then the mean of those ratios beside the same-side noise, the
# largest |x_i/x_j - 1| between two rounds of one commit. A difference is called beyond noise when
# |mean ratio - 1| exceeds that noise. Curator's rows are the same code on both sides: their
# ratios show what the machine alone does between runs.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ $# -lt 2 ]]; then
  sed -n '2,21p' "$0" >&2
  exit 2
fi
before=$1 after=$2 rounds=${3:-2} window=${4:-2} measured=${5:-4} workloads=${6:-1,4,5}
work=${WORK:-$PWD/target/compare-before-after}
jar_in=bench/target/quorate-bench-0.1.0-SNAPSHOT-all.jar
mkdir -p "$work"

checkout() { # side commit -> directory holding a built bench jar
  local dir="$work/src-$1"
  if [[ ! -d $dir ]]; then
    git worktree add --detach "$dir" "$2" >&2
  fi
  (cd "$dir" && mvn -B -q -ntp ${MVN_FLAGS--o} -pl bench -am package -DskipTests \
    -Dspotless.check.skip=true -Dmaven.javadoc.skip=true >&2)
  echo "$dir"
}
if [[ -z ${ANALYSE_ONLY:-} ]]; then
  before_dir=${BEFORE_DIR:-$(checkout before "$before")}
  after_dir=${AFTER_DIR:-$(checkout after "$after")}
  for dir in "$before_dir" "$after_dir"; do
    [[ -f $dir/$jar_in ]] || { echo "no bench jar in $dir/$jar_in" >&2; exit 1; }
  done
  : >"$work/uptime.log"
  for round in $(seq 1 "$rounds"); do
    for side in before after; do
      dir=$before_dir
      [[ $side == after ]] && dir=$after_dir
      echo "round $round $side $(uptime)" | tee -a "$work/uptime.log" >&2
      java -Xms512m -Xmx1g -jar "$dir/$jar_in" "$window" "$measured" "$workloads" \
        >"$work/$round-$side.txt"
    done
  done
fi

# Rows: | name | ops/s | windows | p50 | p99 | ... ; the "/ raw floor" rows carry no figures.
for round in $(seq 1 "$rounds"); do
  for side in before after; do
    awk -F'|' -v r="$round" -v s="$side" '
      /^\| \(/ { gsub(/^ +| +$/, "", $2); printf "%s\t%s\t%s\t%s\t%s\n", r, s, $2, $3 + 0, $6 + 0 }' \
      "$work/$round-$side.txt"
  done
done >"$work/rows.tsv"

printf '%-58s %-6s %-28s %-8s %-8s %s\n' row metric 'after/before per round' mean noise verdict
awk -F'\t' '
  { key[$3] = 1; v[$3, $1, $2, "ops"] = $4; v[$3, $1, $2, "p99"] = $5; if ($1 > n) n = $1 }
  function noise(k, m,   i, j, side, d, worst) {
    worst = 0
    for (side = 0; side < 2; side++)
      for (i = 1; i <= n; i++) for (j = 1; j <= n; j++) {
        s = side ? "after" : "before"
        if (i != j && v[k, j, s, m] > 0) {
          d = v[k, i, s, m] / v[k, j, s, m] - 1; if (d < 0) d = -d; if (d > worst) worst = d
        }
      }
    return worst
  }
  END {
    for (k in key) for (mi = 0; mi < 2; mi++) {
      m = mi ? "p99" : "ops"; list = ""; sum = 0; cnt = 0
      for (i = 1; i <= n; i++) if (v[k, i, "before", m] > 0) {
        q = v[k, i, "after", m] / v[k, i, "before", m]; list = list sprintf("%.2f ", q); sum += q; cnt++
      }
      if (cnt == 0) continue
      mean = sum / cnt; z = noise(k, m); d = mean - 1; if (d < 0) d = -d
      printf "%-58s %-6s %-28s %-8.2f %-8.2f %s\n", k, m, list, mean, z, (d > z ? "beyond noise" : "within noise")
    }
  }' "$work/rows.tsv" | sort
