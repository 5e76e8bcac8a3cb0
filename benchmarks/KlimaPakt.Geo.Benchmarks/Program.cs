using BenchmarkDotNet.Running;
using KlimaPakt.Geo.Benchmarks.Raster;

// `dotnet run -c Release -- --filter '*Overlay*'` runs BenchmarkDotNet suites; `overlay-mem --data DIR` is the in-memory
// side-by-side probe used by benchmarks/peers/run_side_by_side.sh (same protocol as the numpy peer's --mode mem).
if (args.Length > 0 && args[0] == "overlay-mem")
    return OverlayMemoryProbe.Run(args[1..]);
if (args.Length > 0 && args[0] == "circuit-probe")
    return KlimaPakt.Geo.Benchmarks.Raster.Circuits.CircuitSolverBenchmarks.Probe(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(OverlayMemoryProbe).Assembly).Run(args);
return 0;
