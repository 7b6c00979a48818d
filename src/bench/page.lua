-- The welcome page over many signed-in sessions: each request carries the cookies of a session picked at random
-- (uniformly, so that a near cache of C entries over N sessions can hit about C/N of the time) from the file that
-- the benchmark wrote beforehand, one Cookie header value per line.
--
--   wrk -s src/bench/page.lua <url> -- <cookie file>

local threads = 0

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

local requests = {}

function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" then
      requests[#requests + 1] = wrk.format("GET", "/", { Cookie = line })
    end
  end
  assert(#requests > 0, "no sessions in " .. args[1])
  math.randomseed(os.time() * 100 + id)
end

function request()
  return requests[math.random(#requests)]
end
