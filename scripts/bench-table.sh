# shellcheck shell=bash
# The results table of scripts/bench.sh, rendered from a raw results file: sourced by it,
# never run (scripts/bench.sh --table FILE renders a kept file again).

# Renders the table of a raw results file. Arg: the file.
print_table() {
  local raw=$1
  sed -n 's/^# //p' "$raw" | head -2
  echo "CPU % of 1 core: the subject's own CPU time over the run (below ~95 %: something else had its CPU,"
  echo "and req/s understates it; req per CPU-s then still compares the subjects' cost per request)."
  echo
  local reps
  reps=$(awk -F'\t' '$1 ~ /^[0-9]+$/ && $1 > m { m = $1 } END { print m + 0 }' "$raw")
  awk -F'\t' -v reps="$reps" '
    function get(s, k,   m) { if (match(s, k "=[0-9.]+")) return substr(s, RSTART + length(k) + 1, RLENGTH - length(k) - 1); return "" }
    function sort3(a, n,   i, j, t) { for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t } }
    function mmm(a, n, fmt) { sort3(a, n); return sprintf(fmt "/" fmt "/" fmt, a[1], a[int((n + 1) / 2)], a[n]) }
    NR > 1 && $1 ~ /^[0-9]+$/ {
      key = $2 SUBSEP $3; rps[key, $1] = get($4, "rps"); p50[key, $1] = get($4, "p50_us"); p99[key, $1] = get($4, "p99_us")
      non2xx[key] += get($4, "non2xx"); errs[key] += get($4, "errors"); cpu[key, $1] = get($5, "cpu")
    }
    NR > 1 && $1 == "half" { half[$3] = $4; halfcpu[$3] = get($5, "cpu"); halfconns[$3] = get($5, "conns") }
    END {
      split("a-unknown b-live c-mix", W, " "); ns = split("baseline memory redis cluster", S, " ")
      printf "%-8s %-9s %-22s %-15s %-17s %-17s %-16s %-18s %-17s %s\n", "subject", "workload", "req/s min/med/max", "x base", "p50 ms", "p99 ms", "CPU % of 1 core", "req per CPU-s, med", "x base per CPU-s", "non-2xx/errors"
      for (s = 1; s <= ns; s++) for (w = 1; w <= 3; w++) {
        key = S[s] SUBSEP W[w]; n = 0
        if (!((key, 1) in rps)) continue
        for (r = 1; r <= reps; r++) { n++; R[n] = rps[key, r] + 0; P5[n] = p50[key, r] / 1000; P9[n] = p99[key, r] / 1000; C[n] = cpu[key, r] + 0
          base = S[1] SUBSEP W[w]
          if (S[s] == "memory") PK[n] = rps[key, r] + 0
          X[n] = rps[base, r] > 0 ? rps[key, r] / rps[base, r] : 0
          E[n] = cpu[key, r] > 0 ? rps[key, r] * 100 / cpu[key, r] : 0
          XE[n] = (cpu[key, r] > 0 && rps[base, r] > 0 && cpu[base, r] > 0) ? (rps[key, r] / cpu[key, r]) / (rps[base, r] / cpu[base, r]) : 0 }
        sort3(E, n)
        if (S[s] == "memory") { sort3(PK, n); mpeak[W[w]] = PK[int((n + 1) / 2)] }
        printf "%-8s %-9s %-22s %-15s %-17s %-17s %-16s %-18d %-17s %d/%d\n", S[s], W[w], mmm(R, n, "%d"),
          (s == 1 ? "1" : mmm(X, n, "%.2f")), mmm(P5, n, "%.2f"), mmm(P9, n, "%.2f"), mmm(C, n, "%.0f"), E[int((n + 1) / 2)],
          (s == 1 ? "1" : mmm(XE, n, "%.2f")), non2xx[key], errs[key]
        if (S[s] == "redis" || S[s] == "cluster") {
          for (r = 1; r <= reps; r++) { Y[r] = rps[key, r] / rps[S[2] SUBSEP W[w], r]; YE[r] = (rps[key, r] / cpu[key, r]) / (rps[S[2] SUBSEP W[w], r] / cpu[S[2] SUBSEP W[w], r]) }
          ratio[S[s], W[w]] = mmm(Y, reps, "%.2f") "   per CPU-s " mmm(YE, reps, "%.2f")
        }
      }
      print ""
      print "Redis-backed / in-memory (min/median/max; per CPU-s counts redis-server too), goal >= 0.5:"
      for (w = 1; w <= 3; w++) printf "  %-10s %s\n", W[w], ratio["redis", W[w]]
      if (("cluster", W[1]) in ratio) {
        print "Redis Cluster (3 primaries + 3 replicas, all on the server CPU) / in-memory (per CPU-s counts all six nodes):"
        for (w = 1; w <= 3; w++) printf "  %-10s %s\n", W[w], ratio["cluster", W[w]]
      }
      print ""
      print "In-memory server at about half of its median peak rate (paced connections), goal p99 <= 2 ms:"
      for (w = 1; w <= 3; w++) if (W[w] in half) printf "  %-10s %6d req/s (%.0f %% of peak)  p50 %.2f ms  p99 %.2f ms  (%s connections, server CPU %s %%)\n", W[w], get(half[W[w]], "rps"), (mpeak[W[w]] > 0 ? get(half[W[w]], "rps") * 100 / mpeak[W[w]] : 0), get(half[W[w]], "p50_us") / 1000, get(half[W[w]], "p99_us") / 1000, halfconns[W[w]], halfcpu[W[w]]
    }' "$raw"
  awk -F'\t' '
    function get(s, k) { if (match(s, k "=[0-9.,]+")) return substr(s, RSTART + length(k) + 1, RLENGTH - length(k) - 1); return "" }
    $1 == "rss" { b = get($4, "before_kib"); a = get($4, "after_kib"); h = get($4, "peak_kib")
      printf "\nMemory, in-memory server with 1,000,000 live sessions (goal <= 150 MB): RSS %.1f MB (%.1f MB before minting; peak %.1f MB), %.0f bytes per session\n",
        a / 1024, b / 1024, h / 1024, (a - b) * 1024 / 1e6 }
    $1 == "suite" { n = split(get($4, "seconds"), v, ","); for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j-1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j-1]; v[j-1] = t }
      printf "Conformance suite against its embedded server, %d runs (goal < 0.1 s): wall %.3f / %.3f / %.3f s (min / median / max)\n", n, v[1], v[int((n + 1) / 2)], v[n] }' "$raw"
}
