using BenchmarkDotNet.Attributes;
using KlimaPakt.Geo.Core.Geothermal;
using KlimaPakt.Geo.Raster.Kernels;

namespace KlimaPakt.Geo.Benchmarks.Raster.Kernels;

/// <summary>
/// G.POT per cell (Casasso &amp; Sethi 2016) from a conductivity and a ground-temperature raster, r.green.gshp's
/// defaults for every scalar: energy (MWh/yr, the cadastre's output) on each path, and power (W) on all cores.
/// One log per cell; 12 bytes of traffic per cell (two float32 inputs, one float32 output).
/// </summary>
[MemoryDiagnoser]
public class GPotBenchmarks
{
    private float[] _conductivity = [];
    private float[] _groundTemperature = [];
    private float[] _output = [];
    private GPotConstants _constants;

    /// <summary>Grid side: 8192² (67 M cells, the peers' size) and a ragged 3001².</summary>
    [Params(8192, 3001)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        long n = (long)Size * Size;
        var rng = new Random(20261202);
        _conductivity = new float[n];
        _groundTemperature = new float[n];
        // λ 0.5–4.0 W/m/K (dry sediment to crystalline rock), T0 8–13 °C (Luxembourg's range of mean ground temperature).
        for (long i = 0; i < n; i++)
        {
            _conductivity[i] = 0.5f + 3.5f * rng.NextSingle();
            _groundTemperature[i] = 8f + 5f * rng.NextSingle();
        }
        _output = new float[n];
        _constants = new GPotParameters().ToKernelConstants();
    }

    [Benchmark(Baseline = true)]
    public void EnergyScalar() => RasterKernels.GPotEnergy(_conductivity, _groundTemperature, _output, _constants, KernelPath.Scalar, allCores: false);

    [Benchmark]
    public void EnergyVector256() => RasterKernels.GPotEnergy(_conductivity, _groundTemperature, _output, _constants, KernelPath.Vector256, allCores: false);

    [Benchmark]
    public void EnergyVector256AllCores() => RasterKernels.GPotEnergy(_conductivity, _groundTemperature, _output, _constants, KernelPath.Vector256);

    [Benchmark]
    public void EnergySimd() => RasterKernels.GPotEnergy(_conductivity, _groundTemperature, _output, _constants, KernelPath.Best, allCores: false);

    [Benchmark]
    public void EnergySimdAllCores() => RasterKernels.GPotEnergy(_conductivity, _groundTemperature, _output, _constants);

    [Benchmark]
    public void PowerSimdAllCores() => RasterKernels.GPotPower(_conductivity, _groundTemperature, _output, _constants);
}
