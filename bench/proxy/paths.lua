-- wrk script for bench/proxy/run.sh (WRK_SCRIPT=bench/proxy/paths.lua): each request asks for one of 1000 paths,
-- so a hash-by-path pool spreads its keys over every backend as real traffic would.
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, "/k" .. (n % 1000))
end
