-- wrk: POST a Hikvision heartbeat as the demo gate camera (`neibao serve --demo`).
--   wrk -t1 -c4 -d10s -s scripts/wrk/heartbeat.lua http://127.0.0.1:PORT
wrk.method = "POST"
wrk.path = "/ingest/hikvision/demo-gate-camera"
wrk.body = '{"channelID":1,"eventType":"heartBeat","eventState":"active"}'
wrk.headers["Content-Type"] = "application/json"
