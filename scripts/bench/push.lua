-- wrk script: PUT a 20-series text body to 100 rotating groups (Pushgateway API).
local counter = 0
local lines = {}
for i = 0, 19 do
  lines[#lines + 1] = string.format('bench_metric{series="s%d",stage="train"} %d', i, i)
end
local body = "# TYPE bench_metric gauge\n" .. table.concat(lines, "\n") .. "\n"
local headers = { ["Content-Type"] = "text/plain; version=0.0.4" }

function setup(thread)
  thread:set("offset", counter * 50)
  counter = counter + 1
end

local n = 0
request = function()
  n = n + 1
  local group = (n + (offset or 0)) % 100
  return wrk.format("PUT", "/metrics/job/bench/instance/i" .. group, headers, body)
end
