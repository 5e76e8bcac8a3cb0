using System.Diagnostics;
using System.Globalization;
using KlimaPakt.Geo.Core.Corridors;
using KlimaPakt.Geo.Raster.Gdal;

namespace KlimaPakt.Geo.Benchmarks.Corridors;

/// <summary>
/// `corridors-cost COST.tif PATCHES.tif MAX_COST OUT_DIR`: the corridors analysis's cost-distance-from-every-patch stage
/// (<see cref="PatchCostDistance"/>: windowed, truncated, patches in parallel on all cores) on GeoTIFF inputs, timed
/// after the inputs are in memory; then (untimed) each patch's surface written as OUT_DIR/p{id}.f32 (row-major float32,
/// NaN where not reached) for benchmarks/peers/corridors_side_by_side.sh to compare with GRASS r.cost.
/// </summary>
internal static class PatchCostProbe
{
    public static int Run(string[] args)
    {
        var cost = GeoTiff.ReadBand(args[0]);
        var patches = GeoTiff.ReadBand(args[1]);
        double maxCost = double.Parse(args[2], CultureInfo.InvariantCulture);
        string outDir = args[3];
        var grid = cost.Grid;
        var byPatch = new SortedDictionary<int, List<int>>();
        float minResistance = float.PositiveInfinity;
        for (int i = 0; i < cost.Cells.Length; i++)
        {
            float c = cost.Cells[i];
            if (c > 0 && c < minResistance) minResistance = c;
            float p = patches.Cells[i];
            if (!(p > 0)) continue;
            if (!byPatch.TryGetValue((int)p, out var list)) byPatch[(int)p] = list = [];
            list.Add(i);
        }
        var ids = byPatch.Keys.ToArray();
        var surfaces = new PatchSurface[ids.Length];
        var watch = Stopwatch.StartNew();
        Parallel.For(0, ids.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            k => surfaces[k] = PatchCostDistance.Search(grid, cost.Cells, byPatch[ids[k]].ToArray(), minResistance, maxCost));
        double seconds = watch.Elapsed.TotalSeconds;
        long reached = surfaces.Sum(s => s.Cost.LongCount(v => !float.IsNaN(v)));
        Console.WriteLine(FormattableString.Invariant($"kp_patch_cost\t{ids.Length}\t{seconds:F4}\t{reached}"));
        Directory.CreateDirectory(outDir);
        var full = new float[grid.CellCount];
        for (int k = 0; k < ids.Length; k++)
        {
            Array.Fill(full, float.NaN);
            var s = surfaces[k];
            for (int r = 0; r < s.Height; r++)
                s.Cost.AsSpan(r * s.Width, s.Width).CopyTo(full.AsSpan((s.Row0 + r) * grid.Width + s.Column0, s.Width));
            using var f = File.Create(Path.Combine(outDir, $"p{ids[k]}.f32"));
            f.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(full.AsSpan()));
        }
        return 0;
    }
}
