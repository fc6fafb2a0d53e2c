-- wrk script: posts prepared drafts in turn, each thread from its own
-- starting point. Each line of $LOAD_BODIES is "PATH<TAB>CONTENT-TYPE<TAB>BODY".
local requests = {}
for line in io.lines(os.getenv("LOAD_BODIES")) do
  local path, ctype, body = line:match("^([^\t]+)\t([^\t]+)\t(.*)$")
  if path then
    requests[#requests + 1] = wrk.format("POST", path, { ["Content-Type"] = ctype }, body)
  end
end
local i = 0

function setup(thread)
  thread:set("offset", math.random(#requests))
end

function init(args)
  i = tonumber(offset) or 0
end

function request()
  i = i % #requests + 1
  return requests[i]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "summary: %d requests in %.1f s, %.0f requests/s; latency p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format(
    "errors: connect %d, read %d, write %d, timeout %d, non-2xx %d\n",
    e.connect, e.read, e.write, e.timeout, e.status))
end
