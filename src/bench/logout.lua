-- Sign-outs: each request a POST /logout (with the CSRF cookie and field) of a session the benchmark signed in
-- beforehand, read from a file of Cookie header values, one a line; each session is logged out once. Thread i takes
-- lines i+1, i+1+T, i+1+2T, ... and stops when all of its logouts are answered; the last thread to finish interrupts
-- wrk (SIGINT), so that wrk's run time and requests per second are those of the logouts. A connection that asks for
-- a request after its thread's share has been sent (while another connection's last logout is in flight) sends the
-- last logout again, answered 303 with no session left to end: at most one per connection, counted by wrk.
-- Responses other than 303 are counted and printed as "unexpected: <n>" at the end.
--
--   wrk -s src/bench/logout.lua <url> -- <cookie file> <csrf token> <threads> <finish file>

local threads = 0
local all = {}

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
  all[#all + 1] = thread
end

local requests = {}
-- Globals, not locals: done() reads unexpected through thread:get.
sent, answered, unexpected, finished, verified = 0, 0, 0, false, false
local finish_file, thread_count

function init(args)
  local file, csrf = args[1], args[2]
  thread_count, finish_file = tonumber(args[3]), args[4]
  local headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
  local i = 0
  for line in io.lines(file) do
    if line ~= "" then
      if i % thread_count == id then
        headers["Cookie"] = line .. "; CSRF=" .. csrf
        requests[#requests + 1] = wrk.format("POST", "/logout", headers, "csrf=" .. csrf)
      end
      i = i + 1
    end
  end
  assert(#requests > 0, "thread " .. id .. " has no session to log out")
end

function request()
  -- wrk calls thread 0's request() once before the run, to count the requests the string holds (pipelining): that
  -- call must not use up a session.
  if id == 0 and not verified then
    verified = true
    return requests[1]
  end
  if sent < #requests then
    sent = sent + 1
  end
  return requests[sent]
end

local function finish()
  finished = true
  local out = io.open(finish_file, "a")
  out:write(id, "\n")
  out:close()
  local lines = 0
  for _ in io.lines(finish_file) do
    lines = lines + 1
  end
  if lines == thread_count then
    local pid = io.open("/proc/self/stat"):read("*n")
    -- Not os.execute: system() ignores SIGINT in the calling process while its child runs, so wrk would miss it.
    io.popen("kill -INT " .. pid):close()
  end
  wrk.thread:stop()
end

function response(status, headers, body)
  answered = answered + 1
  if status ~= 303 then
    unexpected = unexpected + 1
  end
  if answered >= #requests and not finished then
    finish()
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(all) do
    total = total + thread:get("unexpected")
  end
  io.write("unexpected: ", total, "\n")
end
