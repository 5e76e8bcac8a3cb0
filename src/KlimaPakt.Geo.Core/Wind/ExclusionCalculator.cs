using KlimaPakt.Geo.Core.Grids;
using KlimaPakt.Geo.Raster;
using KlimaPakt.Geo.Raster.Kernels;
using NetTopologySuite.Geometries;

namespace KlimaPakt.Geo.Core.Wind;

/// <summary>Land eligibility on the grid, and what each rule removed.</summary>
/// <param name="Eligible">1 = eligible cell.</param>
/// <param name="Forced">1 = cell made eligible by a forced inclusion (or kept by one against the minimum area).</param>
/// <param name="Rules">Per-rule cell counts and output-grid masks.</param>
/// <param name="RegionCells">Cells of the region.</param>
/// <param name="ExcludedCells">Region cells excluded by at least one rule.</param>
/// <param name="ForcedCells">Cells eligible only thanks to a forced inclusion.</param>
/// <param name="BelowMinimumCells">Cells dropped with patches below the minimum area.</param>
public sealed record Eligibility(byte[] Eligible, byte[] Forced, IReadOnlyList<RuleCells> Rules, long RegionCells, long ExcludedCells,
    long ForcedCells, long BelowMinimumCells);

/// <summary>Cells one rule removes.</summary>
/// <param name="Rule">The rule.</param>
/// <param name="EffectiveBufferMeters">Buffer in metres.</param>
/// <param name="Features">Input features.</param>
/// <param name="Alone">Cells it excludes on its own.</param>
/// <param name="Unique">Cells only it excludes.</param>
/// <param name="Sequential">Cells it adds to the rules before it.</param>
/// <param name="CoarseHits">Per output-grid cell, how many of its region cells the rule excludes.</param>
public sealed record RuleCells(ExclusionRule Rule, double EffectiveBufferMeters, int Features, long Alone, long Unique, long Sequential, int[] CoarseHits);

/// <summary>
/// Step 1 of the wind pipeline (GLAES-style exclusion): start from the region's cells, exclude every cell within each
/// rule's buffer of its layer's features (features burnt with all-touched cells, buffers by the exact Euclidean
/// distance transform between cell centres, so memory stays at one byte mask and one float32 distance grid however
/// many rules), apply forced inclusions against optional rules, then drop 8-connected patches below the minimum area.
/// </summary>
public static class ExclusionCalculator
{
    /// <summary>Computes eligibility.</summary>
    /// <param name="grid">Analysis grid.</param>
    /// <param name="zones">Commune index + 1 per cell, 0 outside the region.</param>
    /// <param name="rules">Rules in the order applied.</param>
    /// <param name="layers">Features per layer.</param>
    /// <param name="slopeDegrees">Slope per cell (null without a DEM: the slope rule then removes nothing).</param>
    /// <param name="forcedInclusions">Forced-inclusion polygons.</param>
    /// <param name="tipHeightMeters">Turbine tip height, for tip-height buffers.</param>
    /// <param name="minimumAreaSquareMeters">Minimum patch area.</param>
    /// <param name="coarseFactor">Output-grid cells are coarseFactor × coarseFactor analysis cells.</param>
    /// <param name="ct">Cancellation between rules.</param>
    public static Eligibility Compute(GridSpec grid, int[] zones, IReadOnlyList<ExclusionRule> rules,
        IReadOnlyDictionary<string, IReadOnlyList<Geometry>> layers, float[]? slopeDegrees, IReadOnlyList<Geometry> forcedInclusions,
        double tipHeightMeters, double minimumAreaSquareMeters, int coarseFactor, CancellationToken ct = default)
    {
        int n = checked((int)grid.CellCount), width = grid.Width;
        var whole = CellWindow.Whole(width, grid.Height);
        var tally = new RuleTally(zones, new CoarseAggregation(grid, coarseFactor));
        var strict = new byte[n];
        var hit = new byte[n];
        var buffers = new FeatureBuffers(grid);
        var reports = new List<(ExclusionRule Rule, double Buffer, int Features)>();
        for (int r = 0; r < rules.Count; r++)
        {
            ct.ThrowIfCancellationRequested();
            var rule = rules[r];
            double buffer = rule.EffectiveBufferMeters(tipHeightMeters);
            int features = 0;
            CellWindow? window = null;
            if (rule.Layer == WindLayers.Slope)
            {
                if (slopeDegrees is not null)
                {
                    float max = (float)rule.MaxSlopeDegrees!.Value;
                    whole.ForEachRowBand((r0, r1) =>
                    {
                        for (int i = r0 * width, end = r1 * width; i < end; i++) hit[i] = slopeDegrees[i] > max ? (byte)1 : (byte)0;
                    });
                    window = whole;
                }
            }
            else
            {
                var geometries = layers.TryGetValue(rule.Layer, out var g) ? g.Where(rule.Selects).ToList() : [];
                features = geometries.Count;
                if (features > 0) window = buffers.Within(geometries, buffer, hit);
            }
            tally.Add(window is null ? null : hit, window ?? default);
            if (window is { } wdw && rule.Strict)
                wdw.ForEachRowBand((r0, r1) =>
                {
                    for (int row = r0; row < r1; row++)
                        for (int i = row * width + wdw.Column, end = i + wdw.Width; i < end; i++)
                            if (hit[i] != 0 && zones[i] != 0) strict[i] = 1;
                });
            reports.Add((rule, buffer, features));
        }
        buffers = null;
        var counts = tally.Finish();
        var count = tally.HitCounts;
        long regionCells = tally.RegionCells, excluded = tally.HitCells();

        // Eligible = region minus every exclusion; forced inclusions win over optional rules, never over strict ones.
        var eligible = hit; // reuse the scratch mask
        whole.ForEachRowBand((r0, r1) =>
        {
            var c = count.Span;
            for (int i = r0 * width, end = r1 * width; i < end; i++) eligible[i] = zones[i] != 0 && c[i] == 0 ? (byte)1 : (byte)0;
        });
        var forced = new byte[n];
        long forcedCells = 0;
        if (forcedInclusions.Count > 0)
        {
            foreach (var g in forcedInclusions) GeometryRasterizer.Burn(grid, g, forced.AsSpan(), (byte)1);
            for (int i = 0; i < n; i++)
            {
                if (forced[i] == 0) continue;
                if (zones[i] == 0 || strict[i] != 0) { forced[i] = 0; continue; }
                if (eligible[i] == 0) { eligible[i] = 1; forcedCells++; }
            }
        }

        long belowMinimum = 0;
        long minCells = (long)Math.Ceiling(minimumAreaSquareMeters / grid.CellAreaSquareUnits - 1e-9);
        if (minCells > 1)
        {
            var labels = GC.AllocateUninitializedArray<int>(n);
            RasterKernels.ConnectedComponents(eligible, grid.Width, grid.Height, Connectivity.Eight, minCells, labels);
            for (int i = 0; i < n; i++)
                if (eligible[i] != 0 && labels[i] == 0 && forced[i] == 0) { eligible[i] = 0; belowMinimum++; }
        }
        return new Eligibility(eligible, forced, [.. reports.Select((x, r) => new RuleCells(x.Rule, x.Buffer, x.Features, counts[r].Alone, counts[r].Unique,
            counts[r].Sequential, counts[r].CoarseHits))], regionCells, excluded, forcedCells, belowMinimum);
    }
}
