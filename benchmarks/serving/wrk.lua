-- Cycles through tiles.txt; with COLD=1 every request carries a new ?v= (a whitelisted cache key): an uncached tile.
local paths = {}
for line in io.lines(os.getenv("TILES") or "tiles.txt") do
  local layer, z, x, y = line:match("(%S+) (%d+) (%d+) (%d+)")
  if layer then paths[#paths + 1] = string.format("/tiles/%s/%s/%s/%s", layer, z, x, y) end
end
local cold = os.getenv("COLD") == "1"
local i, n = 0, 0
function setup(thread) thread:set("id", tostring(math.random(1, 1e9))) end
request = function()
  i = i % #paths + 1
  n = n + 1
  local path = paths[i]
  if cold then path = path .. "?v=" .. id .. "-" .. n end
  return wrk.format("GET", path, { ["Accept-Encoding"] = "identity" })
end
