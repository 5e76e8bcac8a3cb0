using BenchmarkDotNet.Attributes;
using KlimaPakt.Geo.Core.Grids;
using KlimaPakt.Geo.Raster;
using NetTopologySuite.Geometries;

namespace KlimaPakt.Geo.Benchmarks.Raster.Kernels;

/// <summary>
/// Rasterising zone polygons with their ids (what per-commune statistics start from): 100 wobbly polygons of 3,000
/// vertices each — commune-like outlines — tiling the grid, centre rule; scanline with an active edge table, one band
/// of rows on one core vs bands on all cores. (Before the edge table every row tested every edge: 508 ms at 8192.)
/// </summary>
[MemoryDiagnoser]
public class RasterizeBenchmarks
{
    private GridSpec _grid = null!;
    private (Geometry, int)[] _zones = [];

    /// <summary>Grid side: 8192 and a ragged 3001.</summary>
    [Params(8192, 3001)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        const double Cell = 10;
        _grid = new GridSpec(2169, 0, Size * Cell, Cell, Cell, Size, Size);
        var factory = new GeometryFactory(new PrecisionModel(), 2169);
        var zones = new List<(Geometry, int)>();
        double step = Size * Cell / 10;
        for (int i = 0; i < 10; i++)
            for (int j = 0; j < 10; j++)
            {
                double cx = (i + 0.5) * step, cy = (j + 0.5) * step;
                var ring = new Coordinate[3001];
                for (int k = 0; k < 3000; k++)
                {
                    double a = 2 * Math.PI * k / 3000;
                    double radius = step * (0.55 + 0.08 * Math.Sin(7 * a + i) + 0.04 * Math.Sin(23 * a + j) + 0.02 * Math.Sin(97 * a));
                    ring[k] = new Coordinate(cx + radius * Math.Cos(a), cy + radius * Math.Sin(a));
                }
                ring[3000] = ring[0];
                zones.Add((factory.CreatePolygon(ring), i * 10 + j + 1));
            }
        _zones = [.. zones];
    }

    [Benchmark(Baseline = true)]
    public Raster<int> OneCore() => GeometryRasterizer.Rasterize(_grid, _zones, allCores: false);

    [Benchmark]
    public Raster<int> AllCores() => GeometryRasterizer.Rasterize(_grid, _zones);
}
