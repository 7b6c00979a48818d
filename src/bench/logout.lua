-- Sign-outs: each request a POST /logout (with the CSRF cookie and field) of a session the benchmark signed in
-- beforehand, read from a file of Cookie header values, one a line; each session is logged out once. Thread i takes
-- lines i+1, i+1+T, i+1+2T, ... and stops when all of its logouts are answered (303 to /login).
--
-- A connection that asks for a request after its thread's share has been sent, while another connection's last logout
-- is in flight, sends GET /logout without cookies (303 to /, no session looked up), which does not count as a logout.
-- Each thread appends "<thread> <first request> <last logout answered>" (epoch nanoseconds) to the finish file, and
-- the last thread to finish interrupts wrk (SIGINT), so that the benchmark can take the logouts' own rate: wrk's
-- request count and rate include the GETs and the time of the stop. Responses other than these two are counted and
-- printed as "unexpected: <n>" at the end.
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
local spare, finish_file, thread_count, started
-- Globals, not locals: done() reads unexpected through thread:get.
sent, ended, unexpected, finished, verified = 0, 0, 0, false, false

local function now()
  local date = io.popen("date +%s%N")
  local ns = date:read("*l")
  date:close()
  return ns
end

function init(args)
  local file, csrf = args[1], args[2]
  thread_count, finish_file = tonumber(args[3]), args[4]
  spare = wrk.format("GET", "/logout")
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
    return spare
  end
  if not started then
    started = now()
  end
  if sent < #requests then
    sent = sent + 1
    return requests[sent]
  end
  return spare
end

local function finish()
  finished = true
  local out = io.open(finish_file, "a")
  out:write(id, " ", started, " ", now(), "\n")
  out:close()
  local lines = 0
  for _ in io.lines(finish_file) do
    lines = lines + 1
  end
  if lines == thread_count then
    local stat = io.open("/proc/self/stat")
    local pid = stat:read("*n")
    stat:close()
    -- Not os.execute: system() ignores SIGINT in the calling process while its child runs, so wrk would miss it.
    io.popen("kill -INT " .. pid):close()
  end
  wrk.thread:stop()
end

function response(status, headers, body)
  local location = headers["Location"] or ""
  if status == 303 and location:sub(-6) == "/login" then
    ended = ended + 1
  elseif not (status == 303 and location:sub(-1) == "/") then
    unexpected = unexpected + 1
  end
  if ended + unexpected >= #requests and not finished then
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
