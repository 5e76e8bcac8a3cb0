-- Cycles through tiles.txt (layers z x y [run id]); a run id pins the tile to that run (?run=). With COLD=1 every
-- request carries a new ?v= (a whitelisted cache key): an uncached tile, and the run stops at the first whole pass
-- over the list after MIN_S seconds (so every tile counts equally however slow the tiles are; wrk's -d caps it) and
-- touches $DONE.
local paths = {}
for line in io.lines(os.getenv("TILES") or "tiles.txt") do
  local layer, z, x, y, run = line:match("^(%S+) (%d+) (%d+) (%d+) ?(%S*)")
  if layer then
    local path = string.format("/tiles/%s/%s/%s/%s", layer, z, x, y)
    if run ~= "" then path = path .. "?run=" .. run end
    paths[#paths + 1] = path
  end
end
local cold = os.getenv("COLD") == "1"
local i, n = 0, 0
function setup(thread) thread:set("id", tostring(math.random(1, 1e9))) end
request = function()
  i = i % #paths + 1
  n = n + 1
  local path = paths[i]
  if cold then path = path .. (path:find("?", 1, true) and "&" or "?") .. "v=" .. id .. "-" .. n end
  return wrk.format("GET", path, { ["Accept-Encoding"] = "identity" })
end
if cold then
  local min_s, start, got = tonumber(os.getenv("MIN_S") or "0"), nil, 0
  response = function()
    start = start or os.time()
    got = got + 1
    if got % #paths == 0 and os.time() - start >= min_s then
      wrk.thread:stop()
      local done = os.getenv("DONE") -- run.sh then interrupts wrk, which otherwise sleeps for all of -d
      if done then io.open(done, "w"):close() end
    end
  end
end
