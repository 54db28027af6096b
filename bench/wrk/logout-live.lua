-- Workload (b): POST /auth/logout, each request revoking the next live session of the
-- token file BENCH_TOKENS ("REFRESH ACCESS" lines), both cookies. Requests are built
-- before the run. One thread only (wrk -t1): the file is used in order, so lines 2 to
-- `used` are the revoked sessions (wrk calls request() once before the run to check it:
-- line 1 is never sent), the last few of them possibly in flight when the run ended. When the file runs out the thread stops and
-- the result says exhausted=1; with BENCH_WRAP=1 it starts over instead (for the
-- baseline, which looks at no token).
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")

local requests, wrap
used = 0
exhausted = false

function init(args)
  local refresh, access = common.read_tokens(os.getenv("BENCH_TOKENS"))
  requests = {}
  for i = 1, #refresh do
    requests[i] = common.with_cookies("POST", "/auth/logout", refresh[i], access[i])
  end
  wrap = os.getenv("BENCH_WRAP") == "1"
end

function request()
  if used >= #requests then
    if wrap then
      used = 0
    elseif not exhausted then
      exhausted = true
      wrk.thread:stop()
    end
  end
  used = used + 1
  return requests[(used - 1) % #requests + 1]
end
