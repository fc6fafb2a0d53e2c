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
