-- wrk script: GET a random incident's page (ids 1..100000).
math.randomseed(42)
request = function()
  return wrk.format("GET", "/incidents/" .. math.random(1, 100000))
end
