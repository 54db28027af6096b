-- Workload (c): 90 % GET /auth/validate-session with one of the first 100 sessions of
-- BENCH_TOKENS (live sessions that are never logged out: each answer is a 200 with the
-- user), 10 % POST /auth/logout revoking the next session of the rest of the file.
-- Same exhaustion and BENCH_WRAP rules as logout-live.lua.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")

local POOL = 100
local validates, logouts, wrap
local sent = 0
used = 0
exhausted = false

function init(args)
  local refresh, access = common.read_tokens(os.getenv("BENCH_TOKENS"))
  validates, logouts = {}, {}
  for i = 1, #refresh do
    if i <= POOL then
      validates[i] = common.with_cookies("GET", "/auth/validate-session", refresh[i], access[i])
    else
      logouts[#logouts + 1] = common.with_cookies("POST", "/auth/logout", refresh[i], access[i])
    end
  end
  wrap = os.getenv("BENCH_WRAP") == "1"
end

function request()
  sent = sent + 1
  if sent % 10 ~= 0 then
    return validates[sent % #validates + 1]
  end
  if used >= #logouts then
    if wrap then
      used = 0
    elseif not exhausted then
      exhausted = true
      wrk.thread:stop()
    end
  end
  used = used + 1
  return logouts[(used - 1) % #logouts + 1]
end
