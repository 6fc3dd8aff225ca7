-- wrk script: POST the pre-signed webhook bodies of $BODIES ("signature<TAB>json" per line),
-- each once, shared out between wrk's threads. Reports non-200 answers, and whether the bodies
-- ran out before the run ended (then the figure is too low: give more events). With $DELAY_MS,
-- each connection waits that long between requests: a steady load instead of a burst.
local lines = {}
for line in io.lines(os.getenv("BODIES")) do lines[#lines + 1] = line end
local threads, started = {}, 0

function setup(thread)
  started = started + 1
  thread:set("first", started)
  table.insert(threads, thread)
end

function init(args)
  local step = tonumber(os.getenv("WRK_THREADS"))
  requests, sent, bad, exhausted = {}, 0, 0, 0
  for i = first, #lines, step do
    local tab = lines[i]:find("\t")
    requests[#requests + 1] = wrk.format("POST", nil, {
      ["Content-Type"] = "application/json",
      ["Stripe-Signature"] = lines[i]:sub(1, tab - 1),
    }, lines[i]:sub(tab + 1))
  end
end

function request()
  sent = sent + 1
  if sent > #requests then
    exhausted = 1
    return requests[#requests]  -- a redelivery: cheap, and counted as exhausted
  end
  return requests[sent]
end

local pause = tonumber(os.getenv("DELAY_MS") or "")
if pause then
  function delay() return pause end
end

function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end

function done(summary, latency, requests)
  local bad_total, exhausted_total = 0, 0
  for _, thread in ipairs(threads) do
    bad_total = bad_total + thread:get("bad")
    exhausted_total = exhausted_total + thread:get("exhausted")
  end
  io.write(string.format("not-200: %d\nexhausted: %d\n", bad_total, exhausted_total))
end
