-- wrk script: print the figures bench/pages.py reads, one "key value" a line.
done = function(summary, latency, requests)
  io.write(string.format("p50_ms %.1f\n", latency:percentile(50) / 1000))
  io.write(string.format("p95_ms %.1f\n", latency:percentile(95) / 1000))
  io.write(string.format("requests %d\n", summary.requests))
  io.write(string.format("non2xx %d\n", summary.errors.status))
  io.write(string.format("errors %d\n", summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
