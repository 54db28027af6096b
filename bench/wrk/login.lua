-- Workload of scripts/bench-hostile.sh: POST /auth/login of the bench user, over and over
-- (each one an Argon2id hash at the server's real cost). Answers 503 (the password queue
-- is full) count as non2xx: they are the bound doing its job.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")

local body = string.format('{"email":"%s","password":"%s"}',
  os.getenv("BENCH_EMAIL"), os.getenv("BENCH_PASSWORD"))

function request()
  return wrk.format("POST", "/auth/login", { ["Content-Type"] = "application/json" }, body)
end
