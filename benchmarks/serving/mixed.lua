-- Mixed load: each request picks a random path of mixed.txt (tiles of input and result layers, feature pages, the
-- catalogue). A share COLD_SHARE of them (default 0.1) is made new, an uncached answer: a tile gets a fresh ?v= (a
-- whitelisted cache key); a feature page, which takes no unknown parameter, another limit (50-99 of its features
-- instead of 100). The rest are what a map's users repeat and the output cache answers.
-- Answers are counted by status per thread (each thread has its own Lua state) and summed in done().
local paths = {}
for line in io.lines(os.getenv("PATHS") or "mixed.txt") do
  if line ~= "" then paths[#paths + 1] = line end
end
local cold_share = tonumber(os.getenv("COLD_SHARE") or "0.1")
local threads = {}
local n = 0
s2xx, s429, s4xx, s503, s5xx = 0, 0, 0, 0, 0

function setup(thread)
  thread:set("id", tostring(math.random(1, 1e9)))
  threads[#threads + 1] = thread
end

function init(args) math.randomseed(tonumber(id) or 1) end

request = function()
  n = n + 1
  local path = paths[math.random(1, #paths)]
  if math.random() < cold_share then
    if path:sub(1, 7) == "/tiles/" then path = path .. "?v=" .. id .. "-" .. n
    elseif path:sub(1, 13) == "/collections/" then path = path:gsub("limit=100", "limit=" .. math.random(50, 99)) end
  end
  return wrk.format("GET", path, { ["Accept-Encoding"] = "gzip, br" })
end

response = function(status)
  if status < 300 then s2xx = s2xx + 1 elseif status == 429 then s429 = s429 + 1 elseif status < 500 then s4xx = s4xx + 1
  elseif status == 503 then s503 = s503 + 1 else s5xx = s5xx + 1 end
end

function done(summary, latency, requests)
  local t = { s2xx = 0, s429 = 0, s4xx = 0, s503 = 0, s5xx = 0 }
  for _, thread in ipairs(threads) do for k in pairs(t) do t[k] = t[k] + thread:get(k) end end
  io.write(string.format("STATUS 2xx=%d 429=%d other4xx=%d 503=%d other5xx=%d\n", t.s2xx, t.s429, t.s4xx, t.s503, t.s5xx))
end
