-- Workload (a): POST /auth/logout with a refresh and an access token no store knows.
-- A static request: wrk sends the same bytes every time, at its own full speed.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")

wrk.method = "POST"
wrk.path = "/auth/logout"
wrk.headers["Cookie"] = "refreshToken=bench-unknown-refresh-token-000000000000000000; "
  .. "accessToken=bench-unknown-access-token-0000000000000000000"
