-- wrk: POST a Hikvision heartbeat with a different made-up ingest token each time (issue 21).
--   wrk -t2 -c32 -d10s -s scripts/wrk/unknown-token.lua http://127.0.0.1:PORT
local n = 0
local body = '{"channelID":1,"eventType":"heartBeat","eventState":"active"}'
local headers = { ["Content-Type"] = "application/json" }
request = function()
  n = n + 1
  return wrk.format("POST", "/ingest/hikvision/made-up-token-" .. n, headers, body)
end
