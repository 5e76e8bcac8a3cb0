using System.Collections.Concurrent;
using KlimaPakt.Geo.Raster;

namespace KlimaPakt.Geo.Core.Corridors;

/// <summary>A link between two patches: the least-cost path and its metrics.</summary>
/// <param name="From">Patch with the smaller id.</param>
/// <param name="To">Patch with the larger id.</param>
/// <param name="CostDistance">Cost-weighted distance LCD(From, To), in cost units: the accumulated cost from From at
/// the first cell of To its search reaches.</param>
/// <param name="PathLengthMeters">Length of the least-cost path, cell centre to cell centre, in metres.</param>
/// <param name="PathCells">Grid indices of the path, from a cell of From to a cell of To.</param>
public sealed record PatchLink(int From, int To, double CostDistance, double PathLengthMeters, IReadOnlyList<int> PathCells);

/// <summary>Links between patches and the least-cost corridor surface.</summary>
/// <param name="Links">Links ordered by (From, To).</param>
/// <param name="Corridor">Row-major normalised corridor value min over links of (cost_A + cost_B − LCD(A, B)), in cost
/// units, where it is at most the corridor width; NaN elsewhere.</param>
/// <param name="SearchedCells">Cells settled by the patches' searches, summed (the work done).</param>
/// <param name="RecomputedSearches">Searches run again in the corridor stage because the memory budget did not keep them.</param>
public sealed record CorridorNetwork(IReadOnlyList<PatchLink> Links, float[] Corridor, long SearchedCells, int RecomputedSearches);

/// <summary>Pinch points of a trame's links (<see cref="LeastCostCorridors.PinchPoints"/>).</summary>
/// <param name="CurrentAmps">Row-major current per cell in amperes, the maximum over links of each link's 1 A circuit; NaN
/// outside every link's circuit.</param>
/// <param name="LinkOf">Row-major: the link (index + 1 in the links' order) whose current the cell holds; 0 where none.</param>
/// <param name="EffectiveResistanceOhms">Per link (in the links' order): the voltage between its patches with 1 A flowing,
/// ohms; null where the link's corridor was larger than the cell cap (skipped).</param>
/// <param name="Skipped">Links skipped for their corridor's size.</param>
/// <param name="NotConverged">Links whose solve stopped at the iteration cap (their current is kept).</param>
/// <param name="Iterations">CG iterations over all links.</param>
/// <param name="SolvedCells">Corridor cells solved, summed over links.</param>
/// <param name="RecomputedSearches">Cost-distance searches run again (not kept within the memory budget).</param>
public sealed record PinchPointNetwork(float[] CurrentAmps, int[] LinkOf, IReadOnlyList<double?> EffectiveResistanceOhms, int Skipped, int NotConverged,
    long Iterations, long SolvedCells, int RecomputedSearches);

/// <summary>
/// Linkage Mapper's least-cost corridors on the raster core. (1) Cost-distance from every patch, truncated at the
/// maximum cost distance and windowed (<see cref="PatchCostDistance"/>), patches in parallel. (2) Links: patch B is
/// linked to patch A when A's search reaches B; LCD(A, B) is the cost at B's first cell and the least-cost path is
/// traced back along the back-links. A path that crosses a third patch is dropped (Linkage Mapper's "drop corridors
/// that intersect core areas": A–C and C–B carry that connection), so the links are the neighbours in cost space.
/// (3) Corridors: per link cost_A + cost_B − LCD (0 on the least-cost path), kept where at most the corridor width,
/// mosaicked as the minimum over links. A corridor cell must be reached by both patches' truncated searches.
/// </summary>
/// <remarks>
/// Memory: one window per worker while searching, plus the reached part of each patch's surface kept for the corridor
/// stage up to a budget (by default 1 GiB); surfaces beyond it are searched again when their links need them.
/// </remarks>
public static class LeastCostCorridors
{
    /// <summary>Links and corridors between the patches of <paramref name="patches"/>: <see cref="SearchPatches"/> then <see cref="Corridors"/>.</summary>
    /// <param name="grid">The grid.</param>
    /// <param name="resistance">Row-major resistance per metre (NaN = barrier or outside the study area).</param>
    /// <param name="patches">Row-major patch ids 1..<paramref name="patchCount"/>, 0 outside patches.</param>
    /// <param name="patchCount">Number of patches.</param>
    /// <param name="maximumCost">Truncation of each search, in cost units.</param>
    /// <param name="corridorWidth">Corridor width, in cost units.</param>
    /// <param name="cacheBytes">Memory budget for the surfaces kept between the two stages.</param>
    /// <param name="ct">Cancellation, checked between patches.</param>
    public static CorridorNetwork Compute(GridSpec grid, float[] resistance, int[] patches, int patchCount, double maximumCost, double corridorWidth,
        long cacheBytes = 1L << 30, CancellationToken ct = default) =>
        Corridors(SearchPatches(grid, resistance, patches, patchCount, maximumCost, cacheBytes, ct), corridorWidth, ct);

