-- wrk: POSTs one batch of NDJSON events (BATCH_FILE) to the native door
-- with the source's token (SOURCE_TOKEN) on every request.
local f = assert(io.open(os.getenv("BATCH_FILE"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/x-ndjson"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("SOURCE_TOKEN")
