using BenchmarkDotNet.Running;
using KlimaPakt.Geo.Benchmarks.Raster;

// `dotnet run -c Release -- --filter '*Overlay*'` runs BenchmarkDotNet suites; `overlay-mem --data DIR` is the in-memory
// side-by-side probe used by benchmarks/peers/run_side_by_side.sh (same protocol as the numpy peer's --mode mem);
// `gpot-mem --data DIR` is the same for G.POT (benchmarks/peers/gpot_side_by_side.sh, peer gpot_numpy.py).
if (args.Length > 0 && args[0] == "overlay-mem")
    return OverlayMemoryProbe.Run(args[1..]);
if (args.Length > 0 && args[0] == "gpot-mem")
    return GPotMemoryProbe.Run(args[1..]);
// `corridors-cost COST.tif PATCHES.tif MAX_COST OUT` is the corridors stage's probe for benchmarks/peers/corridors_side_by_side.sh.
if (args.Length > 0 && args[0] == "corridors-cost")
    return KlimaPakt.Geo.Benchmarks.Corridors.PatchCostProbe.Run(args[1..]);
if (args.Length > 0 && args[0] == "circuit-probe")
    return KlimaPakt.Geo.Benchmarks.Raster.Circuits.CircuitSolverBenchmarks.Probe(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(OverlayMemoryProbe).Assembly).Run(args);
return 0;
