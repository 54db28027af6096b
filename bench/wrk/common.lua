-- Shared by the wrk scripts of scripts/bench.sh (loaded with dofile).
--
-- Environment:
--   BENCH_PACE_MS  if set, each connection waits this many ms (an integer: wrk's timer
--                  has 1 ms steps, plus about 0.6 ms of its own) after each answer
--                  before sending its next request: a fixed, lower load for latency
--                  at a given rate.
-- Prints one machine-readable line at the end:
--   BENCH requests=N duration_us=N rps=N p50_us=N p99_us=N errors=N non2xx=N used=N exhausted=0|1

local common = {}

local pace = tonumber(os.getenv("BENCH_PACE_MS") or "")
if pace then
  function delay()
    return pace
  end
end

-- Reads a token file (one "REFRESH ACCESS" line per session) into two arrays.
function common.read_tokens(path)
  local refresh, access = {}, {}
  for line in io.lines(path) do
    local r, a = line:match("^(%S+) (%S+)$")
    if r then
      refresh[#refresh + 1] = r
      access[#access + 1] = a
    end
  end
  return refresh, access
end

-- A request carrying both session cookies.
function common.with_cookies(method, path, refresh, access)
  return wrk.format(method, path, { ["Cookie"] = "refreshToken=" .. refresh .. "; accessToken=" .. access })
end

local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
end

function done(summary, latency, requests)
  local used, exhausted = 0, 0
  for _, thread in ipairs(threads) do
    used = used + (thread:get("used") or 0)
    if thread:get("exhausted") then
      exhausted = 1
    end
  end
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d rps=%.0f p50_us=%d p99_us=%d errors=%d non2xx=%d used=%d exhausted=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status, used, exhausted))
end

return common
