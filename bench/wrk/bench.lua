-- wrk script for the Familieliv load benchmark (driven by bench/run.py).
--
-- GET mode (BENCH_MODE unset or "get"): wrk sends its one prebuilt request; this script
-- only counts status codes and keeps the first error body.
--
-- POST mode (BENCH_MODE=post): every request is a booking with a unique e-mail, to a
-- session picked at random from BENCH_TARGETS (lines "session_id birth_month birth_year"),
-- with the CSRF cookie and the same value as csrfmiddlewaretoken (BENCH_CSRF).
--
-- done() prints one line "BENCHJSON {...}" (latencies in microseconds) and writes the first
-- non-2xx/3xx response body to BENCH_SAMPLE_FILE, so bad input is visible.

local mode = os.getenv("BENCH_MODE") or "get"
local threads = {}
local thread_count = 0

function setup(thread)
   thread_count = thread_count + 1
   thread:set("thread_no", thread_count)
   table.insert(threads, thread)
end

function init(args)
   statuses = {}
   sample = ""
   sample_status = 0
   if mode == "post" then
      local tag = os.getenv("BENCH_TAG") or tostring(os.time())
      local csrf = os.getenv("BENCH_CSRF")
      targets = {}
      for line in io.lines(os.getenv("BENCH_TARGETS")) do
         local id, month, year = line:match("^(%d+)%s+(%d+)%s+(%d+)")
         if id then
            table.insert(targets, { path = "/sessions/" .. id .. "/", month = month, year = year })
         end
      end
      math.randomseed(thread_no * 7919 + os.time())
      prefix = "name=Bench+Parent&phone=&adults=1&accept_privacy=on"
         .. "&children-TOTAL_FORMS=1&children-INITIAL_FORMS=0"
         .. "&children-MIN_NUM_FORMS=1&children-MAX_NUM_FORMS=6"
         .. "&children-0-first_name=Alma"
         .. "&csrfmiddlewaretoken=" .. csrf
         .. "&email=b-" .. tag .. "-t" .. thread_no .. "-"
      post_headers = {
         ["Content-Type"] = "application/x-www-form-urlencoded",
         ["Cookie"] = "csrftoken=" .. csrf,
      }
      sent = 0
   end
end

if mode == "post" then
   function request()
      sent = sent + 1
      local t = targets[math.random(#targets)]
      local body = prefix .. sent .. "%40bench.example.org"
         .. "&children-0-birth_month=" .. t.month
         .. "&children-0-birth_year=" .. t.year
      return wrk.format("POST", t.path, post_headers, body)
   end
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
   if (status < 200 or status > 399) and sample == "" then
      sample = body or ""
      sample_status = status
   end
end

function done(summary, latency, requests)
   local codes = {}
   local sample_body, sample_code = "", 0
   for _, thread in ipairs(threads) do
      for code, n in pairs(thread:get("statuses") or {}) do
         codes[code] = (codes[code] or 0) + n
      end
      local body = thread:get("sample")
      if sample_body == "" and body and body ~= "" then
         sample_body = body
         sample_code = thread:get("sample_status")
      end
   end
   local sample_file = os.getenv("BENCH_SAMPLE_FILE")
   if sample_file and sample_body ~= "" then
      local f = io.open(sample_file, "w")
      f:write(sample_body)
      f:close()
   end
   local parts = {}
   for code, n in pairs(codes) do
      table.insert(parts, string.format('"%d": %d', code, n))
   end
   local e = summary.errors
   io.write(string.format(
      'BENCHJSON {"requests": %d, "duration_us": %d, "bytes": %d, '
         .. '"p50": %d, "p90": %d, "p95": %d, "p99": %d, "mean": %.1f, "max": %d, '
         .. '"connect_errors": %d, "read_errors": %d, "write_errors": %d, '
         .. '"timeouts": %d, "status_errors": %d, "sample_status": %d, "codes": {%s}}\n',
      summary.requests, summary.duration, summary.bytes,
      latency:percentile(50), latency:percentile(90), latency:percentile(95),
      latency:percentile(99), latency.mean, latency.max,
      e.connect, e.read, e.write, e.timeout, e.status, sample_code,
      table.concat(parts, ", ")))
end
