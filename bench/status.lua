-- wrk script for bench/run: counts every response whose status is not 2xx (wrk's own
-- "Non-2xx or 3xx responses" line ignores 3xx, so a redirect to the login page would
-- pass unnoticed) and prints one machine-readable line for bench/run to parse.
--
-- The same script runs for every endpoint, so its small cost (wrk hands each response
-- to Lua) is the same for the baseline and the pages and the ratios stay fair.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
  statuses = {}
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local bad, codes = 0, {}
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non2xx")
    for code, n in pairs(thread:get("statuses")) do
      codes[code] = (codes[code] or 0) + n
    end
  end
  local list = {}
  for code, n in pairs(codes) do
    table.insert(list, code .. ":" .. n)
  end
  table.sort(list)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d rps=%.2f p50_us=%d p90_us=%d p95_us=%d p99_us=%d max_us=%d " ..
    "non2xx=%d codes=%s sock_connect=%d sock_read=%d sock_write=%d sock_timeout=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
    latency.max,
    bad, (#list > 0 and table.concat(list, ",") or "-"),
    e.connect, e.read, e.write, e.timeout))
end
