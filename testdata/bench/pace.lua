-- Paces each wrk connection to one request every 10 ms: with -c 10 that is ~1,000 requests/s,
-- the rate the /status target is stated at (Debian's wrk has no --rate flag).
function delay()
  return 10
end
