-- wrk script: report an incident over JSON (bearer token in the headers).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local n = 0
request = function()
  n = n + 1
  local body = '{"title":"Bench report ' .. n .. '","category":"phishing",' ..
    '"description":"Mail asking for my password, benchmark run","data_types":["credentials"]}'
  return wrk.format(nil, nil, nil, body)
end