    /// <summary>Stage 1: the truncated cost-distance from every patch (in parallel) and the links it finds.</summary>
    /// <param name="grid">The grid.</param>
    /// <param name="resistance">Row-major resistance per metre (NaN = barrier or outside the study area).</param>
    /// <param name="patches">Row-major patch ids 1..<paramref name="patchCount"/>, 0 outside patches.</param>
    /// <param name="patchCount">Number of patches.</param>
    /// <param name="maximumCost">Truncation of each search, in cost units.</param>
    /// <param name="cacheBytes">Memory budget for the surfaces kept for <see cref="Corridors"/>.</param>
    /// <param name="ct">Cancellation, checked between patches.</param>
    public static PatchSearches SearchPatches(GridSpec grid, float[] resistance, int[] patches, int patchCount, double maximumCost,
        long cacheBytes = 1L << 30, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(resistance);
        ArgumentNullException.ThrowIfNull(patches);
        int n = checked((int)grid.CellCount);
        if (resistance.Length != n || patches.Length != n) throw new ArgumentException($"Resistance and patches need {n} cells.");
        var cells = new List<int>[patchCount + 1];
        for (int p = 1; p <= patchCount; p++) cells[p] = [];
        float minResistance = float.PositiveInfinity;
        for (int i = 0; i < n; i++)
        {
            float r = resistance[i];
            if (r > 0 && r < minResistance) minResistance = r;
            int p = patches[i];
            if (p == 0) continue;
            if ((uint)p > (uint)patchCount) throw new ArgumentException($"Patch id {p} is above the patch count {patchCount}.", nameof(patches));
            cells[p].Add(i);
        }
        var cache = new PatchSurface?[patchCount + 1];
        if (patchCount == 0 || float.IsPositiveInfinity(minResistance)) return new PatchSearches(grid, resistance, cells, minResistance, maximumCost, [], cache, 0);
        long cached = 0, searched = 0;
        var found = new ConcurrentBag<PatchLink>();
        var options = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct };
        // Largest patches first: they take longest, and a long one started last would leave the other cores idle.
        var order = Enumerable.Range(1, patchCount).OrderByDescending(p => cells[p].Count).ThenBy(p => p).ToArray();
        Parallel.ForEach(order, options, a =>
        {
            var s = PatchCostDistance.Search(grid, resistance, cells[a].ToArray(), minResistance, maximumCost, backLinks: true);
            long reached = 0;
            foreach (var links in LinksFrom(grid, patches, a, s, ref reached)) found.Add(links);
            Interlocked.Add(ref searched, reached);
            var kept = s with { BackLinks = null };
            if (Interlocked.Add(ref cached, kept.Bytes) <= cacheBytes) cache[a] = kept;
            else Interlocked.Add(ref cached, -kept.Bytes);
        });
        var linksOrdered = found.OrderBy(l => l.From).ThenBy(l => l.To).ToList();
        return new PatchSearches(grid, resistance, cells, minResistance, maximumCost, linksOrdered, cache, searched);
    }

    /// <summary>Stage 2: the least-cost corridors of every link, mosaicked as the minimum (links in parallel).</summary>
    /// <param name="searches">Stage 1's result.</param>
    /// <param name="corridorWidth">Corridor width, in cost units.</param>
    /// <param name="ct">Cancellation, checked between links.</param>
    public static CorridorNetwork Corridors(PatchSearches searches, double corridorWidth, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(searches);
        var grid = searches.Grid;
        int n = checked((int)grid.CellCount);
        var corridor = new float[n];
        Array.Fill(corridor, float.NaN);
        var linksOrdered = searches.Links;
        var options = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct };
        int recomputed = 0;
        var gate = new object();
        Parallel.ForEach(linksOrdered, options, () => (float[]?)null, (link, _, local) =>
        {
            var sa = searches.Surface(link.From, ref recomputed);
            var sb = searches.Surface(link.To, ref recomputed);
            local ??= NewMosaic(n);
            Accumulate(grid, sa, sb, link.CostDistance, corridorWidth, local);
            return local;
        }, local =>
        {
            if (local is null) return;
            lock (gate)
                for (int i = 0; i < n; i++)
                    if (local[i] < corridor[i] || (float.IsNaN(corridor[i]) && local[i] <= float.MaxValue)) corridor[i] = local[i];
        });
        return new CorridorNetwork(linksOrdered, corridor, searches.SearchedCells, recomputed);
    }

    /// <summary>Stage 1's result: the links, and the surfaces kept for stage 2 within the memory budget.</summary>
    public sealed class PatchSearches
    {
        internal PatchSearches(GridSpec grid, float[] resistance, List<int>[] cells, float minimumResistance, double maximumCost,
            IReadOnlyList<PatchLink> links, PatchSurface?[] cache, long searchedCells)
        {
            (Grid, Resistance, Cells, MinimumResistance, MaximumCost, Links, Cache, SearchedCells) =
                (grid, resistance, cells, minimumResistance, maximumCost, links, cache, searchedCells);
        }

        /// <summary>Links ordered by (From, To).</summary>
        public IReadOnlyList<PatchLink> Links { get; }

        /// <summary>Cells settled by the searches, summed.</summary>
        public long SearchedCells { get; }

        internal GridSpec Grid { get; }

        internal float[] Resistance { get; }

        internal List<int>[] Cells { get; }

        internal float MinimumResistance { get; }

        internal double MaximumCost { get; }

        internal PatchSurface?[] Cache { get; }

        /// <summary>Patch <paramref name="p"/>'s surface: kept, or searched again (counted in <paramref name="recomputed"/>).</summary>
        internal PatchSurface Surface(int p, ref int recomputed)
        {
            if (Cache[p] is { } s) return s;
            Interlocked.Increment(ref recomputed);
            return PatchCostDistance.Search(Grid, Resistance, Cells[p].ToArray(), MinimumResistance, MaximumCost);
        }
    }

    /// <summary>
    /// Linkage Mapper's Pinchpoint Mapper: per link, the circuit between its two patches on the resistance restricted to
    /// the link's own least-cost corridor (the cells with cost_A + cost_B − LCD ≤ the width that both searches reach, patch
    /// cells included), each cell a resistor of its resistance value (ohms), 8 neighbours, the two patches short-circuited
    /// focal regions (<see cref="Raster.Circuits.RegionPairCircuit"/>): 1 A from patch From to patch To. The current is mosaicked over the
    /// links as the maximum (ties to the smaller link); each link's effective resistance is the voltage between the patches.
    /// </summary>
    /// <param name="searches">Stage 1's result.</param>
    /// <param name="patches">Row-major patch ids (as given to <see cref="SearchPatches"/>).</param>
    /// <param name="corridorWidth">Corridor width, in cost units.</param>
    /// <param name="maxCells">Most corridor cells of one link's circuit; a larger corridor is skipped (no current, no resistance).</param>
    /// <param name="ct">Cancellation, checked between links.</param>
    public static PinchPointNetwork PinchPoints(PatchSearches searches, int[] patches, double corridorWidth, int maxCells, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(searches);
        ArgumentNullException.ThrowIfNull(patches);
        var grid = searches.Grid;
        int n = checked((int)grid.CellCount);
        if (patches.Length != n) throw new ArgumentException($"Patches need {n} cells.", nameof(patches));
        var links = searches.Links;
        var current = new float[n];
        Array.Fill(current, float.NaN);
        var owner = new int[n];
        var resistanceOhms = new double?[links.Count];
        int recomputed = 0, skipped = 0, notConverged = 0;
        long iterations = 0, solvedCells = 0;
        var gate = new object();
        var solver = new Raster.Circuits.CircuitOptions { AllCores = false };
        var options = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct };
        Parallel.For(0, links.Count, options, k =>
        {
            var link = links[k];
            var a = searches.Surface(link.From, ref recomputed);
            var b = searches.Surface(link.To, ref recomputed);
            // The link's corridor cells and their box.
            int c0 = Math.Max(a.Column0, b.Column0), r0 = Math.Max(a.Row0, b.Row0);
            int c1 = Math.Min(a.Column0 + a.Width, b.Column0 + b.Width), r1 = Math.Min(a.Row0 + a.Height, b.Row0 + b.Height);
            int minC = int.MaxValue, minR = int.MaxValue, maxC = -1, maxR = -1;
            long count = 0;
            for (int r = r0; r < r1; r++)
                for (int c = c0; c < c1; c++)
                {
                    if (!InCorridor(a, b, c, r, link.CostDistance, corridorWidth)) continue;
                    count++;
                    (minC, minR, maxC, maxR) = (Math.Min(minC, c), Math.Min(minR, r), Math.Max(maxC, c), Math.Max(maxR, r));
                }
            if (count == 0 || count > maxCells)
            {
                Interlocked.Increment(ref skipped);
                return;
            }
            int w = maxC - minC + 1, h = maxR - minR + 1;
            var conductance = new float[(long)w * h];
            var regions = new byte[conductance.Length];
            for (int r = minR; r <= maxR; r++)
                for (int c = minC; c <= maxC; c++)
                {
                    int wi = (r - minR) * w + (c - minC), gi = r * grid.Width + c;
                    float res = searches.Resistance[gi];
                    bool inside = res > 0 && float.IsFinite(res) && InCorridor(a, b, c, r, link.CostDistance, corridorWidth);
                    conductance[wi] = inside ? 1f / res : float.NaN;
                    regions[wi] = patches[gi] == link.From ? Raster.Circuits.RegionPairCircuit.Source
                        : patches[gi] == link.To ? Raster.Circuits.RegionPairCircuit.Ground : (byte)0;
                }
            var solution = Raster.Circuits.RegionPairCircuit.Solve(conductance, w, h, regions, solver);
            if (double.IsFinite(solution.EffectiveResistanceOhms)) resistanceOhms[k] = solution.EffectiveResistanceOhms;
            lock (gate)
            {
                iterations += solution.Iterations;
                solvedCells += count;
                if (!solution.Converged) notConverged++;
                for (int r = minR; r <= maxR; r++)
                    for (int c = minC; c <= maxC; c++)
                    {
                        float v = solution.CurrentAmps[(r - minR) * w + (c - minC)];
                        if (float.IsNaN(v)) continue;
                        int gi = r * grid.Width + c;
                        // Maximum over links; ties go to the smaller link, so the mosaic does not depend on the order of the solves.
                        if (float.IsNaN(current[gi]) || v > current[gi] || (v == current[gi] && k + 1 < owner[gi]))
                        {
                            current[gi] = v;
                            owner[gi] = k + 1;
                        }
                    }
            }
        });
        return new PinchPointNetwork(current, owner, resistanceOhms, skipped, notConverged, iterations, solvedCells, recomputed);
    }

    /// <summary>The corridor rule of <see cref="Corridors"/>: both surfaces reach the cell and cost_A + cost_B − LCD ≤ the width.</summary>
    private static bool InCorridor(PatchSurface a, PatchSurface b, int column, int row, double lcd, double width) =>
        (double)a.At(column, row) + b.At(column, row) - lcd <= width;

    private static float[] NewMosaic(int n)
    {
        var m = new float[n];
        Array.Fill(m, float.PositiveInfinity);
        return m;
    }

    /// <summary>cost_A + cost_B − LCD where both are reached and the value is within the width, as the minimum into <paramref name="mosaic"/>.</summary>
    private static void Accumulate(GridSpec grid, PatchSurface a, PatchSurface b, double lcd, double width, float[] mosaic)
    {
        int c0 = Math.Max(a.Column0, b.Column0), r0 = Math.Max(a.Row0, b.Row0);
        int c1 = Math.Min(a.Column0 + a.Width, b.Column0 + b.Width), r1 = Math.Min(a.Row0 + a.Height, b.Row0 + b.Height);
        for (int r = r0; r < r1; r++)
        {
            int ia = (r - a.Row0) * a.Width - a.Column0, ib = (r - b.Row0) * b.Width - b.Column0, ig = r * grid.Width;
            for (int c = c0; c < c1; c++)
            {
                float ca = a.Cost[ia + c], cb = b.Cost[ib + c];
                // NaN on either side fails the test: only cells both searches reached.
                double v = (double)ca + cb - lcd;
                if (!(v <= width)) continue;
                // On the least-cost path v is 0 up to the float rounding of the two surfaces.
                float f = (float)Math.Max(0, v);
                if (f < mosaic[ig + c]) mosaic[ig + c] = f;
            }
        }
    }

    /// <summary>The links from patch <paramref name="a"/> to every patch with a larger id its search reached.</summary>
    private static List<PatchLink> LinksFrom(GridSpec grid, int[] patches, int a, PatchSurface s, ref long reached)
    {
        var best = new SortedDictionary<int, (float Cost, int Cell)>();
        for (int r = 0; r < s.Height; r++)
        {
            int rowStart = (s.Row0 + r) * grid.Width + s.Column0;
            for (int c = 0; c < s.Width; c++)
            {
                float v = s.Cost[r * s.Width + c];
                if (float.IsNaN(v)) continue;
                reached++;
                int b = patches[rowStart + c];
                if (b <= a) continue;
                int cell = r * s.Width + c;
                // Ties: the first cell in raster order, so the link does not depend on the order of the search.
                if (!best.TryGetValue(b, out var e) || v < e.Cost) best[b] = (v, cell);
            }
        }
        var links = new List<PatchLink>();
        double diagonal = Math.Sqrt(grid.CellSizeX * grid.CellSizeX + grid.CellSizeY * grid.CellSizeY);
        foreach (var (b, (cost, start)) in best)
        {
            var path = new List<int>();
            double length = 0;
            bool crossesAnother = false;
            int w = start;
            while (true)
            {
                int gr = s.Row0 + w / s.Width, gc = s.Column0 + w % s.Width;
                int g = gr * grid.Width + gc;
                path.Add(g);
                int label = patches[g];
                if (label != 0 && label != a && label != b) { crossesAnother = true; break; }
                byte code = s.BackLinks![w];
                if (code == Raster.Kernels.RasterKernels.BackLinkSource) break;
                int k = code - 1;
                int dc = DCol[k], dr = DRow[k];
                length += dc != 0 && dr != 0 ? diagonal : dc != 0 ? grid.CellSizeX : grid.CellSizeY;
                w += dr * s.Width + dc;
            }
            if (crossesAnother) continue;
            path.Reverse();
            links.Add(new PatchLink(a, b, cost, length, path));
        }
        return links;
    }

    // The kernel's back-link directions 1..8: E, NE, N, NW, W, SW, S, SE (row axis down).
    private static readonly int[] DCol = [1, 1, 0, -1, -1, -1, 0, 1];
    private static readonly int[] DRow = [0, -1, -1, -1, 0, 1, 1, 1];
}
