-- Each wrk thread takes its own share of the pre-signed requests, so every request has
-- a distinct MessageSid and member (no duplicate is answered from the dedupe path).
local threads, counter = 0, 0
local requests, index = {}, 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  threads = counter
end

function init(args)
  local nthreads = tonumber(args[2])
  local n = 0
  for line in io.lines(args[1]) do
    if n % nthreads == id then
      local sig, body = line:match("^(%S+) (.*)$")
      requests[#requests + 1] = wrk.format("POST", "/twilio/sms",
        {["Content-Type"] = "application/x-www-form-urlencoded", ["X-Twilio-Signature"] = sig}, body)
    end
    n = n + 1
  end
end

function request()
  index = index % #requests + 1
  return requests[index]
end
