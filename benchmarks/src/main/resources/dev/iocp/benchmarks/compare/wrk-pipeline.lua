-- HTTP pipelining for wrk: every write wrk makes on a connection is a batch of DEPTH GET requests
-- (the script's first argument, default 16), and wrk counts each response of the batch. Used by
-- dev.iocp.benchmarks.compare (scripts/compare.sh): wrk -s wrk-pipeline.lua URL -- 16
local batch

function init(args)
  local depth = tonumber(args[1] or "16")
  local requests = {}
  for i = 1, depth do
    requests[i] = wrk.format("GET", "/")
  end
  batch = table.concat(requests)
end

function request()
  return batch
end
